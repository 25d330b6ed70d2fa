/**
 * Foreground work (HTTP requests: intake, reviews) goes before catch-up work (the re-embedding
 * backfill after a restart or a model change). HTTP requests are counted here by a middleware;
 * background loops call `whenForegroundQuiet()` before each unit of work, which waits while requests
 * are in flight or arrived within the last `quietMs` (default 50 ms), but never longer than `maxWaitMs`
 * (default 30 s), so catch-up work still makes progress (slowly) under constant load. Per process: the API and a worker in one
 * process (`npm start`) share it; a separate worker process has no requests and never waits.
 */
export class WorkPriority {
  private inFlight = 0;
  private lastActivity = 0;

  requestStarted(): void {
    this.inFlight += 1;
    this.lastActivity = performance.now();
  }

  requestEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    this.lastActivity = performance.now();
  }

  get foregroundInFlight(): number {
    return this.inFlight;
  }

  async whenForegroundQuiet(options: { quietMs?: number; maxWaitMs?: number } = {}): Promise<void> {
    const quietMs = options.quietMs ?? 50;
    const deadline = performance.now() + (options.maxWaitMs ?? 30_000);
    for (;;) {
      const now = performance.now();
      if (now >= deadline) return;
      if (this.inFlight === 0 && now - this.lastActivity >= quietMs) return;
      const wait = Math.min(deadline - now, this.inFlight === 0 ? quietMs - (now - this.lastActivity) : quietMs);
      await new Promise<void>((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }

  /** For tests. */
  reset(): void {
    this.inFlight = 0;
    this.lastActivity = 0;
  }
}

/** The process's one instance (HTTP middleware and background loops may live in different modules). */
export const workPriority = new WorkPriority();
