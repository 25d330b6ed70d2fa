import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { workPriority } from '../common/work-priority';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { EvidenceVault } from '../evidence/evidence-vault';
import { PhotosRepository } from '../claims/photos.repository';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus, QueueName, type ScoringBackfillData } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { oneLine } from './model-registry.service';
import { ScoringMetrics } from './scoring-metrics';
import { ScoringService } from './scoring.service';

export interface BackfillProgress {
  modelHash: string;
  modelName: string;
  state: 'running' | 'completed' | 'skipped';
  done: number;
  failed: number;
  total: number;
  photosPerSecond: number;
  etaSeconds: number | null;
  startedAt: string;
  updatedAt: string;
  reason?: string;
}

interface StalePhoto {
  id: string;
  claim_id: string;
  sha256: string;
  wrapped_data_key: Buffer | null;
  key_version: number;
}

const PAGE = 64;
const LOG_EVERY_MS = 10_000;

/**
 * Re-embeds every stored photo whose embedding was made by another model (or none yet) when the
 * model changes. Enqueued by a worker once its model is loaded (job id per model hash, so many workers
 * enqueue it once); walks the photos by id (keyset pagination), decrypts each original, embeds it
 * through the shared micro-batcher and stores the normalised embedding with the model hash. Progress
 * (done/total, rate, ETA) goes to the logs, the job's progress, Prometheus and Redis (for the API).
 * Idempotent: a rerun finds only what is still stale.
 */
@Injectable()
export class ScoringBackfillService {
  private readonly logger = new Logger(ScoringBackfillService.name);

  constructor(
    private readonly photos: PhotosRepository,
    private readonly scoring: ScoringService,
    private readonly jobs: JobQueueService,
    private readonly metrics: ScoringMetrics,
    private readonly vault: EvidenceVault,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Enqueues the backfill for `modelHash` when some photo's embedding is stale. */
  async enqueueIfStale(modelHash: string): Promise<boolean> {
    const stale = await this.countStale(modelHash);
    if (stale === 0) return false;
    await this.jobs.enqueue(
      JobName.ScoringBackfill,
      { modelHash },
      {
        jobId: `scoring-backfill:${modelHash}`,
      },
    );
    return true;
  }

  async countStale(modelHash: string): Promise<number> {
    return this.photos.countStaleEmbeddings(modelHash);
  }

  /** The last progress any worker reported (shared through Redis), or null. */
  async lastProgress(): Promise<BackfillProgress | null> {
    const raw = await this.jobs.queue(QueueName.Scoring).client.get(this.progressKey());
    return raw ? (JSON.parse(raw) as BackfillProgress) : null;
  }

  @JobHandler(JobName.ScoringBackfill)
  async handle(job: Job<ScoringBackfillData>): Promise<JobStatus> {
    const model = await this.scoring.model();
    const startedAt = new Date();
    const progress: BackfillProgress = {
      modelHash: model.hash,
      modelName: model.manifest.name,
      state: 'running',
      done: 0,
      failed: 0,
      total: 0,
      photosPerSecond: 0,
      etaSeconds: null,
      startedAt: startedAt.toISOString(),
      updatedAt: startedAt.toISOString(),
    };
    if (job.data.modelHash !== model.hash) {
      // Enqueued by a worker with another model: this worker's model is the one to backfill for.
      await this.report(job, {
        ...progress,
        state: 'skipped',
        reason: `job is for model ${job.data.modelHash.slice(0, 12)}…, this worker runs ${model.hash.slice(0, 12)}…`,
      });
      return JobStatus.Skipped;
    }
    progress.total = await this.countStale(model.hash);
    this.logger.log(
      { model: model.manifest.name, modelHash: model.hash, total: progress.total },
      'scoring backfill started',
    );
    let lastId = '00000000-0000-0000-0000-000000000000';
    let lastLog = performance.now();
    const started = performance.now();
    for (;;) {
      const page: StalePhoto[] = await this.photos.staleEmbeddingPage(model.hash, lastId, PAGE);
      if (page.length === 0) break;
      lastId = page[page.length - 1].id;
      // Low priority, bounded: SCORING_BACKFILL_CONCURRENCY photos at a time, each started only once
      // foreground requests (intake) have gone quiet, so a backlog after a restart never starves them.
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < page.length) {
          const photo = page[next];
          next += 1;
          await workPriority.whenForegroundQuiet();
          await this.reembed(photo, model.hash, progress);
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.config.clip.backfillConcurrency, page.length) }, worker));
      const seconds = (performance.now() - started) / 1000;
      progress.photosPerSecond = round2((progress.done + progress.failed) / Math.max(seconds, 1e-3));
      const left = Math.max(progress.total - progress.done - progress.failed, 0);
      progress.etaSeconds = progress.photosPerSecond > 0 ? Math.round(left / progress.photosPerSecond) : null;
      await this.report(job, progress);
      if (performance.now() - lastLog >= LOG_EVERY_MS) {
        lastLog = performance.now();
        this.logger.log(this.logFields(progress), `scoring backfill ${progress.done}/${progress.total}`);
      }
    }
    await this.report(job, { ...progress, state: 'completed', etaSeconds: 0 });
    this.logger.log(this.logFields(progress), `scoring backfill completed ${progress.done}/${progress.total}`);
    return JobStatus.Success;
  }

  private async reembed(photo: StalePhoto, modelHash: string, progress: BackfillProgress): Promise<void> {
    try {
      const image = await this.vault.read(
        {
          id: photo.id,
          claimId: photo.claim_id,
          wrappedDataKey: photo.wrapped_data_key,
          keyVersion: photo.key_version,
          sha256: photo.sha256,
        },
        'original',
      );
      const embedding = await this.scoring.embedPhoto(image);
      await this.photos.refreshEmbedding(photo.id, embedding, modelHash);
      progress.done += 1;
    } catch (error) {
      progress.failed += 1;
      this.logger.warn({ photoId: photo.id, err: oneLine(error) }, 'scoring backfill: photo not re-embedded');
    }
  }

  private logFields(progress: BackfillProgress) {
    const { modelName, done, failed, total, photosPerSecond, etaSeconds } = progress;
    return { model: modelName, done, failed, total, photosPerSecond, etaSeconds };
  }

  private async report(job: Job<ScoringBackfillData>, progress: BackfillProgress): Promise<void> {
    progress.updatedAt = new Date().toISOString();
    const labels = { model: progress.modelName };
    this.metrics.backfillDone.set(labels, progress.done);
    this.metrics.backfillTotal.set(labels, progress.total);
    this.metrics.backfillFailed.set(labels, progress.failed);
    this.metrics.backfillRate.set(labels, progress.photosPerSecond);
    this.metrics.backfillEta.set(labels, progress.etaSeconds ?? -1);
    await job.progress(progress);
    await this.jobs.queue(QueueName.Scoring).client.set(this.progressKey(), JSON.stringify(progress));
  }

  private progressKey(): string {
    return `${this.config.queue.prefix}:scoring:backfill:last`;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
