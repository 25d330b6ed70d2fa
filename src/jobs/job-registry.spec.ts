import type { Job } from 'bull';
import { JobHandler } from './job-handler.decorator';
import type { JobQueueService } from './job-queue.service';
import {
  JOB_QUEUE,
  JobName,
  JobStatus,
  type AnyJobData,
  type ScoringBackfillData,
  type ValidateClaimData,
} from './job-registry';

/**
 * The payload types are checked by the compiler (`npm run typecheck` covers this file): each
 * `@ts-expect-error` below fails the typecheck if the line it marks ever compiles.
 */
export function compileTimeChecks(jobs: JobQueueService): void {
  void jobs.enqueue(JobName.ValidateClaim, { claimId: 'c' });
  // @ts-expect-error a backfill payload is not a claim validation's
  void jobs.enqueue(JobName.ValidateClaim, { modelHash: 'h' });
  // @ts-expect-error the probe needs its id and fail count
  void jobs.enqueue(JobName.MaintenanceProbe, {});
  // @ts-expect-error a scheduled job carries nothing
  void jobs.enqueue(JobName.RetentionPurge, { claimId: 'c' });

  class Handlers {
    @JobHandler(JobName.ValidateClaim)
    async validate(job: Job<ValidateClaimData>): Promise<JobStatus> {
      return job.data.claimId ? JobStatus.Success : JobStatus.Skipped;
    }

    // @ts-expect-error the handler of the claim validation job must take its payload
    @JobHandler(JobName.ValidateClaim)
    async wrong(job: Job<ScoringBackfillData>): Promise<JobStatus> {
      return job.data.modelHash ? JobStatus.Success : JobStatus.Skipped;
    }
  }
  void Handlers;

  const narrowed = (job: AnyJobData): string => (job.name === JobName.ValidateClaim ? job.data.claimId : job.name);
  // @ts-expect-error a probe's payload has no claimId
  const wrongNarrowing = (job: AnyJobData): string => (job.name === JobName.MaintenanceProbe ? job.data.claimId : '');
  void narrowed;
  void wrongNarrowing;
}

describe('the job registry', () => {
  it('puts every job on a queue', () => {
    for (const job of Object.values(JobName)) expect(JOB_QUEUE[job]).toBeDefined();
  });

  it('names each job after the folder that handles it', () => {
    expect(JobName.ValidateClaim).toBe('validation.validate-claim');
    expect(JobName.ScoringBackfill).toMatch(/^scoring\./);
  });
});
