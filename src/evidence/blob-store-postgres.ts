import { assertBlobKey, assertBlobPrefix, BlobNotFoundError, type BlobEntry, type BlobStore } from './blob-store';
import type { BlobsRepository } from './blobs.repository';

const PAGE = 500;

/** Blobs as bytea rows of the `blobs` table (BLOB_STORE=postgres), through BlobsRepository. A put is one statement: atomic. */
export class PostgresBlobStore implements BlobStore {
  constructor(private readonly blobs: BlobsRepository) {}

  async put(key: string, sealed: Buffer): Promise<void> {
    assertBlobKey(key);
    await this.blobs.upsert(key, sealed);
  }

  async get(key: string): Promise<Buffer> {
    assertBlobKey(key);
    const data = await this.blobs.findData(key);
    if (!data) throw new BlobNotFoundError(key);
    return data;
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.blobs.delete(key);
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    return this.blobs.exists(key);
  }

  async *keys(prefix = ''): AsyncIterable<string> {
    for await (const entry of this.entries(prefix)) yield entry.key;
  }

  /** Pages by key (keyset pagination), so it neither holds a cursor open nor loads every row. */
  async *entries(prefix = ''): AsyncIterable<BlobEntry> {
    assertBlobPrefix(prefix);
    let after = '';
    for (;;) {
      const rows = await this.blobs.entriesAfter(prefix, after, PAGE);
      for (const row of rows) yield row;
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].key;
    }
  }
}
