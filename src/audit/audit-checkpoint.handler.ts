import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobDispatcher } from '../jobs/job-dispatcher';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JOB_QUEUE, JobName, JobStatus } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
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
  private readonly logger = new Logger(AuditCheckpointHandler.name);

  constructor(
    private readonly checkpoints: AuditCheckpointService,
    private readonly jobs: JobQueueService,
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @JobHandler(JobName.AuditCheckpoint)
  async handle(job: Job): Promise<JobStatus> {
    const result = await this.checkpoints.create(systemContext(JobName.AuditCheckpoint, job.id), 'scheduled');
    return result.created ? JobStatus.Success : JobStatus.Skipped;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.processesJobs()) return;
    const every = this.config.audit.checkpointIntervalMs;
    const queue = this.jobs.queue(JOB_QUEUE[JobName.AuditCheckpoint]);
    for (const repeatable of await queue.getRepeatableJobs()) {
      if (repeatable.name === JobName.AuditCheckpoint && Number(repeatable.every) !== every) await queue.removeRepeatableByKey(repeatable.key);
    }
    if (every === 0) return;
    await this.jobs.enqueue(JobName.AuditCheckpoint, {}, { repeat: { every }, jobId: CHECKPOINT_REPEAT_ID });
    this.logger.log({ everyMs: every }, 'audit checkpoint scheduled');
  }

  private processesJobs(): boolean {
    try {
      this.moduleRef.get(JobDispatcher, { strict: false });
      return true;
    } catch {
      return false;
    }
  }
}
