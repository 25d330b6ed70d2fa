import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function equalHex(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}

/** An email as it may appear in audit details: a hash, never the address in clear. */
export function emailDigest(email: string): string {
  return sha256Hex(`email:${email.trim().toLowerCase()}`).slice(0, 32);
}

const PREFIX_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789';

/** `cev_<8-char prefix>_<43-char base64url secret of 32 random bytes>`. */
export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const bytes = randomBytes(8);
  const prefix = [...bytes].map((byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length]).join('');
  const key = `cev_${prefix}_${randomToken(32)}`;
  return { key, prefix, hash: sha256Hex(key) };
}

const API_KEY_SHAPE = /^cev_([a-z2-9]{8})_([A-Za-z0-9_-]{43,128})$/;

/** The prefix of a well-formed key, or undefined. */
export function apiKeyPrefix(key: string): string | undefined {
  return API_KEY_SHAPE.exec(key)?.[1];
}
