import { randomBytes, randomUUID } from 'node:crypto';
import { SYSTEM_CONTEXT } from '../src/audit/audit-context';
import { ManualClock } from '../src/common/clock';
import { EnvelopeCrypto } from '../src/crypto/envelope-crypto';
import {
  BLOB_STORE,
  BlobNotFoundError,
  InvalidBlobKeyError,
  photoBlobKey,
  type BlobStore,
} from '../src/evidence/blob-store';
import { FsBlobStore } from '../src/evidence/blob-store-fs';
import { PostgresBlobStore } from '../src/evidence/blob-store-postgres';
import { BlobSweeper } from '../src/evidence/blob-store-sweeper';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out.sort();
}

/** A photo row (with a real wrapped data key) for a fresh claim; its blobs are the test's to write. */
async function insertPhotoRow(testApp: TestApp, photoId: string): Promise<string> {
  const { wrappedDataKey, keyVersion } = await testApp.app.get(EnvelopeCrypto).newDataKey();
  const claim = await factories(testApp).newClaim();
  await factories(testApp).newPhoto({ id: photoId, claimId: claim.id, wrappedDataKey, keyVersion });
  return claim.id;
}

describe.each(['postgres', 'fs'] as const)('BLOB_STORE=%s', (kind) => {
  let testApp: TestApp;
  let store: BlobStore;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    testApp = await startTestApp({ label: `blob-${kind}`, env: { BLOB_STORE: kind }, manualClock: clock });
    store = testApp.app.get<BlobStore>(BLOB_STORE);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  it('is the store the configuration names', () => {
    expect(store).toBeInstanceOf(kind === 'postgres' ? PostgresBlobStore : FsBlobStore);
  });

  it('puts, gets, replaces, lists by prefix, deletes', async () => {
    const key = photoBlobKey(randomUUID(), randomUUID(), 'original');
    const bytes = randomBytes(70_000);
    await store.put(key, bytes);
    expect(await store.get(key)).toEqual(bytes);
    expect(await store.exists(key)).toBe(true);
    await store.put(key, Buffer.from('replaced'));
    expect(await store.get(key)).toEqual(Buffer.from('replaced'));
    await store.put('exports/a', Buffer.from('x'));
    expect(await collect(store.keys('photos/'))).toContain(key);
    expect(await collect(store.keys('photos/'))).not.toContain('exports/a');
    expect(await collect(store.keys('exports/'))).toEqual(['exports/a']);
    await store.delete(key);
    await store.delete(key);
    expect(await store.exists(key)).toBe(false);
    await expect(store.get(key)).rejects.toThrow(BlobNotFoundError);
    await expect(store.put('../escape', bytes)).rejects.toThrow(InvalidBlobKeyError);
    await expect(store.get('photos/../../etc/passwd')).rejects.toThrow(InvalidBlobKeyError);
  });

  it('lists more keys than one page, each once', async () => {
    const claimId = randomUUID();
    const keys = Array.from({ length: 520 }, () => photoBlobKey(claimId, randomUUID(), 'thumbnail'));
    await Promise.all(keys.map((key) => store.put(key, Buffer.from([1]))));
    expect(await collect(store.keys(`photos/${claimId}/`))).toEqual([...keys].sort());
    await Promise.all(keys.map((key) => store.delete(key)));
  });

  it('the sweeper deletes old orphan photo blobs only, and audits it', async () => {
    const kept = randomUUID();
    const orphan = randomUUID();
    const claimId = await insertPhotoRow(testApp, kept);
    for (const photoId of [kept, orphan])
      for (const variant of ['original', 'thumbnail'] as const)
        await store.put(photoBlobKey(claimId, photoId, variant), randomBytes(10));
    await store.put('exports/not-a-photo', Buffer.from('x'));
    const sweeper = testApp.app.get(BlobSweeper);

    // Within the grace period: an upload may still be committing its photo row.
    const young = await sweeper.sweep(SYSTEM_CONTEXT, { graceMs: 3600_000 });
    expect(young).toMatchObject({ orphans: 2, deleted: 0, tooYoung: 2 });
    expect(await store.exists(photoBlobKey(claimId, orphan, 'original'))).toBe(true);

    clock.advance(2 * 3600_000);
    const dry = await sweeper.sweep(SYSTEM_CONTEXT, { graceMs: 3600_000, dryRun: true });
    expect(dry).toMatchObject({ orphans: 2, deleted: 0, tooYoung: 0, dryRun: true });
    expect(await store.exists(photoBlobKey(claimId, orphan, 'original'))).toBe(true);

    const report = await sweeper.sweep(SYSTEM_CONTEXT, { graceMs: 3600_000 });
    expect(report).toMatchObject({ orphans: 2, deleted: 2, tooYoung: 0 });
    expect(await store.exists(photoBlobKey(claimId, orphan, 'original'))).toBe(false);
    expect(await store.exists(photoBlobKey(claimId, orphan, 'thumbnail'))).toBe(false);
    expect(await store.exists(photoBlobKey(claimId, kept, 'original'))).toBe(true);
    expect(await store.exists('exports/not-a-photo')).toBe(true);
    const events = (await testApp.database.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'blobs.swept'`,
    )) as Array<{ details: Record<string, unknown> }>;
    expect(events).toEqual([{ details: expect.objectContaining({ deleted: 2, photoIds: [orphan] }) }]);
  });
});
