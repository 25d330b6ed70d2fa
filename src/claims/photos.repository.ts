import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { Photo } from './photo.entity';

/**
 * Crypto-shredding: destroys a photo's wrapped data key, so its blobs and sealed fields can never be
 * decrypted again (backups of the blobs included). Run it inside the caller's audited transaction
 * (retention purge, erasure request) and record the event there. Returns whether a key was destroyed.
 */
export async function shredDataKey(tx: Tx, photoId: string, at: Date = new Date()): Promise<boolean> {
  const result = (await tx.query(
    `UPDATE photos SET wrapped_data_key = NULL, gps_ciphertext = NULL, shredded_at = COALESCE(shredded_at, $2) WHERE id = $1 AND wrapped_data_key IS NOT NULL RETURNING id`,
    [photoId, at],
  )) as [unknown[], number] | unknown[];
  const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
  return rows.length > 0;
}

/** A claim's photos (or several claims'), oldest first: the claim view shows them. */
export async function findPhotosOfClaims(tx: Tx, claimIds: string[]): Promise<Photo[]> {
  if (claimIds.length === 0) return [];
  return tx
    .getRepository(Photo)
    .createQueryBuilder('photo')
    .where('photo.claimId IN (:...ids)', { ids: claimIds })
    .orderBy('photo.createdAt', 'ASC')
    .addOrderBy('photo.id', 'ASC')
    .getMany();
}

export function countPhotosOfClaim(tx: Tx, claimId: string): Promise<number> {
  return tx.count(Photo, { where: { claimId } });
}

/** Which of these photo ids exist (the blob sweeper's orphan check). */
export async function findExistingPhotoIds(tx: Tx, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = (await tx.query(`SELECT id FROM photos WHERE id = ANY($1::uuid[])`, [ids])) as Array<{ id: string }>;
  return new Set(rows.map((row) => row.id));
}

export async function photoExists(tx: Tx, id: string): Promise<boolean> {
  const rows = (await tx.query(`SELECT 1 FROM photos WHERE id = $1`, [id])) as unknown[];
  return rows.length > 0;
}

/** A stored photo another claim's photos are compared with (its embedding only when the current model made it). */
export interface DuplicateCandidateRow {
  id: string;
  claim_id: string;
  sha256: string;
  perceptual_hash: string;
  crop_hashes: string[];
  embedding: number[] | null;
}

/**
 * The photos table: the only code that reads or writes its rows. It lives in claims/ with the Photo
 * entity (a claim's photos are part of its view), below evidence/ and crypto/, which both use it.
 */
@Injectable()
export class PhotosRepository extends OwnedTableRepository {
  countOfClaim(claimId: string, tx?: Tx): Promise<number> {
    return countPhotosOfClaim(this.m(tx), claimId);
  }

  /** Inserts a claim's new photos and returns them as stored, in the order given. */
  async insertAll(tx: Tx, rows: Array<Partial<Photo>>): Promise<Photo[]> {
    await tx.insert(Photo, rows as never);
    const photos = await tx.find(Photo, { where: rows.map((row) => ({ id: row.id! })) });
    const order = new Map(rows.map((row, index) => [row.id!, index]));
    return photos.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  findOfClaim(claimId: string, photoId: string, tx?: Tx): Promise<Photo | null> {
    return this.m(tx).findOne(Photo, { where: { id: photoId, claimId } });
  }

  async storeEmbedding(tx: Tx, photoId: string, embedding: Float32Array, modelHash: string): Promise<void> {
    await tx.query(`UPDATE photos SET embedding = $1, embedding_model_hash = $2 WHERE id = $3`, [
      Array.from(embedding),
      modelHash,
      photoId,
    ]);
  }

  /**
   * Photos of other claims stored by `asOf` and not shredded, with their hashes, and their embedding
   * when `modelHash` made it (duplicate detection).
   */
  async duplicateCandidates(claimId: string, modelHash: string, asOf: Date, tx?: Tx): Promise<DuplicateCandidateRow[]> {
    return (await this.m(tx).query(
      `SELECT id, claim_id, sha256, perceptual_hash, crop_hashes, CASE WHEN embedding_model_hash = $2 THEN embedding END AS embedding
         FROM photos WHERE claim_id <> $1 AND shredded_at IS NULL AND created_at <= $3`,
      [claimId, modelHash, asOf],
    )) as DuplicateCandidateRow[];
  }

  /** A claim's photos, oldest first. */
  allOfClaim(claimId: string, tx?: Tx): Promise<Photo[]> {
    return findPhotosOfClaims(this.m(tx), [claimId]);
  }

  /** Photos with evidence whose embedding was not made by `modelHash` (the backfill's work). */
  async countStaleEmbeddings(modelHash: string, tx?: Tx): Promise<number> {
    const [row] = (await this.m(tx).query(
      `SELECT count(*)::int AS n FROM photos WHERE shredded_at IS NULL AND wrapped_data_key IS NOT NULL AND embedding_model_hash IS DISTINCT FROM $1`,
      [modelHash],
    )) as Array<{ n: number }>;
    return Number(row.n);
  }

  /** The next page (by id, after `afterId`) of photos whose embedding is stale, with what decrypting them needs. */
  async staleEmbeddingPage(
    modelHash: string,
    afterId: string,
    limit: number,
    tx?: Tx,
  ): Promise<Array<{ id: string; claim_id: string; sha256: string; wrapped_data_key: Buffer; key_version: number }>> {
    return (await this.m(tx).query(
      `SELECT id, claim_id, sha256, wrapped_data_key, key_version FROM photos
        WHERE shredded_at IS NULL AND wrapped_data_key IS NOT NULL AND embedding_model_hash IS DISTINCT FROM $1 AND id > $2
        ORDER BY id LIMIT ${Number(limit)}`,
      [modelHash, afterId],
    )) as Array<{ id: string; claim_id: string; sha256: string; wrapped_data_key: Buffer; key_version: number }>;
  }

  /** Replaces a photo's embedding unless its evidence was shredded meanwhile. */
  async refreshEmbedding(photoId: string, embedding: Float32Array, modelHash: string, tx?: Tx): Promise<void> {
    await this.m(tx).query(
      `UPDATE photos SET embedding = $1, embedding_model_hash = $2 WHERE id = $3 AND shredded_at IS NULL`,
      [Array.from(embedding), modelHash, photoId],
    );
  }

  /** Ids of a claim's photos, in id order. */
  async idsOfClaim(claimId: string, tx?: Tx): Promise<string[]> {
    const rows = (await this.m(tx).query(`SELECT id FROM photos WHERE claim_id = $1 ORDER BY id`, [claimId])) as Array<{
      id: string;
    }>;
    return rows.map((row) => row.id);
  }

  /** Ids of a claim's photos whose data key still exists (not yet shredded), in id order. */
  async idsWithDataKey(claimId: string, tx?: Tx): Promise<string[]> {
    const rows = (await this.m(tx).query(
      `SELECT id FROM photos WHERE claim_id = $1 AND wrapped_data_key IS NOT NULL ORDER BY id`,
      [claimId],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  shredDataKey(tx: Tx, photoId: string, at: Date): Promise<boolean> {
    return shredDataKey(tx, photoId, at);
  }

  /**
   * Retention of EXIF/GPS: the sealed GPS goes; `delete` empties the EXIF, `redact` keeps only the
   * capture time.
   */
  async purgeExifGps(tx: Tx, claimId: string, action: 'delete' | 'redact'): Promise<void> {
    if (action === 'delete')
      await tx.query(`UPDATE photos SET gps_ciphertext = NULL, exif = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
    else
      await tx.query(
        `UPDATE photos SET gps_ciphertext = NULL, exif = CASE WHEN exif ? 'captureTime' THEN jsonb_build_object('captureTime', exif->'captureTime') ELSE '{}'::jsonb END WHERE claim_id = $1`,
        [claimId],
      );
  }

  /** Photos whose data key is still wrapped with master key `version`. */
  countWithKeyVersion(version: number, tx?: Tx): Promise<number> {
    return this.countPhotos(`key_version = $1 AND wrapped_data_key IS NOT NULL`, [version], tx);
  }

  /** Photos whose data key is wrapped with a master key version below `version`. */
  countBelowKeyVersion(version: number, tx?: Tx): Promise<number> {
    return this.countPhotos(`key_version < $1 AND wrapped_data_key IS NOT NULL`, [version], tx);
  }

  /** Photos with a data key, per master key version. */
  async countByKeyVersion(tx?: Tx): Promise<Array<{ version: number; photos: number }>> {
    return (await this.m(tx).query(
      `SELECT key_version AS version, count(*)::int AS photos FROM photos WHERE wrapped_data_key IS NOT NULL GROUP BY key_version ORDER BY key_version`,
    )) as Array<{ version: number; photos: number }>;
  }

  countShredded(tx?: Tx): Promise<number> {
    return this.countPhotos(`wrapped_data_key IS NULL`, [], tx);
  }

  /**
   * Locks the next `limit` photos (after `afterId`, in id order) whose data key is below `targetVersion`,
   * skipping rows another rotation holds.
   */
  async lockKeysBelowVersion(
    tx: Tx,
    targetVersion: number,
    afterId: string,
    limit: number,
  ): Promise<Array<{ id: string; wrapped_data_key: Buffer; key_version: number }>> {
    return (await tx.query(
      `SELECT id, wrapped_data_key, key_version FROM photos
        WHERE key_version < $1 AND wrapped_data_key IS NOT NULL AND id > $2
        ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
      [targetVersion, afterId, limit],
    )) as Array<{ id: string; wrapped_data_key: Buffer; key_version: number }>;
  }

  async rewrapDataKey(tx: Tx, photoId: string, wrappedDataKey: Buffer, keyVersion: number): Promise<void> {
    await tx.query(`UPDATE photos SET wrapped_data_key = $2, key_version = $3 WHERE id = $1`, [
      photoId,
      wrappedDataKey,
      keyVersion,
    ]);
  }

  /** Retention of embeddings: a claim's photo embeddings go (whatever the action). */
  async purgeEmbeddings(tx: Tx, claimId: string): Promise<void> {
    await tx.query(`UPDATE photos SET embedding = NULL, embedding_model_hash = NULL WHERE claim_id = $1`, [claimId]);
  }

  /** Photos matching a fixed SQL condition (never built from input: values go in `params`). */
  private async countPhotos(condition: string, params: unknown[], tx?: Tx): Promise<number> {
    const [row] = (await this.m(tx).query(
      `SELECT count(*)::int AS photos FROM photos WHERE ${condition}`,
      params,
    )) as Array<{ photos: number }>;
    return row.photos;
  }
}
