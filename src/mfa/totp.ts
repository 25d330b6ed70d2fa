import { authenticator } from 'otplib';
import { createHash, randomBytes } from 'node:crypto';

/** Issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Claims review';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding: how authenticator apps take a TOTP secret. */
export function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * RFC 6238 TOTP through otplib (SHA-1, 6 digits, 30 s steps: what every authenticator app takes), one
 * step of drift either way. Returns the accepted time step, or null for a wrong code.
 */
export function checkTotp(code: string, secretBase32: string, nowMs: number): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const totp = authenticator.clone({ window: 1, epoch: nowMs });
  const delta = totp.checkDelta(token, secretBase32);
  if (delta === null) return null;
  return Math.floor(nowMs / 1000 / 30) + delta;
}

export function otpauthUrl(account: string, secretBase32: string): string {
  return authenticator.keyuri(account, TOTP_ISSUER, secretBase32);
}

const RECOVERY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten recovery codes, `xxxxx-xxxxx` (about 49 bits each). */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = [...randomBytes(10)].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** The stored form of a recovery code: sha256 of the code without dashes, spaces or case. */
export function recoveryCodeHash(code: string): string {
  const normalised = code.toLowerCase().replace(/[\s-]+/g, '');
  return createHash('sha256').update(`mfa-recovery:${normalised}`, 'utf8').digest('hex');
}

export function looksLikeRecoveryCode(code: string): boolean {
  return /^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(code.trim());
}
