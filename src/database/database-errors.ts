/**
 * Whether an error means "PostgreSQL cannot be reached or is going away" rather than a problem with the
 * request: connection refused or reset, the server shutting down or starting up, a pool that timed out
 * waiting for a connection. TypeORM wraps driver errors (QueryFailedError.driverError), so causes are
 * followed too. Such errors are answered 503 and the pool reconnects by itself once the server is back.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// SQLSTATE class 08 (connection exception) and 57P01-57P03 (admin shutdown, crash shutdown, cannot connect now).
const SQLSTATES = /^(08...|57P0[123])$/;
const MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error and is not queryable/i,
  /Cannot use a pool after calling end on the pool/i,
  /the database system is (shutting down|starting up|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /Connection is not established/i,
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const candidate = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    name?: unknown;
  };
  // Redis errors carry the same network codes: only the database's own error types count here.
  if (typeof candidate.name === 'string' && /redis|MaxRetriesPerRequest/i.test(candidate.name)) return false;
  if (typeof candidate.code === 'string' && SQLSTATES.test(candidate.code)) return true;
  if (typeof candidate.message === 'string' && MESSAGES.some((pattern) => pattern.test(candidate.message as string)))
    return true;
  if (depth > 0 && typeof candidate.code === 'string' && NETWORK_CODES.has(candidate.code)) return true;
  return (
    isDatabaseUnavailable(candidate.driverError, depth + 1) ||
    isDatabaseUnavailable(candidate.cause, depth + 1) ||
    isTopLevelNetworkError(candidate, depth)
  );
}

/** A bare ECONNREFUSED at the top is what pg's pool throws when it cannot open a connection. */
function isTopLevelNetworkError(
  candidate: { code?: unknown; syscall?: unknown; address?: unknown },
  depth: number,
): boolean {
  return (
    depth === 0 &&
    typeof candidate.code === 'string' &&
    NETWORK_CODES.has(candidate.code) &&
    typeof (candidate as { syscall?: unknown }).syscall === 'string'
  );
}
