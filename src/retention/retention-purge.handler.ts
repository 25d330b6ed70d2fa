import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job } from 'bull';
import { systemContext } from '../audit/audit-context';
import { JobDispatcher } from '../jobs/job-dispatcher';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JOB_QUEUE, JobName, JobStatus } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { PurgeService } from './purge.service';

/** Fixed job id of the repeatable job: every worker adds the same repeat key, so Bull keeps one. */
export const RETENTION_PURGE_REPEAT_ID = 'retention.purge.repeat';
/** Daily at 03:00 UTC. */
export const RETENTION_PURGE_CRON = '0 3 * * *';

/**
 * The scheduled retention run. Worker processes register the daily repeatable job at start (and drop
 * one left with another schedule). The job is a real run at the clock's now: idempotent, and a run
 * that was killed half-way is finished by the next one (src/retention/README.md).
 */
@Injectable()
export class RetentionPurgeHandler implements OnApplicationBootstrap {
  private readonly logger = new Logger(RetentionPurgeHandler.name);

  constructor(
    private readonly purge: PurgeService,
    private readonly jobs: JobQueueService,
    private readonly moduleRef: ModuleRef,
  ) {}

  @JobHandler(JobName.RetentionPurge)
  async handle(job: Job): Promise<JobStatus> {
    const result = await this.purge.run(systemContext(JobName.RetentionPurge, job.id), { dryRun: false });
    return result.status === 'completed' ? JobStatus.Success : JobStatus.Skipped;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.processesJobs()) return;
    const queue = this.jobs.queue(JOB_QUEUE[JobName.RetentionPurge]);
    for (const repeatable of await queue.getRepeatableJobs()) {
      if (repeatable.name === JobName.RetentionPurge && repeatable.cron !== RETENTION_PURGE_CRON) await queue.removeRepeatableByKey(repeatable.key);
    }
    await this.jobs.enqueue(JobName.RetentionPurge, {}, { repeat: { cron: RETENTION_PURGE_CRON, tz: 'UTC' }, jobId: RETENTION_PURGE_REPEAT_ID, attempts: 3 });
    this.logger.log({ cron: RETENTION_PURGE_CRON }, 'retention purge scheduled');
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
