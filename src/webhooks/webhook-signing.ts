import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): `webhook-signature` is `v1,` and the
 * base64 HMAC-SHA256 of `id.timestamp.body` keyed with the secret's decoded bytes. Signed with the
 * spec's own reference library (`standardwebhooks`), so the service signs exactly as receivers using
 * that library verify. During a secret rotation's overlap the header holds one signature per secret,
 * separated by spaces (the spec allows several); a receiver accepts any that verifies.
 */
export const SECRET_PREFIX = 'whsec_';

/** The secret as shown to the owner once: `whsec_` + base64 of the 32-byte key. */
export function secretString(key: Buffer): string {
  return `${SECRET_PREFIX}${key.toString('base64')}`;
}

export function signatureHeader(keys: readonly Buffer[], id: string, timestamp: Date, body: string): string {
  return keys.map((key) => new Webhook(key.toString('base64')).sign(id, timestamp, body)).join(' ');
}

/** The three headers of a delivery; `timestamp` in whole seconds as the spec says. */
export function webhookHeaders(keys: readonly Buffer[], id: string, at: Date, body: string): Record<string, string> {
  const seconds = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': signatureHeader(keys, id, new Date(seconds * 1000), body),
  };
}
