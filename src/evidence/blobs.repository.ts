import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The blobs table (sealed evidence bytes when BLOB_STORE=postgres): the only code that reads or writes its rows. */
@Injectable()
export class BlobsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** One statement: atomic. */
  async upsert(key: string, sealed: Buffer): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO blobs (key, data) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, created_at = now()`,
      [key, sealed],
    );
  }

  async findData(key: string): Promise<Buffer | undefined> {
    const [row] = (await this.dataSource.query(`SELECT data FROM blobs WHERE key = $1`, [key])) as Array<{
      data: Buffer;
    }>;
    return row ? Buffer.from(row.data) : undefined;
  }

  async delete(key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM blobs WHERE key = $1`, [key]);
  }

  async exists(key: string): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM blobs WHERE key = $1`, [key])) as unknown[];
    return rows.length > 0;
  }

  /** Up to `limit` entries under `prefix` with keys after `after` (byte order): keyset pagination. */
  async entriesAfter(
    prefix: string,
    after: string,
    limit: number,
  ): Promise<Array<{ key: string; size: number; createdAt: Date }>> {
    const rows = (await this.dataSource.query(
      `SELECT key, octet_length(data) AS size, created_at FROM blobs WHERE left(key, $1) = $2 AND key COLLATE "C" > $3 ORDER BY key COLLATE "C" LIMIT $4`,
      [prefix.length, prefix, after, limit],
    )) as Array<{ key: string; size: number | string; created_at: Date | string }>;
    return rows.map((row) => ({ key: row.key, size: Number(row.size), createdAt: new Date(row.created_at) }));
  }
}
