import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import { SYSTEM_CONTEXT } from '../src/audit/audit-context';
import { EnvelopeCrypto, EvidenceShreddedError, shredDataKey, type BlobVariant } from '../src/crypto/envelope-crypto';
import { KeyRing } from '../src/crypto/key-ring';
import { KeyInUseError, KeyRotationService } from '../src/crypto/key-rotation.service';
import { BLOB_STORE, photoBlobKey, type BlobStore } from '../src/evidence/blob-store';
import { UsersRepository } from '../src/auth/users.repository';
import { MfaService } from '../src/mfa/mfa.service';
import { base32 } from '../src/mfa/totp';
import { WebhookEndpointsRepository, type WebhookEndpointRow } from '../src/webhooks/webhook-endpoints.repository';
import { WebhookSecrets } from '../src/webhooks/webhook-secrets';
import { createIntakeClient, createUser } from './support/auth-helpers';
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

describe('other keys wrapped by the ring: TOTP secrets and webhook signing secrets', () => {
  it('rotation re-wraps them (same secrets after), and retirement refuses a version only they still use', async () => {
    const users = testApp.app.get(UsersRepository);
    const endpoints = testApp.app.get(WebhookEndpointsRepository);
    const secrets = testApp.app.get(WebhookSecrets);
    const { id: userId } = await createUser(testApp, { role: 'admin' });
    const enrolment = await testApp.app.get(MfaService).startEnrolment(CONTEXT, (await users.findById(userId))!);
    const client = await createIntakeClient(testApp);
    const first = await secrets.generate();
    const second = await secrets.generate();
    const endpointId = await testApp.database.dataSource.transaction(async (tx) => {
      const now = new Date();
      const endpoint = await endpoints.insert(tx, {
        clientId: client.id,
        url: 'http://127.0.0.1:9/hook',
        events: ['claim.decided'],
        wrappedSecret: first.wrappedSecret,
        keyVersion: first.keyVersion,
        now,
      });
      await endpoints.rotateSecret(tx, endpoint.id, second, new Date(now.getTime() + 3_600_000), now);
      return endpoint.id;
    });
    const before = keyRing.active().version;
    expect((await rotation.status()).versions.find((v) => v.version === before)?.otherKeys).toEqual({
      'TOTP secrets': 1,
      'webhook signing secrets': 2,
    });

    const result = await rotation.rotate(CONTEXT);
    expect(result).toMatchObject({ completed: true, remaining: 0, targetVersion: before + 1 });
    expect(result.otherKeys).toEqual([
      { label: 'TOTP secrets', rewrapped: 1, failures: [] },
      { label: 'webhook signing secrets', rewrapped: 2, failures: [] },
    ]);
    // the same secrets, now under the new version: the authenticator app and the receivers need nothing
    const stored = (await users.totpSecretOf(userId))!;
    expect(stored.keyVersion).toBe(before + 1);
    expect(base32(await envelope.unwrapDataKey(stored.wrapped, stored.keyVersion))).toBe(enrolment.secret);
    const [endpoint] = (await testApp.database.dataSource.query(`SELECT * FROM webhook_endpoints WHERE id = $1`, [
      endpointId,
    ])) as WebhookEndpointRow[];
    expect([endpoint.secret_key_version, endpoint.previous_secret_key_version]).toEqual([before + 1, before + 1]);
    expect(await secrets.signingKeys(endpoint, new Date())).toEqual([second.key, first.key]);
    const rewrapEvents = (await auditActions('keys.rewrapped')).filter((event) => 'keys' in event.details);
    expect(rewrapEvents.slice(-2).map((event) => [event.details.keys, event.details.rewrapped])).toEqual([
      ['TOTP secrets', 1],
      ['webhook signing secrets', 2],
    ]);

    // A TOTP secret written by a process that still had the old active key: no photo uses that version any more,
    // but retiring it would lock the user out of two-factor sign-in; it is refused, naming what still uses it.
    const stale = await envelope.wrapDataKey(await envelope.unwrapDataKey(stored.wrapped, stored.keyVersion), before);
    await testApp.database.dataSource.transaction((tx) =>
      users.rewrapTotpKey(tx, userId, stale.wrappedDataKey, before),
    );
    await expect(rotation.retire(CONTEXT, before)).rejects.toThrow(
      new RegExp(`version ${before} still wraps 1 of the TOTP secrets`),
    );
    expect((await rotation.rotate(CONTEXT)).otherKeys[0]).toMatchObject({ rewrapped: 1 });
    await rotation.retire(CONTEXT, before);
    expect(keyRing.versions()).not.toContain(before);
    const after = (await users.totpSecretOf(userId))!;
    expect(base32(await envelope.unwrapDataKey(after.wrapped, after.keyVersion))).toBe(enrolment.secret);
  });
});
