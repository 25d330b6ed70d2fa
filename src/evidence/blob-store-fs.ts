import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertBlobKey, assertBlobPrefix, BlobNotFoundError, type BlobEntry, type BlobStore } from './blob-store';

const TEMP_SUFFIX = '.tmp';

/**
 * Blobs as files under `root` (DATA_DIR/blobs): `root/<h0h1>/<h2h3>/<base64url(key)>`, where h is
 * SHA-256 of the key, so no folder grows past ~65k entries and no key can name a path outside the
 * root (keys are validated too). A put writes a temp file in the target folder, fsyncs it, renames
 * it over the final name and fsyncs the folder: a crash leaves the old blob or the new, never a part.
 * Temp files start with '.' and are never listed; the sweeper removes stale ones.
 */
export class FsBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  /** The file a key lives in (exposed for tests and operators). */
  pathOf(key: string): string {
    assertBlobKey(key);
    const hash = createHash('sha256').update(key, 'utf8').digest('hex');
    const file = path.join(
      this.root,
      hash.slice(0, 2),
      hash.slice(2, 4),
      Buffer.from(key, 'utf8').toString('base64url'),
    );
    if (!file.startsWith(path.resolve(this.root) + path.sep) && !file.startsWith(this.root + path.sep))
      throw new Error('blob path escapes the store');
    return file;
  }

  async put(key: string, sealed: Buffer): Promise<void> {
    const file = this.pathOf(key);
    const directory = path.dirname(file);
    await fs.promises.mkdir(directory, { recursive: true, mode: 0o700 });
    const temp = path.join(directory, `.${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(temp, 'wx', 0o600);
      await handle.writeFile(sealed);
      await handle.sync();
      await handle.close();
      handle = undefined;
      await fs.promises.rename(temp, file);
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await fs.promises.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    await syncDirectory(directory);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await fs.promises.readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await fs.promises.rm(this.pathOf(key), { force: true });
  }

  async exists(key: string): Promise<boolean> {
    try {
      return (await fs.promises.stat(this.pathOf(key))).isFile();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  }

  async *keys(prefix = ''): AsyncIterable<string> {
    for await (const entry of this.entries(prefix)) yield entry.key;
  }

  async *entries(prefix = ''): AsyncIterable<BlobEntry> {
    assertBlobPrefix(prefix);
    for await (const { file, name } of this.files()) {
      if (name.startsWith('.')) continue;
      const key = Buffer.from(name, 'base64url').toString('utf8');
      if (!key.startsWith(prefix)) continue;
      try {
        const stat = await fs.promises.stat(file);
        yield { key, size: stat.size, createdAt: stat.mtime };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted meanwhile
      }
    }
  }

  /** Removes temp files older than `olderThan` (left by a process killed in the middle of a put). */
  async removeStaleTempFiles(olderThan: Date): Promise<number> {
    let removed = 0;
    for await (const { file, name } of this.files()) {
      if (!name.startsWith('.') || !name.endsWith(TEMP_SUFFIX)) continue;
      try {
        if ((await fs.promises.stat(file)).mtime < olderThan) {
          await fs.promises.rm(file, { force: true });
          removed += 1;
        }
      } catch {
        // gone meanwhile
      }
    }
    return removed;
  }

  private async *files(): AsyncIterable<{ file: string; name: string }> {
    for (const level1 of await listDirectory(this.root)) {
      for (const level2 of await listDirectory(path.join(this.root, level1))) {
        const directory = path.join(this.root, level1, level2);
        for (const name of await listDirectory(directory)) yield { file: path.join(directory, name), name };
      }
    }
  }
}

async function listDirectory(directory: string): Promise<string[]> {
  try {
    return (await fs.promises.readdir(directory)).sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(directory, 'r');
    await handle.sync();
  } catch {
    // not supported on every platform; the rename is atomic regardless
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
