import { authenticator } from 'otplib';
import { base32, checkTotp, looksLikeRecoveryCode, newRecoveryCodes, otpauthUrl, recoveryCodeHash } from './totp';

describe('TOTP helpers', () => {
  it('encodes base32 as RFC 4648 (no padding)', () => {
    expect(base32(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32(Buffer.from('f'))).toBe('MY');
    expect(base32(Buffer.alloc(32)).length).toBe(52);
  });

  it('accepts the current code and one step of drift, and answers the accepted time step', () => {
    const secret = base32(Buffer.alloc(32, 7));
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    const code = authenticator.clone({ epoch: now }).generate(secret);
    expect(checkTotp(code, secret, now)).toBe(step);
    expect(checkTotp(code, secret, now + 30_000)).toBe(step);
    expect(checkTotp(code, secret, now + 90_000)).toBeNull();
    expect(checkTotp('12345', secret, now)).toBeNull();
    expect(checkTotp('abcdef', secret, now)).toBeNull();
  });

  it('names the issuer and account in the otpauth URI', () => {
    expect(otpauthUrl('a@example.test', 'ABC')).toBe(
      'otpauth://totp/Claims%20review:a%40example.test?secret=ABC&period=30&digits=6&algorithm=SHA1&issuer=Claims%20review',
    );
  });

  it('makes ten distinct recovery codes whose hash ignores case, dashes and spaces', () => {
    const codes = newRecoveryCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(looksLikeRecoveryCode(code)).toBe(true);
    const [first] = codes;
    expect(recoveryCodeHash(first.toUpperCase().replace('-', ' '))).toBe(recoveryCodeHash(first));
    expect(recoveryCodeHash(first)).not.toBe(recoveryCodeHash(codes[1]));
  });
});
