import { Injectable } from '@nestjs/common';
import { JobName, QueueName } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { ModelRegistry } from './model-registry.service';
import { ScoringBackfillService, type BackfillProgress } from './scoring-backfill.service';

export interface BackfillStatus {
  /** The model this process is configured with (verified or loaded). */
  model: { name?: string; hash?: string; state: string; provider?: string; error?: string };
  /** Photos whose stored embedding is not this model's. */
  stalePhotos: number | null;
  /** Backfill jobs still queued, running or failed. */
  jobs: Array<{ id: string; state: string; attemptsMade: number; failedReason?: string; progress: unknown }>;
  /** The last progress a worker reported. */
  last: BackfillProgress | null;
}

@Injectable()
export class ScoringStatusService {
  constructor(
    private readonly registry: ModelRegistry,
    private readonly backfillService: ScoringBackfillService,
    private readonly queues: JobQueueService,
  ) {}

  async backfill(): Promise<BackfillStatus> {
    const state = this.registry.state;
    const model: BackfillStatus['model'] = { state: state.state };
    if (state.state === 'loaded' || state.state === 'verified')
      Object.assign(model, { name: state.name, hash: state.hash });
    if (state.state === 'loaded') model.provider = state.provider;
    if (state.state === 'failed') model.error = state.error;
    const queue = this.queues.queue(QueueName.Scoring);
    const jobs = (await queue.getJobs(['waiting', 'active', 'delayed', 'failed'])).filter(
      (job) => job?.name === JobName.ScoringBackfill,
    );
    const described = await Promise.all(
      jobs.map(async (job) => ({
        id: String(job.id),
        state: await job.getState(),
        attemptsMade: job.attemptsMade,
        ...(job.failedReason ? { failedReason: job.failedReason } : {}),
        progress: job.progress() as unknown,
      })),
    );
    return {
      model,
      stalePhotos: model.hash ? await this.backfillService.countStale(model.hash) : null,
      jobs: described,
      last: await this.backfillService.lastProgress(),
    };
  }
}
