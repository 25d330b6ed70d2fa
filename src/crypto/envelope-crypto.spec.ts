import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DataKeyUnwrapError,
  EnvelopeCrypto,
  EvidenceCorruptError,
  EvidenceShreddedError,
  type BlobBinding,
} from './envelope-crypto';
import { KeyRing, UnknownKeyVersionError } from './key-ring';

function ringFrom(masterKeys: string): KeyRing {
  return new KeyRing({
    crypto: { masterKeys, masterKeysFile: '/nonexistent/unused.json', intakeKeyFile: '/nonexistent/unused.pem' },
  });
}

const v1 = randomBytes(32).toString('base64');
const v2 = randomBytes(32).toString('base64');

describe('EnvelopeCrypto', () => {
  const crypto = new EnvelopeCrypto(ringFrom(`1:${v1}`));
  const binding: BlobBinding = { claimId: randomUUID(), photoId: randomUUID(), variant: 'original', keyVersion: 1 };
  const plaintext = randomBytes(300);

  it('round-trips a blob, with version byte, random nonce and tag around the ciphertext', async () => {
    const { dataKey } = await crypto.newDataKey();
    const sealed = crypto.encrypt(dataKey, plaintext, binding);
    expect(sealed[0]).toBe(1);
    expect(sealed.length).toBe(1 + 12 + plaintext.length + 16);
    expect(crypto.decrypt(dataKey, sealed, binding)).toEqual(plaintext);
    // A fresh nonce each time: the same plaintext never gives the same bytes.
    expect(crypto.encrypt(dataKey, plaintext, binding).equals(sealed)).toBe(false);
    // keyVersion is not authenticated (rotation changes it without touching blobs).
    expect(crypto.decrypt(dataKey, sealed, { ...binding, keyVersion: 7 })).toEqual(plaintext);
  });

  it('round-trips an empty plaintext', async () => {
    const { dataKey } = await crypto.newDataKey();
    expect(crypto.decrypt(dataKey, crypto.encrypt(dataKey, Buffer.alloc(0), binding), binding)).toEqual(
      Buffer.alloc(0),
    );
  });

  it('refuses a sealed blob with any single byte flipped', async () => {
    const { dataKey } = await crypto.newDataKey();
    const sealed = crypto.encrypt(dataKey, randomBytes(40), binding);
    for (let index = 0; index < sealed.length; index += 1) {
      const tampered = Buffer.from(sealed);
      tampered[index] ^= 0x01;
      expect(() => crypto.decrypt(dataKey, tampered, binding)).toThrow(EvidenceCorruptError);
    }
  });

  it('refuses truncated, extended and empty input', async () => {
    const { dataKey } = await crypto.newDataKey();
    const sealed = crypto.encrypt(dataKey, randomBytes(40), binding);
    expect(() => crypto.decrypt(dataKey, sealed.subarray(0, sealed.length - 1), binding)).toThrow(EvidenceCorruptError);
    expect(() => crypto.decrypt(dataKey, Buffer.concat([sealed, Buffer.from([0])]), binding)).toThrow(
      EvidenceCorruptError,
    );
    expect(() => crypto.decrypt(dataKey, Buffer.alloc(0), binding)).toThrow(EvidenceCorruptError);
  });

  it('refuses a blob decrypted under another binding (swapped photo, variant or claim) or another data key', async () => {
    const { dataKey } = await crypto.newDataKey();
    const sealed = crypto.encrypt(dataKey, plaintext, binding);
    for (const other of [
      { ...binding, photoId: randomUUID() },
      { ...binding, variant: 'thumbnail' as const },
      { ...binding, claimId: randomUUID() },
    ]) {
      expect(() => crypto.decrypt(dataKey, sealed, other)).toThrow(EvidenceCorruptError);
    }
    const { dataKey: otherKey } = await crypto.newDataKey();
    expect(() => crypto.decrypt(otherKey, sealed, binding)).toThrow(EvidenceCorruptError);
    expect(() => crypto.decrypt(dataKey, sealed, { ...binding, variant: 'preview' })).toThrow(
      `evidence is corrupt or was tampered with (photo ${binding.photoId}, preview)`,
    );
  });

  it('seals small fields bound to the photo and the field name', async () => {
    const { dataKey } = await crypto.newDataKey();
    const gps = { latitude: 52.37, longitude: 4.89 };
    const sealed = crypto.sealJsonField(dataKey, gps, { photoId: binding.photoId, field: 'gps' });
    expect(crypto.openJsonField(dataKey, sealed, { photoId: binding.photoId, field: 'gps' })).toEqual(gps);
    expect(() => crypto.openField(dataKey, sealed, { photoId: randomUUID(), field: 'gps' })).toThrow(
      EvidenceCorruptError,
    );
    expect(() => crypto.openField(dataKey, sealed, { photoId: binding.photoId, field: 'other' })).toThrow(
      EvidenceCorruptError,
    );
  });

  it('wraps with the active version and unwraps across versions', async () => {
    const before = ringFrom(`1:${v1}`);
    const after = ringFrom(`1:${v1},2:${v2}`);
    const old = await new EnvelopeCrypto(before).newDataKey();
    expect(old.keyVersion).toBe(1);
    const rotated = new EnvelopeCrypto(after);
    expect(await rotated.unwrapDataKey(old.wrappedDataKey, 1)).toEqual(old.dataKey);
    const fresh = await rotated.newDataKey();
    expect(fresh.keyVersion).toBe(2);
    const rewrapped = await rotated.wrapDataKey(old.dataKey);
    expect(rewrapped.keyVersion).toBe(2);
    expect(await rotated.unwrapDataKey(rewrapped.wrappedDataKey, 2)).toEqual(old.dataKey);
    // A wrapped key names its version in the AAD: claiming another version fails.
    await expect(rotated.unwrapDataKey(old.wrappedDataKey, 2)).rejects.toThrow(DataKeyUnwrapError);
    // The old ring does not know v2.
    await expect(new EnvelopeCrypto(before).unwrapDataKey(rewrapped.wrappedDataKey, 2)).rejects.toThrow(
      UnknownKeyVersionError,
    );
    const tampered = Buffer.from(old.wrappedDataKey);
    tampered[20] ^= 0xff;
    await expect(rotated.unwrapDataKey(tampered, 1)).rejects.toThrow(DataKeyUnwrapError);
  });

  it('reports a shredded (NULL) wrapped key clearly', async () => {
    await expect(crypto.unwrapDataKey(null, 1, 'photo-1')).rejects.toThrow(EvidenceShreddedError);
    await expect(crypto.unwrapDataKey(null, 1, 'photo-1')).rejects.toThrow(/shredded.*photo-1/);
  });

  it('works with a file ring that is created on first use', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'envelope-'));
    try {
      const ring = new KeyRing({
        crypto: { masterKeys: undefined, masterKeysFile: path.join(dir, 'keys', 'ring.json'), intakeKeyFile: '' },
      });
      const envelope = new EnvelopeCrypto(ring);
      const first = await envelope.newDataKey();
      ring.rotate();
      expect(await envelope.unwrapDataKey(first.wrappedDataKey, first.keyVersion)).toEqual(first.dataKey);
      expect((await envelope.newDataKey()).keyVersion).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
