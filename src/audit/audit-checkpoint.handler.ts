import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus } from '../jobs/job-registry';
import { RepeatableJobs } from '../jobs/repeatable-jobs.service';
import { systemContext } from './audit-context';
import { AuditCheckpointService } from './audit-checkpoint.service';

/** Fixed job id of the repeatable job: every replica adds the same repeat key, so Bull keeps one. */
export const CHECKPOINT_REPEAT_ID = 'audit.checkpoint.repeat';

/**
 * The scheduled checkpoint. Worker processes (those running the JobDispatcher) register the
 * repeatable job at start, every AUDIT_CHECKPOINT_INTERVAL_MS (0: none), and drop a schedule left
 * by an earlier interval. The job is idempotent: a head that has not moved gives no new checkpoint.
 */
@Injectable()
export class AuditCheckpointHandler implements OnApplicationBootstrap {
  constructor(
    private readonly checkpoints: AuditCheckpointService,
    private readonly repeatable: RepeatableJobs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.AuditCheckpoint)
  async handle(job: Job): Promise<JobStatus> {
    const result = await this.checkpoints.create(systemContext(JobName.AuditCheckpoint, job.id), 'scheduled');
    return result.created ? JobStatus.Success : JobStatus.Skipped;
  }

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.audit.checkpointIntervalMs;
    await this.repeatable.keep(JobName.AuditCheckpoint, every === 0 ? null : { every }, {
      jobId: CHECKPOINT_REPEAT_ID,
    });
  }
}
