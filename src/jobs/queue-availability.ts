import type { Queue } from 'bull';

/** Redis (the job queue) does not answer: the request is refused with 503 and changed nothing it reports as done. */
export class QueueUnavailableError extends Error {
  override name = 'QueueUnavailableError';
  constructor(readonly reason: string) {
    super(`the job queue (Redis) is unavailable: ${reason}`);
  }
}

/**
 * Bull's clients use `maxRetriesPerRequest: null` (they must, for the blocking client) and an offline
 * queue, so a command sent while Redis is down waits until it is back — forever, for a request. Every
 * request-path call to Redis goes through this bound instead.
 */
export async function withinQueueDeadline<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new QueueUnavailableError(`${what} did not answer within ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

const DOWN = new Set(['close', 'reconnecting', 'end']);

/**
 * Fails fast when ioredis already knows the connection is lost (between reconnect attempts);
 * otherwise the caller's deadline decides.
 */
export function assertQueueConnected(queue: Queue): void {
  const status = (queue.client as { status?: string }).status ?? 'unknown';
  if (DOWN.has(status)) throw new QueueUnavailableError(`not connected (${status})`);
}
