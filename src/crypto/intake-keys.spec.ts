import { CompactEncrypt, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { IntakeDecryptError, IntakeKeys } from './intake-keys.service';

async function encryptTo(
  key: KeyLike | Uint8Array,
  plaintext: Buffer,
  header: Record<string, unknown>,
): Promise<string> {
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', ...header })
    .encrypt(key);
}

describe('IntakeKeys', () => {
  let dir: string;
  let keys: IntakeKeys;
  let publicJwk: JWK;
  const photo = randomBytes(2048);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'intake-'));
    keys = new IntakeKeys({
      crypto: { masterKeys: undefined, masterKeysFile: '', intakeKeyFile: path.join(dir, 'keys', 'intake-p256.pem') },
    });
    publicJwk = (await keys.jwks()).keys[0];
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('publishes a P-256 public key with kid, alg and use, and no private part', async () => {
    expect(publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: expect.any(String),
      y: expect.any(String),
      kid: expect.any(String),
      alg: 'ECDH-ES+A256KW',
      use: 'enc',
    });
    expect(publicJwk).not.toHaveProperty('d');
    expect(fs.statSync(path.join(dir, 'keys', 'intake-p256.pem')).mode & 0o777).toBe(0o600);
    // The same file gives the same key in another process.
    const again = new IntakeKeys({
      crypto: { masterKeys: undefined, masterKeysFile: '', intakeKeyFile: path.join(dir, 'keys', 'intake-p256.pem') },
    });
    expect((await again.jwks()).keys[0]).toEqual(publicJwk);
  });

  it('decrypts what a jose client encrypts to the published key', async () => {
    const jwe = await encryptTo(await importJWK(publicJwk, 'ECDH-ES+A256KW'), photo, {
      kid: publicJwk.kid,
      cty: 'image/jpeg',
    });
    const result = await keys.decrypt(jwe);
    expect(result.plaintext).toEqual(photo);
    expect(result.protectedHeader).toMatchObject({
      alg: 'ECDH-ES+A256KW',
      enc: 'A256GCM',
      kid: publicJwk.kid,
      cty: 'image/jpeg',
    });
    // kid is optional for the client.
    expect(
      (await keys.decrypt(await encryptTo(await importJWK(publicJwk, 'ECDH-ES+A256KW'), photo, {}))).plaintext,
    ).toEqual(photo);
  });

  it('refuses a JWE for another key', async () => {
    const other = await generateKeyPair('ECDH-ES+A256KW');
    await expect(keys.decrypt(await encryptTo(other.publicKey, photo, {}))).rejects.toThrow(IntakeDecryptError);
    const otherJwk = await exportJWK(other.publicKey);
    await expect(keys.decrypt(await encryptTo(other.publicKey, photo, { kid: 'someone-else' }))).rejects.toThrow(
      /another key/,
    );
    expect(otherJwk.kty).toBe('EC');
  });

  it('refuses a tampered JWE (any part)', async () => {
    const jwe = await encryptTo(await importJWK(publicJwk, 'ECDH-ES+A256KW'), photo, {});
    const parts = jwe.split('.');
    for (const index of [1, 2, 3, 4]) {
      const tampered = [...parts];
      const bytes = Buffer.from(tampered[index], 'base64url');
      bytes[bytes.length - 1] ^= 0x01;
      tampered[index] = bytes.toString('base64url');
      await expect(keys.decrypt(tampered.join('.'))).rejects.toThrow(IntakeDecryptError);
    }
    await expect(keys.decrypt('not-a-jwe')).rejects.toThrow(IntakeDecryptError);
  });

  it('refuses alg dir and other alg/enc combinations', async () => {
    const dirJwe = await new CompactEncrypt(photo)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .encrypt(randomBytes(32));
    await expect(keys.decrypt(dirJwe)).rejects.toThrow(/alg must be ECDH-ES\+A256KW \(got dir\)/);
    const cbc = await encryptTo(await importJWK(publicJwk, 'ECDH-ES+A256KW'), photo, { enc: 'A128CBC-HS256' });
    await expect(keys.decrypt(cbc)).rejects.toThrow(/enc must be A256GCM/);
    const plainEcdh = await new CompactEncrypt(photo)
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' })
      .encrypt(await importJWK(publicJwk, 'ECDH-ES'));
    await expect(keys.decrypt(plainEcdh)).rejects.toThrow(IntakeDecryptError);
    const error: unknown = await keys.decrypt(dirJwe).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IntakeDecryptError);
    expect((error as IntakeDecryptError).getStatus()).toBe(422);
  });
});
