import { Injectable } from '@nestjs/common';
import type { Job } from 'bull';
import { hostname } from 'node:os';
import { systemContext } from '../audit/audit-context';
import { eventExists } from '../audit/audit.repository';
import { AuditService } from '../audit/audit.service';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus, type MaintenanceProbeData } from '../jobs/job-registry';

export const PROBE_COMPLETED = 'maintenance.probe_completed';

/**
 * A harmless job that proves the pipeline works: enqueued by the API, run by a worker, retried with
 * backoff, and recorded exactly once in the audit trail (a second run finds its record and skips).
 */
@Injectable()
export class MaintenanceProbeHandler {
  constructor(private readonly audit: AuditService) {}

  @JobHandler(JobName.MaintenanceProbe)
  async handle(job: Job<MaintenanceProbeData>): Promise<JobStatus> {
    const { probeId, failTimes } = job.data;
    if (job.attemptsMade < failTimes)
      throw new Error(`probe ${probeId}: planned failure ${job.attemptsMade + 1} of ${failTimes}`);
    if (job.data.holdMs) await new Promise((resolve) => setTimeout(resolve, job.data.holdMs));
    return this.audit.run(systemContext(JobName.MaintenanceProbe, job.id), async (tx) => {
      if (await eventExists(tx.manager, PROBE_COMPLETED, probeId)) return JobStatus.Skipped;
      tx.record({
        action: PROBE_COMPLETED,
        resourceType: 'probe',
        resourceId: probeId,
        details: { attempts: job.attemptsMade + 1, workerPid: process.pid, workerHost: hostname() },
      });
      return JobStatus.Success;
    });
  }
}
