import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { systemContext } from '../audit/audit-context';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus } from '../jobs/job-registry';
import { RepeatableJobs } from '../jobs/repeatable-jobs.service';
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
  constructor(
    private readonly purge: PurgeService,
    private readonly repeatable: RepeatableJobs,
  ) {}

  @JobHandler(JobName.RetentionPurge)
  async handle(job: Job): Promise<JobStatus> {
    const result = await this.purge.run(systemContext(JobName.RetentionPurge, job.id), { dryRun: false });
    return result.status === 'completed' ? JobStatus.Success : JobStatus.Skipped;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.repeatable.keep(
      JobName.RetentionPurge,
      { cron: RETENTION_PURGE_CRON, tz: 'UTC' },
      { jobId: RETENTION_PURGE_REPEAT_ID, attempts: 3 },
    );
  }
}
