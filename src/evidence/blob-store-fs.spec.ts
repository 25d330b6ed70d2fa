import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BlobNotFoundError, InvalidBlobKeyError, photoBlobKey } from './blob-store';
import { FsBlobStore } from './blob-store-fs';

function allFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[]).filter((name) =>
    fs.statSync(path.join(root, name)).isFile(),
  );
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const item of iterable) out.push(item);
  return out.sort();
}

describe('FsBlobStore', () => {
  let dir: string;
  let store: FsBlobStore;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blobs-'));
    store = new FsBlobStore(path.join(dir, 'blobs'));
  });
  afterEach(() => {
    fs.chmodSync(dir, 0o700);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const key = (variant: 'original' | 'thumbnail' = 'original') =>
    photoBlobKey('6f1c1f5e-8a53-4f57-9d53-0d3e1ad6f3a1', 'b7c1e0b2-3f44-4e1e-a3a9-3a0c9e7e2f10', variant);

  it('puts, gets, lists, replaces and deletes, leaving no temp file', async () => {
    const bytes = randomBytes(1000);
    await store.put(key(), bytes);
    await store.put(key('thumbnail'), randomBytes(10));
    await store.put('other/thing', randomBytes(5));
    expect(await store.get(key())).toEqual(bytes);
    expect(await store.exists(key())).toBe(true);
    expect(await collect(store.keys('photos/'))).toEqual([key(), key('thumbnail')].sort());
    expect(await collect(store.keys())).toHaveLength(3);
    const replacement = randomBytes(7);
    await store.put(key(), replacement);
    expect(await store.get(key())).toEqual(replacement);
    expect(allFiles(store.root).filter((name) => path.basename(name).startsWith('.'))).toEqual([]);
    expect(allFiles(store.root)).toHaveLength(3);
    expect(fs.statSync(store.pathOf(key())).mode & 0o777).toBe(0o600);
    await store.delete(key());
    await store.delete(key()); // idempotent
    expect(await store.exists(key())).toBe(false);
    await expect(store.get(key())).rejects.toThrow(BlobNotFoundError);
  });

  it('shards files two levels deep under the root', async () => {
    await store.put(key(), randomBytes(3));
    const relative = path.relative(store.root, store.pathOf(key())).split(path.sep);
    expect(relative).toHaveLength(3);
    expect(relative[0]).toMatch(/^[0-9a-f]{2}$/);
    expect(relative[1]).toMatch(/^[0-9a-f]{2}$/);
  });

  it.each([
    '../etc/passwd',
    '/etc/passwd',
    'photos/../../x',
    'photos/./x',
    'photos//x',
    'photos/x/',
    'photos\\x',
    'a\0b',
    '',
    '.hidden',
    'x'.repeat(201),
    'photos/ä',
  ])('rejects the key %j', async (bad) => {
    await expect(store.put(bad, randomBytes(3))).rejects.toThrow(InvalidBlobKeyError);
    await expect(store.get(bad)).rejects.toThrow(InvalidBlobKeyError);
    await expect(store.delete(bad)).rejects.toThrow(InvalidBlobKeyError);
    await expect(store.exists(bad)).rejects.toThrow(InvalidBlobKeyError);
  });

  it('leaves no partial or temp file when a write fails (target is not replaceable)', async () => {
    await store.put(key('thumbnail'), randomBytes(3)); // creates the shard folders of one key
    const target = store.pathOf(key());
    fs.mkdirSync(path.join(target, 'occupied'), { recursive: true }); // rename over a non-empty directory fails
    await expect(store.put(key(), randomBytes(1000))).rejects.toThrow();
    expect(fs.readdirSync(path.dirname(target)).filter((name) => name.startsWith('.'))).toEqual([]);
    expect(fs.statSync(target).isDirectory()).toBe(true);
  });

  it('leaves no partial file when the folder is read-only', async () => {
    if (process.getuid?.() === 0) return; // root writes through permissions; covered by the test above
    await store.put(key('thumbnail'), randomBytes(3));
    const folder = path.dirname(store.pathOf(key('thumbnail')));
    fs.chmodSync(folder, 0o500);
    try {
      await expect(store.put(key('thumbnail'), randomBytes(100))).rejects.toThrow();
    } finally {
      fs.chmodSync(folder, 0o700);
    }
    expect(fs.readdirSync(folder)).toHaveLength(1);
  });

  it('never lists temp files, and removes stale ones', async () => {
    await store.put(key(), randomBytes(3));
    const folder = path.dirname(store.pathOf(key()));
    const temp = path.join(folder, '.deadbeef.tmp');
    fs.writeFileSync(temp, 'partial');
    const old = new Date(Date.now() - 3 * 3600_000);
    fs.utimesSync(temp, old, old);
    expect(await collect(store.keys())).toEqual([key()]);
    expect(await store.removeStaleTempFiles(new Date(Date.now() - 3600_000))).toBe(1);
    expect(fs.existsSync(temp)).toBe(false);
    expect(await store.exists(key())).toBe(true);
  });
});
