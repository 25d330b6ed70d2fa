/**
 * Waiting on a condition instead of sleeping a fixed time: the test goes on as soon as what it waits
 * for has happened, and fails, naming what it waited for, when it has not happened within `timeoutMs`.
 */
export interface WaitForOptions {
  /** Upper bound on the whole wait (every test wait is bounded). */
  readonly timeoutMs: number;
  /** Pause between two probes (default 100 ms). */
  readonly intervalMs?: number;
  /** What is awaited, in words, for the timeout message: "the worker to start". */
  readonly description: string;
}

export class WaitForTimeoutError extends Error {
  constructor(
    readonly description: string,
    readonly timeoutMs: number,
    readonly lastError: unknown,
  ) {
    super(
      `timed out after ${timeoutMs} ms waiting for ${description}` +
        (lastError === undefined ? '' : `; the last probe failed: ${String(lastError)}`),
    );
    this.name = 'WaitForTimeoutError';
  }
}

/**
 * Probes `condition` until it returns a value other than undefined, null or false, and returns that
 * value. A probe that throws counts as "not yet" (a server that is still starting refuses connections);
 * its last error is quoted in the timeout message. The condition is always probed at least once, and
 * once more at the deadline, so a wait never fails without having looked.
 */
export async function waitFor<T>(
  condition: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitForOptions,
): Promise<T> {
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value !== undefined && value !== null && value !== false) return value;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitForTimeoutError(options.description, options.timeoutMs, lastError);
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, left)));
  }
}
