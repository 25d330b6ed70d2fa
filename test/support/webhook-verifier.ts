import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A Standard Webhooks verifier written here from the specification
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md), on
 * node:crypto only. The service signs with the `standardwebhooks` package; tests verify with this
 * independent implementation, so a shared mistake in one library cannot make both sides agree.
 *
 * - the secret is `whsec_` + base64 of the key: the HMAC key is the base64-decoded part;
 * - signed content: `${webhook-id}.${webhook-timestamp}.${body}` (the raw body bytes);
 * - `webhook-signature`: space-separated `v1,<base64 HMAC-SHA256>` entries; any one matching is enough;
 * - the timestamp (unix seconds) must be within `toleranceS` of `now` (replay protection).
 */
export class WebhookVerificationFailed extends Error {}

export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer | string,
  options: { now?: Date; toleranceS?: number } = {},
): void {
  const header = (name: string): string => {
    const value = headers[name];
    if (typeof value !== 'string' || value.length === 0) throw new WebhookVerificationFailed(`missing ${name}`);
    return value;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!/^\d+$/.test(timestamp)) throw new WebhookVerificationFailed('bad webhook-timestamp');
  const nowS = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowS - Number(timestamp)) > (options.toleranceS ?? 300))
    throw new WebhookVerificationFailed('webhook-timestamp outside the tolerance');
  if (!secret.startsWith('whsec_')) throw new WebhookVerificationFailed('secret without whsec_ prefix');
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const content = Buffer.concat([Buffer.from(`${id}.${timestamp}.`, 'utf8'), Buffer.from(body)]);
  const expected = createHmac('sha256', key).update(content).digest();
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) continue;
    const presented = Buffer.from(signature, 'base64');
    if (presented.length === expected.length && timingSafeEqual(presented, expected)) return;
  }
  throw new WebhookVerificationFailed('no matching signature');
}
