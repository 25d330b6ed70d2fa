import type { DataSource } from 'typeorm';
import { assertBlobKey, assertBlobPrefix, BlobNotFoundError, type BlobEntry, type BlobStore } from './blob-store';

const PAGE = 500;

/** Blobs as bytea rows of the `blobs` table (BLOB_STORE=postgres). A put is one statement: atomic. */
export class PostgresBlobStore implements BlobStore {
  constructor(private readonly dataSource: DataSource) {}

  async put(key: string, sealed: Buffer): Promise<void> {
    assertBlobKey(key);
    await this.dataSource.query(
      `INSERT INTO blobs (key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, created_at = now()`,
      [key, sealed],
    );
  }

  async get(key: string): Promise<Buffer> {
    assertBlobKey(key);
    const [row] = (await this.dataSource.query(`SELECT data FROM blobs WHERE key = $1`, [key])) as Array<{
      data: Buffer;
    }>;
    if (!row) throw new BlobNotFoundError(key);
    return Buffer.from(row.data);
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.dataSource.query(`DELETE FROM blobs WHERE key = $1`, [key]);
  }

  async exists(key: string): Promise<boolean> {
    assertBlobKey(key);
    const rows = (await this.dataSource.query(`SELECT 1 FROM blobs WHERE key = $1`, [key])) as unknown[];
    return rows.length > 0;
  }

  async *keys(prefix = ''): AsyncIterable<string> {
    for await (const entry of this.entries(prefix)) yield entry.key;
  }

  /** Pages by key (keyset pagination), so it neither holds a cursor open nor loads every row. */
  async *entries(prefix = ''): AsyncIterable<BlobEntry> {
    assertBlobPrefix(prefix);
    let after = '';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT key, octet_length(data) AS size, created_at FROM blobs WHERE left(key, $1) = $2 AND key COLLATE "C" > $3 ORDER BY key COLLATE "C" LIMIT $4`,
        [prefix.length, prefix, after, PAGE],
      )) as Array<{ key: string; size: number | string; created_at: Date | string }>;
      for (const row of rows) yield { key: row.key, size: Number(row.size), createdAt: new Date(row.created_at) };
      if (rows.length < PAGE) return;
      after = rows[rows.length - 1].key;
    }
  }
}
