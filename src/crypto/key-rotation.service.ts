import { Injectable } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { TransactionRunner } from '../database/transaction-runner';
import { PhotosRepository } from '../claims/photos.repository';
import { EnvelopeCrypto } from './envelope-crypto';
import { KeyRing, KeyRingError } from './key-ring';
import { KeyRotationsRepository } from './key-rotations.repository';
import type { WrappedKeyHolder, WrappedKeyRow } from './wrapped-key-holder';

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
  /** Other wrapped keys (TOTP secrets, webhook signing secrets) re-wrapped by this run, per holder. */
  otherKeys: Array<{
    label: string;
    rewrapped: number;
    failures: Array<{ ref: string; keyVersion: number; reason: string }>;
  }>;
  /** Photos and other keys still under an older version after this run. */
  remaining: number;
  completed: boolean;
}

export interface KeyStatus {
  source: 'env' | 'file';
  ring: string;
  activeVersion: number;
  versions: Array<{
    version: number;
    createdAt: string | null;
    active: boolean;
    photos: number;
    /** Other keys it wraps, per holder label (TOTP secrets, webhook signing secrets). */
    otherKeys: Record<string, number>;
  }>;
  /** Photos whose data key uses a version that is not in the ring (unreadable until it is restored). */
  unknownVersions: Array<{ version: number; photos: number }>;
  shreddedPhotos: number;
  openRotation: { id: string; targetVersion: number; rewrapped: number; startedAt: string } | null;
}

export class KeyInUseError extends KeyRingError {
  constructor(
    readonly version: number,
    readonly photos: number,
    readonly otherKeys: Record<string, number> = {},
  ) {
    const others = Object.entries(otherKeys).map(([label, count]) => `${count} of the ${label}`);
    super(
      `master key version ${version} still wraps ${[...(photos > 0 ? [`the data keys of ${photos} photo(s)`] : []), ...others].join(' and ')}; run keys:rotate until it completes, then retire`,
    );
  }
}

export class RotationBusyError extends KeyRingError {
  constructor() {
    super('another keys:rotate or keys:retire is running (advisory lock held); try again when it has finished');
  }
}

/**
 * Master key rotation: adds a KEK version and re-wraps every photo's data key to it, in batches by
 * photo id, each batch one audited transaction, WITHOUT touching the blobs (they are sealed with the
 * data keys, which do not change). Progress lives in key_rotations; a run killed half-way leaves an
 * open rotation that the next run resumes (only rows with key_version below the target are touched).
 */
@Injectable()
export class KeyRotationService {
  private readonly holders: WrappedKeyHolder[] = [];

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly keyRing: KeyRing,
    private readonly envelope: EnvelopeCrypto,
    private readonly audit: AuditService,
    private readonly rotations: KeyRotationsRepository,
    private readonly photos: PhotosRepository,
  ) {}

  /** A table that keeps data keys wrapped by the ring (its module registers it on start; the CLI, itself). */
  registerHolder(holder: WrappedKeyHolder): void {
    if (this.holders.includes(holder)) return;
    this.holders.push(holder);
    this.holders.sort((a, b) => a.label.localeCompare(b.label)); // the same order whichever module started first
  }

  async rotate(context: AuditContext, options: RotateOptions = {}): Promise<RotationResult> {
    const batchSize = options.batchSize ?? 500;
    return this.exclusively(async () => {
      const open = await this.rotations.findOpen();
      let rotationId: string;
      let addedVersion: number | null = null;
      if (open) {
        rotationId = open.id;
        const target = this.keyRing.active().version;
        if (target !== open.target_version) await this.rotations.retarget(rotationId, target);
      } else {
        const previousVersion = this.keyRing.active().version;
        if (this.keyRing.source === 'file') addedVersion = this.keyRing.rotate();
        const targetVersion = this.keyRing.active().version;
        rotationId = await this.audit.run(context, async (tx) => {
          const id = await this.rotations.start(tx.manager, targetVersion, addedVersion);
          tx.record({
            action: 'keys.rotated',
            resourceType: 'master_key',
            resourceId: `v${targetVersion}`,
            details: {
              rotationId: id,
              version: targetVersion,
              previousVersion,
              ring: this.keyRing.source,
              addedVersion,
            },
          });
          return id;
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
      const otherKeys: RotationResult['otherKeys'] = [];
      for (const holder of this.holders)
        otherKeys.push(await this.rewrapHolder(context, holder, rotationId, targetVersion));
      const remaining = await this.countBelow(targetVersion);
      const completed = remaining === 0;
      if (completed) {
        await this.audit.run(context, async (tx) => {
          const total = await this.rotations.complete(tx.manager, rotationId);
          tx.record({
            action: 'keys.rotation_completed',
            resourceType: 'master_key',
            resourceId: `v${targetVersion}`,
            details: { rotationId, version: targetVersion, rewrappedTotal: Number(total ?? rewrapped) },
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
        otherKeys,
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
        const photos = await this.photos.countWithKeyVersion(version, tx.manager);
        const otherKeys: Record<string, number> = {};
        for (const holder of this.holders) {
          const count = (await holder.countByVersion(tx.manager)).find((row) => row.version === version)?.count ?? 0;
          if (count > 0) otherKeys[holder.label] = count;
        }
        if (photos > 0 || Object.keys(otherKeys).length > 0) throw new KeyInUseError(version, photos, otherKeys);
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
    const counts = await this.photos.countByKeyVersion();
    const shredded = await this.photos.countShredded();
    const open = await this.rotations.findOpen();
    const keys = this.keyRing.keys();
    const active = this.keyRing.active().version;
    const holderCounts = await Promise.all(
      this.holders.map(async (holder) => ({ label: holder.label, counts: await holder.countByVersion() })),
    );
    const otherKeysOf = (version: number) =>
      Object.fromEntries(
        holderCounts.map(({ label, counts }) => [label, counts.find((row) => row.version === version)?.count ?? 0]),
      );
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
        otherKeys: otherKeysOf(key.version),
      })),
      unknownVersions: counts.filter((count) => !inRing.has(count.version)),
      shreddedPhotos: shredded,
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
      const rows = await this.photos.lockKeysBelowVersion(tx.manager, targetVersion, after, limit);
      const result = await this.rewrapKeys(
        rows.map((row) => ({ ref: row.id, wrapped: row.wrapped_data_key, keyVersion: row.key_version })),
        targetVersion,
        (row, wrapped) => this.photos.rewrapDataKey(tx.manager, row.ref, wrapped, targetVersion),
      );
      const { rewrapped, fromVersions } = result;
      const failures: RotationResult['failures'] = result.failures.map(({ ref, keyVersion, reason }) => ({
        photoId: ref,
        keyVersion,
        reason,
      }));
      if (rows.length > 0) {
        await this.rotations.addProgress(tx.manager, rotationId, rewrapped, failures.length);
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

  /**
   * Re-wraps one holder's keys below the target in one audited transaction (the tables are small: a key per
   * user with two-factor sign-in, one or two per webhook endpoint).
   */
  private async rewrapHolder(
    context: AuditContext,
    holder: WrappedKeyHolder,
    rotationId: string,
    targetVersion: number,
  ) {
    return this.audit.run(context, async (tx) => {
      const rows = await holder.lockBelowVersion(tx.manager, targetVersion);
      const { rewrapped, fromVersions, failures } = await this.rewrapKeys(rows, targetVersion, (row, wrapped) =>
        holder.rewrap(tx.manager, row, wrapped, targetVersion),
      );
      if (rows.length > 0)
        tx.record({
          action: 'keys.rewrapped',
          resourceType: 'master_key',
          resourceId: `v${targetVersion}`,
          details: {
            rotationId,
            toVersion: targetVersion,
            keys: holder.label,
            rewrapped,
            fromVersions,
            failedRefs: failures.map((failure) => failure.ref),
          },
        });
      return { label: holder.label, rewrapped, failures };
    });
  }

  /**
   * Unwraps each key, wraps it under `targetVersion` and hands it to `store` (in the caller's transaction); the
   * plaintext key is zeroed whatever happens. A key that cannot be unwrapped is a failure (ref and version
   * only, never key material), not an abort: the others still move.
   */
  private async rewrapKeys(
    rows: readonly WrappedKeyRow[],
    targetVersion: number,
    store: (row: WrappedKeyRow, wrapped: Buffer) => Promise<void>,
  ): Promise<{
    rewrapped: number;
    fromVersions: Record<string, number>;
    failures: Array<{ ref: string; keyVersion: number; reason: string }>;
  }> {
    const failures: Array<{ ref: string; keyVersion: number; reason: string }> = [];
    const fromVersions: Record<string, number> = {};
    let rewrapped = 0;
    for (const row of rows) {
      let dataKey: Buffer | undefined;
      try {
        dataKey = await this.envelope.unwrapDataKey(row.wrapped, row.keyVersion, row.ref);
        const wrapped = await this.envelope.wrapDataKey(dataKey, targetVersion);
        await store(row, wrapped.wrappedDataKey);
        fromVersions[`v${row.keyVersion}`] = (fromVersions[`v${row.keyVersion}`] ?? 0) + 1;
        rewrapped += 1;
      } catch (error) {
        failures.push({ ref: row.ref, keyVersion: row.keyVersion, reason: (error as Error).name });
      } finally {
        dataKey?.fill(0);
      }
    }
    return { rewrapped, fromVersions, failures };
  }

  private async countBelow(version: number): Promise<number> {
    let total = await this.photos.countBelowKeyVersion(version);
    for (const holder of this.holders)
      total += (await holder.countByVersion())
        .filter((row) => row.version < version)
        .reduce((sum, row) => sum + row.count, 0);
    return total;
  }

  /** Runs `work` holding the rotation lock on a dedicated connection (session advisory locks belong to one). */
  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    // The embedded database (PGlite) has one connection and serves one process: nothing to exclude,
    // and a dedicated connection would starve `work`.
    if (this.transactions.singleConnection) return work();
    const locked = await this.transactions.withSessionLock(KEY_ROTATION_LOCK, work);
    if (!locked) throw new RotationBusyError();
    return locked.value;
  }
}
