import { Inject, Injectable } from '@nestjs/common';
import type { Job } from 'bull';
import { systemContext, type AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus, type BlobSweepData } from '../jobs/job-registry';
import { BLOB_STORE, photoIdOfBlobKey, type BlobEntry, type BlobStore } from './blob-store';
import { FsBlobStore } from './blob-store-fs';
import { findExistingPhotoIds, photoExists } from '../claims/photos.repository';

/** Default grace period: a blob younger than this may belong to an upload whose photo row is not committed yet. */
export const DEFAULT_SWEEP_GRACE_MS = 60 * 60 * 1000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CHUNK = 500;

export interface SweepOptions {
  graceMs?: number;
  dryRun?: boolean;
}

export interface SweepReport {
  scanned: number;
  orphans: number;
  deleted: number;
  /** Orphans younger than the grace period, left for a later sweep. */
  tooYoung: number;
  staleTempFiles: number;
  dryRun: boolean;
  graceMs: number;
}

/**
 * Deletes blobs under `photos/` whose photo row does not exist (an upload that failed after writing
 * its blobs, or a photo row deleted without its blobs) and that are older than the grace period.
 * Ingest writes blobs BEFORE it commits the photo row, so a young orphan may be an upload in flight.
 * Audited: one `blobs.swept` event with counts and the photo ids (no content, no keys).
 */
@Injectable()
export class BlobSweeper {
  constructor(
    @Inject(BLOB_STORE) private readonly store: BlobStore,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  @JobHandler(JobName.BlobSweep)
  async handle(job: Job<BlobSweepData>): Promise<JobStatus> {
    const report = await this.sweep(systemContext(JobName.BlobSweep, job.id), { graceMs: job.data?.graceMs });
    return report.deleted > 0 || report.staleTempFiles > 0 ? JobStatus.Success : JobStatus.Skipped;
  }

  async sweep(context: AuditContext, options: SweepOptions = {}): Promise<SweepReport> {
    const graceMs = options.graceMs ?? DEFAULT_SWEEP_GRACE_MS;
    const dryRun = options.dryRun ?? false;
    const cutoff = new Date(this.clock.nowMs() - graceMs);
    const report: SweepReport = { scanned: 0, orphans: 0, deleted: 0, tooYoung: 0, staleTempFiles: 0, dryRun, graceMs };
    const deletedPhotoIds = new Set<string>();
    let chunk: BlobEntry[] = [];
    const flush = async () => {
      const ids = [
        ...new Set(
          chunk
            .map((entry) => photoIdOfBlobKey(entry.key))
            .filter((id): id is string => id !== undefined && UUID.test(id)),
        ),
      ];
      const existing = await findExistingPhotoIds(this.transactions.manager, ids);
      for (const entry of chunk) {
        const photoId = photoIdOfBlobKey(entry.key);
        if (photoId !== undefined && UUID.test(photoId) && existing.has(photoId.toLowerCase())) continue;
        report.orphans += 1;
        if (entry.createdAt > cutoff) {
          report.tooYoung += 1;
          continue;
        }
        if (!dryRun) {
          // Re-check just before deleting: a row committed since the chunk query keeps its blob.
          if (photoId !== undefined && UUID.test(photoId)) {
            if (await photoExists(this.transactions.manager, photoId)) {
              report.orphans -= 1;
              continue;
            }
          }
          await this.store.delete(entry.key);
        }
        report.deleted += dryRun ? 0 : 1;
        if (photoId) deletedPhotoIds.add(photoId);
      }
      chunk = [];
    };
    for await (const entry of this.store.entries('photos/')) {
      report.scanned += 1;
      chunk.push(entry);
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();
    if (this.store instanceof FsBlobStore && !dryRun)
      report.staleTempFiles = await this.store.removeStaleTempFiles(cutoff);
    if (!dryRun && (report.deleted > 0 || report.staleTempFiles > 0)) {
      const photoIds = [...deletedPhotoIds];
      await this.audit.record(context, {
        action: 'blobs.swept',
        resourceType: 'blob_store',
        resourceId: null,
        details: {
          deleted: report.deleted,
          staleTempFiles: report.staleTempFiles,
          graceMs,
          photoIds: photoIds.slice(0, 200),
          photoIdsTruncated: photoIds.length > 200,
        },
      });
    }
    return report;
  }
}
