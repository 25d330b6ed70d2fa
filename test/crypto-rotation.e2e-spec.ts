import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { SYSTEM_CONTEXT } from '../src/audit/audit-context';
import { EnvelopeCrypto, EvidenceShreddedError, shredDataKey, type BlobVariant } from '../src/crypto/envelope-crypto';
import { KeyRing } from '../src/crypto/key-ring';
import { KeyInUseError, KeyRotationService } from '../src/crypto/key-rotation.service';
import { BLOB_STORE, photoBlobKey, type BlobStore } from '../src/evidence/blob-store';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const CONTEXT = { ...SYSTEM_CONTEXT, actorId: 'rotation-test' };
const VARIANTS: BlobVariant[] = ['original', 'thumbnail'];

interface Fixture {
  claimId: string;
  photoId: string;
  plaintexts: Record<string, Buffer>;
}

let testApp: TestApp;
let envelope: EnvelopeCrypto;
let store: BlobStore;
let rotation: KeyRotationService;
let keyRing: KeyRing;
let claimId: string;
const photos: Fixture[] = [];

async function insertClaim(): Promise<string> {
  return (await factories(testApp).newClaim({ lineOfBusiness: 'property', claimedPeril: 'hail' })).id;
}

/** What ingest does: a data key, sealed blobs in the store, then the photo row with the wrapped key. */
async function insertPhoto(): Promise<Fixture> {
  const photoId = randomUUID();
  const { dataKey, wrappedDataKey, keyVersion } = await envelope.newDataKey();
  const plaintexts: Record<string, Buffer> = {};
  for (const variant of VARIANTS) {
    plaintexts[variant] = randomBytes(64);
    await store.put(
      photoBlobKey(claimId, photoId, variant),
      envelope.encrypt(dataKey, plaintexts[variant], { claimId, photoId, variant, keyVersion }),
    );
  }
  const gps = envelope.sealJsonField(dataKey, { latitude: 1, longitude: 2 }, { photoId, field: 'gps' });
  await factories(testApp).newPhoto({
    id: photoId,
    claimId,
    byteSize: 64,
    // No preview variant here: the preview key points at the original.
    previewBlobKey: photoBlobKey(claimId, photoId, 'original'),
    wrappedDataKey,
    keyVersion,
    gpsCiphertext: gps,
  });
  return { claimId, photoId, plaintexts };
}

/** What a reader does: unwrap with the row's version, then decrypt every blob. */
async function readAll(fixture: Fixture): Promise<void> {
  const [row] = (await testApp.database.dataSource.query(
    `SELECT wrapped_data_key, key_version FROM photos WHERE id = $1`,
    [fixture.photoId],
  )) as Array<{ wrapped_data_key: Buffer | null; key_version: number }>;
  const dataKey = await envelope.unwrapDataKey(row.wrapped_data_key, row.key_version, fixture.photoId);
  for (const variant of VARIANTS) {
    const sealed = await store.get(photoBlobKey(fixture.claimId, fixture.photoId, variant));
    expect(
      envelope.decrypt(dataKey, sealed, {
        claimId: fixture.claimId,
        photoId: fixture.photoId,
        variant,
        keyVersion: row.key_version,
      }),
    ).toEqual(fixture.plaintexts[variant]);
  }
}

async function versionsInUse(): Promise<Record<number, number>> {
  const rows = (await testApp.database.dataSource.query(
    `SELECT key_version, count(*)::int AS n FROM photos WHERE wrapped_data_key IS NOT NULL GROUP BY 1`,
  )) as Array<{ key_version: number; n: number }>;
  return Object.fromEntries(rows.map((row) => [row.key_version, row.n]));
}

async function auditActions(prefix: string): Promise<Array<{ action: string; details: Record<string, unknown> }>> {
  return (await testApp.database.dataSource.query(
    `SELECT action, details FROM audit_events WHERE action LIKE $1 ORDER BY seq`,
    [`${prefix}%`],
  )) as Array<{ action: string; details: Record<string, unknown> }>;
}

beforeAll(async () => {
  testApp = await startTestApp({ label: 'crypto-rotation' });
  envelope = testApp.app.get(EnvelopeCrypto);
  store = testApp.app.get<BlobStore>(BLOB_STORE);
  rotation = testApp.app.get(KeyRotationService);
  keyRing = testApp.app.get(KeyRing);
  claimId = await insertClaim();
  for (let index = 0; index < 25; index += 1) photos.push(await insertPhoto());
});

afterAll(async () => {
  await testApp?.close();
});

it('starts with a file ring of one key (mode 0600) wrapping every photo', async () => {
  expect(keyRing.versions()).toEqual([1]);
  expect(fs.statSync(testApp.config.crypto.masterKeysFile).mode & 0o777).toBe(0o600);
  expect(await versionsInUse()).toEqual({ 1: 25 });
  const status = await rotation.status();
  expect(status).toMatchObject({
    source: 'file',
    activeVersion: 1,
    versions: [{ version: 1, active: true, photos: 25 }],
    openRotation: null,
  });
});

it('an interrupted rotation is resumed by the next run, not restarted with another version', async () => {
  const progress: number[] = [];
  await expect(
    rotation.rotate(CONTEXT, {
      batchSize: 10,
      onProgress: (p) => {
        progress.push(p.batch);
        throw new Error('killed after the first batch');
      },
    }),
  ).rejects.toThrow('killed after the first batch');
  expect(progress).toEqual([1]);
  expect(keyRing.versions()).toEqual([1, 2]);
  expect(await versionsInUse()).toEqual({ 1: 15, 2: 10 });
  expect((await rotation.status()).openRotation).toMatchObject({ targetVersion: 2, rewrapped: 10 });
  // Mixed state: every photo still reads.
  for (const photo of photos) await readAll(photo);

  const resumed = await rotation.rotate(CONTEXT, { batchSize: 10 });
  expect(resumed).toMatchObject({
    resumed: true,
    addedVersion: null,
    targetVersion: 2,
    rewrapped: 15,
    batches: 2,
    remaining: 0,
    completed: true,
    failures: [],
  });
  expect(keyRing.versions()).toEqual([1, 2]);
  expect(await versionsInUse()).toEqual({ 2: 25 });
});

it('a second rotation adds v3; every blob still decrypts; blobs were not rewritten', async () => {
  const sealedBefore = await store.get(photoBlobKey(claimId, photos[0].photoId, 'original'));
  const result = await rotation.rotate(CONTEXT, { batchSize: 7 });
  expect(result).toMatchObject({
    resumed: false,
    addedVersion: 3,
    targetVersion: 3,
    rewrapped: 25,
    batches: 4,
    completed: true,
  });
  expect(await versionsInUse()).toEqual({ 3: 25 });
  expect(await store.get(photoBlobKey(claimId, photos[0].photoId, 'original'))).toEqual(sealedBefore);
  for (const photo of photos) await readAll(photo);
  // GPS, sealed with the data key, still opens too.
  const [row] = (await testApp.database.dataSource.query(
    `SELECT wrapped_data_key, key_version, gps_ciphertext FROM photos WHERE id = $1`,
    [photos[0].photoId],
  )) as Array<{ wrapped_data_key: Buffer; key_version: number; gps_ciphertext: Buffer }>;
  const dataKey = await envelope.unwrapDataKey(row.wrapped_data_key, row.key_version);
  expect(envelope.openJsonField(dataKey, row.gps_ciphertext, { photoId: photos[0].photoId, field: 'gps' })).toEqual({
    latitude: 1,
    longitude: 2,
  });
});

it('audits the rotations without key material', async () => {
  const events = await auditActions('keys.');
  const actions = events.map((event) => event.action);
  expect(actions.filter((action) => action === 'keys.rotated')).toHaveLength(2);
  expect(actions.filter((action) => action === 'keys.rotation_completed')).toHaveLength(2);
  expect(actions.filter((action) => action === 'keys.rewrapped')).toHaveLength(1 + 2 + 4);
  expect(events.find((event) => event.action === 'keys.rotated')?.details).toMatchObject({
    version: 2,
    previousVersion: 1,
    ring: 'file',
    addedVersion: 2,
  });
  const ring = JSON.parse(fs.readFileSync(testApp.config.crypto.masterKeysFile, 'utf8')) as {
    keys: Array<{ key: string }>;
  };
  const serialised = JSON.stringify(events);
  for (const { key } of ring.keys) expect(serialised).not.toContain(key);
  expect(serialised).not.toMatch(/wrapped_?data_?key"\s*:/i);
});

it('retire refuses the active version and a version still in use, and retires an unused one', async () => {
  await expect(rotation.retire(CONTEXT, 3)).rejects.toThrow(/active key/);
  // A photo written by a process that still had v2 as its active key.
  const stale = new EnvelopeCrypto(new KeyRing({ crypto: { ...testApp.config.crypto } }));
  const dataKey = randomBytes(32);
  const wrapped = await stale.wrapDataKey(dataKey, 2);
  const straggler = await insertPhoto();
  await testApp.database.dataSource.query(`UPDATE photos SET wrapped_data_key = $2, key_version = 2 WHERE id = $1`, [
    straggler.photoId,
    wrapped.wrappedDataKey,
  ]);
  await expect(rotation.retire(CONTEXT, 2)).rejects.toThrow(KeyInUseError);
  await expect(rotation.retire(CONTEXT, 2)).rejects.toThrow(/version 2 still wraps the data keys of 1 photo/);

  await rotation.retire(CONTEXT, 1);
  expect(keyRing.versions()).toEqual([2, 3]);
  expect((await auditActions('keys.retired')).map((event) => event.details)).toEqual([
    expect.objectContaining({ version: 1 }),
  ]);
  await expect(rotation.retire(CONTEXT, 1)).rejects.toThrow(/not in the key ring/);

  // The next rotation (v4) re-wraps every photo, the straggler included; then v2 is free.
  const result = await rotation.rotate(CONTEXT);
  expect(result).toMatchObject({ addedVersion: 4, completed: true, rewrapped: 26 });
  await rotation.retire(CONTEXT, 2);
  expect(keyRing.versions()).toEqual([3, 4]);
  for (const photo of photos) await readAll(photo);
});

it('shredding destroys the data key: the photo is unreadable, rotation and retirement ignore it', async () => {
  const victim = photos[3];
  const shredded = await testApp.database.dataSource.transaction((manager) =>
    shredDataKey(manager, victim.photoId, new Date('2026-02-01T00:00:00Z')),
  );
  expect(shredded).toBe(true);
  await expect(readAll(victim)).rejects.toThrow(EvidenceShreddedError);
  const [row] = (await testApp.database.dataSource.query(
    `SELECT shredded_at, gps_ciphertext FROM photos WHERE id = $1`,
    [victim.photoId],
  )) as Array<{ shredded_at: Date; gps_ciphertext: Buffer | null }>;
  expect(row).toEqual({ shredded_at: new Date('2026-02-01T00:00:00Z'), gps_ciphertext: null });
  expect(await testApp.database.dataSource.transaction((manager) => shredDataKey(manager, victim.photoId))).toBe(false);
  const result = await rotation.rotate(CONTEXT);
  expect(result).toMatchObject({ addedVersion: 5, completed: true, rewrapped: 25 });
  await rotation.retire(CONTEXT, 3);
  expect((await rotation.status()).shreddedPhotos).toBe(1);
});
