/**
 * Audit details carry facts, never secrets or personal data in clear. Keys that name a secret are
 * replaced, whatever the caller passed, so a careless call cannot leak one into a permanent record.
 */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|private|gps|latitude|longitude/i;

export function sanitiseDetails(details: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!details) return {};
  return scrub(details) as Record<string, unknown>;
}

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[truncated]';
  if (Array.isArray(value)) return value.slice(0, 1000).map((item) => scrub(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (item === undefined) continue;
      result[key] = SECRET_KEY.test(key) ? '[redacted]' : scrub(item, depth + 1);
    }
    return result;
  }
  if (Buffer.isBuffer(value)) return `[${value.length} bytes]`;
  if (typeof value === 'string' && value.length > 2000) return `${value.slice(0, 2000)}…`;
  return value;
}
