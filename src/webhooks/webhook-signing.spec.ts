import { randomBytes } from 'node:crypto';
import { verifyStandardWebhook } from '../../test/support/webhook-verifier';
import { secretString, webhookHeaders } from './webhook-signing';

describe('webhook signing (Standard Webhooks)', () => {
  const key = randomBytes(32);
  const secret = secretString(key);
  const at = new Date('2026-12-03T10:00:00.750Z');
  const body = JSON.stringify({ type: 'claim.decided', timestamp: at.toISOString(), data: { claimId: 'c' } });

  it('secrets are whsec_ + base64 of the 32-byte key', () => {
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64').equals(key)).toBe(true);
  });

  it('signs id.timestamp.body so that an independent verifier accepts it', () => {
    const headers = webhookHeaders([key], 'msg_1', at, body);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(at.getTime() / 1000)));
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(() => verifyStandardWebhook(secret, headers, body, { now: at })).not.toThrow();
  });

  it('a tampered body, id or timestamp fails verification', () => {
    const headers = webhookHeaders([key], 'msg_1', at, body);
    expect(() => verifyStandardWebhook(secret, headers, body.replace('decided', 'scored'), { now: at })).toThrow(
      'no matching signature',
    );
    expect(() => verifyStandardWebhook(secret, { ...headers, 'webhook-id': 'msg_2' }, body, { now: at })).toThrow(
      'no matching signature',
    );
    const later = String(Number(headers['webhook-timestamp']) + 1);
    expect(() => verifyStandardWebhook(secret, { ...headers, 'webhook-timestamp': later }, body, { now: at })).toThrow(
      'no matching signature',
    );
    expect(() => verifyStandardWebhook(secretString(randomBytes(32)), headers, body, { now: at })).toThrow();
  });

  it('during a rotation both the old and the new secret verify (space-separated signatures)', () => {
    const next = randomBytes(32);
    const headers = webhookHeaders([next, key], 'msg_1', at, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(() => verifyStandardWebhook(secret, headers, body, { now: at })).not.toThrow();
    expect(() => verifyStandardWebhook(secretString(next), headers, body, { now: at })).not.toThrow();
  });
});
