import { Injectable } from '@nestjs/common';

export type ReadinessCheck = () => Promise<{ ok: boolean; detail?: string }>;

/** Modules register what must work before this process takes traffic (database, Redis, model). */
@Injectable()
export class ReadinessService {
  private readonly checks = new Map<string, ReadinessCheck>();

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  async evaluate(
    timeoutMs = 2000,
  ): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }> {
    const entries = await Promise.all(
      [...this.checks.entries()].map(async ([name, check]) => {
        try {
          const result = await withTimeout(check(), timeoutMs, `${name} did not answer within ${timeoutMs} ms`);
          return [name, result] as const;
        } catch (error) {
          return [
            name,
            { ok: false, detail: error instanceof Error ? error.message.split('\n')[0] : String(error) },
          ] as const;
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    return { ready: entries.every(([, result]) => result.ok), checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(message)), ms);
    }),
  ]);
}
