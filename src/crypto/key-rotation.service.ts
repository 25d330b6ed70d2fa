import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { EnvelopeCrypto } from './envelope-crypto';
import { KeyRing, KeyRingError } from './key-ring';

/** Session advisory lock: one rotation or retirement at a time across all hosts. */
const KEY_ROTATION_LOCK = 7_204_312;

export interface RotationProgress {
  rotationId: string;
  targetVersion: number;
  batch: number;
  rewrappedInBatch: number;
  rewrapped: number;
  failed: number;
}

export interface RotateOptions {
  /** Photos per transaction (default 500). */
  batchSize?: number;
  /** Stop after this many batches (the rest is done by the next run). */
  maxBatches?: number;
  /** Called after each committed batch; throwing from it stops the run (the next run resumes). */
  onProgress?: (progress: RotationProgress) => void | Promise<void>;
}

export interface RotationResult {
  rotationId: string;
  targetVersion: number;
  /** The master key version this run added (file ring); null when it resumed or the ring is MASTER_KEYS. */
  addedVersion: number | null;
  resumed: boolean;
  batches: number;
  /** Photos re-wrapped by this run. */
  rewrapped: number;
  /** Photos whose data key could not be unwrapped (ids only, never key material). */
  failures: Array<{ photoId: string; keyVersion: number; reason: string }>;
  /** Photos still under an older version after this run. */
  remaining: number;
  completed: boolean;
}

export interface KeyStatus {
  source: 'env' | 'file';
  ring: string;
  activeVersion: number;
  versions: Array<{ version: number; createdAt: string | null; active: boolean; photos: number }>;
  /** Photos whose data key uses a version that is not in the ring (unreadable until it is restored). */
  unknownVersions: Array<{ version: number; photos: number }>;
  shreddedPhotos: number;
  openRotation: { id: string; targetVersion: number; rewrapped: number; startedAt: string } | null;
}

export class KeyInUseError extends KeyRingError {
  constructor(
    readonly version: number,
    readonly photos: number,
  ) {
    super(
      `master key version ${version} still wraps the data keys of ${photos} photo(s); run keys:rotate until it completes, then retire`,
    );
  }
}

export class RotationBusyError extends KeyRingError {
  constructor() {
    super('another keys:rotate or keys:retire is running (advisory lock held); try again when it has finished');
  }
}

interface OpenRotationRow {
  id: string;
  target_version: number;
  rewrapped: number;
  started_at: Date;
}

/**
 * Master key rotation: adds a KEK version and re-wraps every photo's data key to it, in batches by
 * photo id, each batch one audited transaction, WITHOUT touching the blobs (they are sealed with the
 * data keys, which do not change). Progress lives in key_rotations; a run killed half-way leaves an
 * open rotation that the next run resumes (only rows with key_version below the target are touched).
 */
@Injectable()
export class KeyRotationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keyRing: KeyRing,
    private readonly envelope: EnvelopeCrypto,
    private readonly audit: AuditService,
  ) {}

  async rotate(context: AuditContext, options: RotateOptions = {}): Promise<RotationResult> {
    const batchSize = options.batchSize ?? 500;
    return this.exclusively(async () => {
      const open = await this.openRotation(this.dataSource.manager);
      let rotationId: string;
      let addedVersion: number | null = null;
      if (open) {
        rotationId = open.id;
        const target = this.keyRing.active().version;
        if (target !== open.target_version)
          await this.dataSource.query(
            `UPDATE key_rotations SET target_version = $2, updated_at = now() WHERE id = $1`,
            [rotationId, target],
          );
      } else {
        const previousVersion = this.keyRing.active().version;
        if (this.keyRing.source === 'file') addedVersion = this.keyRing.rotate();
        const targetVersion = this.keyRing.active().version;
        rotationId = await this.audit.run(context, async (tx) => {
          const [row] = (await tx.manager.query(
            `INSERT INTO key_rotations (target_version, added_version) VALUES ($1, $2) RETURNING id`,
            [targetVersion, addedVersion],
          )) as Array<{ id: string }>;
          tx.record({
            action: 'keys.rotated',
            resourceType: 'master_key',
            resourceId: `v${targetVersion}`,
            details: {
              rotationId: row.id,
              version: targetVersion,
              previousVersion,
              ring: this.keyRing.source,
              addedVersion,
            },
          });
          return row.id;
        });
      }
      const targetVersion = this.keyRing.active().version;
      const failures: RotationResult['failures'] = [];
      let rewrapped = 0;
      let batches = 0;
      let cursor = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        if (options.maxBatches !== undefined && batches >= options.maxBatches) break;
        const batch = await this.rewrapBatch(context, rotationId, targetVersion, cursor, batchSize);
        if (batch.seen === 0) break;
        batches += 1;
        rewrapped += batch.rewrapped;
        failures.push(...batch.failures);
        cursor = batch.lastId;
        await options.onProgress?.({
          rotationId,
          targetVersion,
          batch: batches,
          rewrappedInBatch: batch.rewrapped,
          rewrapped,
          failed: failures.length,
        });
      }
      const remaining = await this.countBelow(targetVersion);
      const completed = remaining === 0;
      if (completed) {
        await this.audit.run(context, async (tx) => {
          const [row] = (await tx.manager.query(
            `UPDATE key_rotations SET completed_at = now(), updated_at = now() WHERE id = $1 RETURNING rewrapped`,
            [rotationId],
          )) as [Array<{ rewrapped: number }>, number];
          tx.record({
            action: 'keys.rotation_completed',
            resourceType: 'master_key',
            resourceId: `v${targetVersion}`,
            details: { rotationId, version: targetVersion, rewrappedTotal: Number(row[0]?.rewrapped ?? rewrapped) },
          });
        });
      }
      return {
        rotationId,
        targetVersion,
        addedVersion,
        resumed: open !== undefined,
        batches,
        rewrapped,
        failures,
        remaining,
        completed,
      };
    });
  }

  /** Removes a master key version from the file ring; refused while any photo's data key uses it. */
  async retire(context: AuditContext, version: number): Promise<{ version: number }> {
    return this.exclusively(async () => {
      if (this.keyRing.source === 'env') this.keyRing.retire(version); // throws: read-only, with the fix
      if (!this.keyRing.versions().includes(version))
        throw new KeyRingError(`version ${version} is not in the key ring (${this.keyRing.versions().join(', ')})`);
      if (version === this.keyRing.active().version)
        throw new KeyRingError(`version ${version} is the active key and cannot be retired; rotate first`);
      await this.audit.run(context, async (tx) => {
        const [row] = (await tx.manager.query(
          `SELECT count(*)::int AS photos FROM photos WHERE key_version = $1 AND wrapped_data_key IS NOT NULL`,
          [version],
        )) as Array<{ photos: number }>;
        if (row.photos > 0) throw new KeyInUseError(version, row.photos);
        tx.record({
          action: 'keys.retired',
          resourceType: 'master_key',
          resourceId: `v${version}`,
          details: { version, ring: this.keyRing.source },
        });
        // Last step inside the transaction: if the file cannot be written, neither is the event.
        this.keyRing.retire(version);
      });
      return { version };
    });
  }

  async status(): Promise<KeyStatus> {
    const counts = (await this.dataSource.query(
      `SELECT key_version AS version, count(*)::int AS photos FROM photos WHERE wrapped_data_key IS NOT NULL GROUP BY key_version ORDER BY key_version`,
    )) as Array<{ version: number; photos: number }>;
    const [shredded] = (await this.dataSource.query(
      `SELECT count(*)::int AS photos FROM photos WHERE wrapped_data_key IS NULL`,
    )) as Array<{ photos: number }>;
    const open = await this.openRotation(this.dataSource.manager);
    const keys = this.keyRing.keys();
    const active = this.keyRing.active().version;
    const inRing = new Set(keys.map((key) => key.version));
    return {
      source: this.keyRing.source,
      ring: this.keyRing.description,
      activeVersion: active,
      versions: keys.map((key) => ({
        version: key.version,
        createdAt: key.createdAt,
        active: key.version === active,
        photos: counts.find((count) => count.version === key.version)?.photos ?? 0,
      })),
      unknownVersions: counts.filter((count) => !inRing.has(count.version)),
      shreddedPhotos: shredded.photos,
      openRotation: open
        ? {
            id: open.id,
            targetVersion: open.target_version,
            rewrapped: open.rewrapped,
            startedAt: new Date(open.started_at).toISOString(),
          }
        : null,
    };
  }

  private async rewrapBatch(
    context: AuditContext,
    rotationId: string,
    targetVersion: number,
    after: string,
    limit: number,
  ) {
    return this.audit.run(context, async (tx) => {
      const rows = (await tx.manager.query(
        `SELECT id, wrapped_data_key, key_version FROM photos
          WHERE key_version < $1 AND wrapped_data_key IS NOT NULL AND id > $2
          ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED`,
        [targetVersion, after, limit],
      )) as Array<{ id: string; wrapped_data_key: Buffer; key_version: number }>;
      const failures: RotationResult['failures'] = [];
      const fromVersions: Record<string, number> = {};
      let rewrapped = 0;
      for (const row of rows) {
        let dataKey: Buffer | undefined;
        try {
          dataKey = await this.envelope.unwrapDataKey(row.wrapped_data_key, row.key_version, row.id);
          const wrapped = await this.envelope.wrapDataKey(dataKey, targetVersion);
          await tx.manager.query(`UPDATE photos SET wrapped_data_key = $2, key_version = $3 WHERE id = $1`, [
            row.id,
            wrapped.wrappedDataKey,
            targetVersion,
          ]);
          fromVersions[`v${row.key_version}`] = (fromVersions[`v${row.key_version}`] ?? 0) + 1;
          rewrapped += 1;
        } catch (error) {
          failures.push({ photoId: row.id, keyVersion: row.key_version, reason: (error as Error).name });
        } finally {
          dataKey?.fill(0);
        }
      }
      if (rows.length > 0) {
        await tx.manager.query(
          `UPDATE key_rotations SET rewrapped = rewrapped + $2, failed = failed + $3, updated_at = now() WHERE id = $1`,
          [rotationId, rewrapped, failures.length],
        );
        tx.record({
          action: 'keys.rewrapped',
          resourceType: 'master_key',
          resourceId: `v${targetVersion}`,
          details: {
            rotationId,
            toVersion: targetVersion,
            rewrapped,
            fromVersions,
            firstPhotoId: rows[0].id,
            lastPhotoId: rows[rows.length - 1].id,
            failedPhotoIds: failures.map((failure) => failure.photoId),
          },
        });
      }
      return { seen: rows.length, rewrapped, failures, lastId: rows.length > 0 ? rows[rows.length - 1].id : after };
    });
  }

  private async countBelow(version: number): Promise<number> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS photos FROM photos WHERE key_version < $1 AND wrapped_data_key IS NOT NULL`,
      [version],
    )) as Array<{ photos: number }>;
    return row.photos;
  }

  private async openRotation(manager: EntityManager): Promise<OpenRotationRow | undefined> {
    const [row] = (await manager.query(
      `SELECT id, target_version, rewrapped, started_at FROM key_rotations WHERE completed_at IS NULL ORDER BY started_at DESC LIMIT 1`,
    )) as OpenRotationRow[];
    return row;
  }

  /** Runs `work` holding the rotation lock on a dedicated connection (session advisory locks belong to one). */
  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    // The embedded database (PGlite) has one connection and serves one process: nothing to exclude,
    // and a dedicated connection would starve `work`.
    if ((this.dataSource.options as { poolSize?: number }).poolSize === 1) return work();
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [KEY_ROTATION_LOCK])) as Array<{
        locked: boolean;
      }>;
      if (!row.locked) throw new RotationBusyError();
      try {
        return await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock($1)`, [KEY_ROTATION_LOCK]);
      }
    } finally {
      await runner.release();
    }
  }
}
