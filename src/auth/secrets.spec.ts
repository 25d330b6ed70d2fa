import { PasswordHasher } from './password-hasher';
import { apiKeyPrefix, emailDigest, generateApiKey, sha256Hex } from './secrets';

describe('API keys', () => {
  it('look like cev_<8-char prefix>_<43-char base64url secret> and are stored as sha256', () => {
    const { key, prefix, hash } = generateApiKey();
    expect(key).toMatch(/^cev_[a-z2-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(apiKeyPrefix(key)).toBe(prefix);
    expect(hash).toBe(sha256Hex(key));
    expect(hash).not.toContain(key.slice(13));
  });

  it('malformed keys have no prefix', () => {
    expect(apiKeyPrefix('cev_short_x')).toBeUndefined();
    expect(apiKeyPrefix('')).toBeUndefined();
  });

  it('email digests hide the address and ignore case', () => {
    expect(emailDigest('A@Example.com')).toBe(emailDigest('a@example.com'));
    expect(emailDigest('a@example.com')).not.toContain('example');
  });
});

describe('PasswordHasher (scrypt N=2^17, r=8, p=1)', () => {
  const hasher = new PasswordHasher();
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hasher.hash('correct horse battery staple');
    expect(stored).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(stored).not.toContain('correct horse');
    await expect(hasher.verify('correct horse battery staple', stored)).resolves.toBe(true);
    await expect(hasher.verify('correct horse battery stapler', stored)).resolves.toBe(false);
    await expect(hasher.verify('x', 'garbage')).resolves.toBe(false);
  }, 30_000);
});
