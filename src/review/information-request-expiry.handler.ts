import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bull';
import { systemContext, type AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { isPastDue } from '../claims/information-request-policy';
import { InformationRequestsRepository } from '../claims/information-requests.repository';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobName, JobStatus } from '../jobs/job-registry';
import { RepeatableJobs } from '../jobs/repeatable-jobs.service';
import { ReviewService } from './review.service';

/** Fixed job id of the repeatable job: every replica adds the same repeat key, so Bull keeps one. */
export const EXPIRY_REPEAT_ID = 'review.information-request-expiry.repeat';
/** Requests expired per transaction batch read (the job loops until none is due). */
const BATCH = 100;

/**
 * The "no response" job: every open information request whose due date has come (by the injectable clock) is
 * expired, its claim goes information_requested → needs_review, and its task comes back — to the adjuster who asked
 * when still active in the team, else to the team's queue — marked `no_response`. One audited transaction per
 * request (`information_request.expired`, `claim.status_changed`, `review.task_reopened`). Idempotent: a request
 * that is no longer open, or whose claim moved on (resubmitted meanwhile), is left alone, so a second run changes
 * nothing.
 */
@Injectable()
export class InformationRequestExpiry implements OnApplicationBootstrap {
  private readonly logger = new Logger('InformationRequestExpiry');

  constructor(
    private readonly audit: AuditService,
    private readonly requests: InformationRequestsRepository,
    private readonly claims: ClaimsRepository,
    private readonly review: ReviewService,
    private readonly repeatable: RepeatableJobs,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const every = this.config.review.informationRequests.expiryIntervalMs;
    await this.repeatable.keep(JobName.InformationRequestExpiry, every === 0 ? null : { every }, {
      jobId: EXPIRY_REPEAT_ID,
    });
  }

  @JobHandler(JobName.InformationRequestExpiry)
  async handle(job: Job): Promise<JobStatus> {
    const expired = await this.expireDue(systemContext(JobName.InformationRequestExpiry, job.id));
    return expired > 0 ? JobStatus.Success : JobStatus.Skipped;
  }

  /** Expires every request due by now; returns how many it expired. */
  async expireDue(context: AuditContext): Promise<number> {
    const now = this.clock.now();
    let expired = 0;
    const seen = new Set<string>();
    for (;;) {
      const ids = (await this.requests.idsPastDue(now, BATCH)).filter((id) => !seen.has(id));
      if (ids.length === 0) break;
      for (const id of ids) {
        seen.add(id);
        if (await this.audit.run(context, (tx) => this.expireOne(tx, id, now))) expired += 1;
      }
    }
    if (expired > 0) this.logger.log({ expired }, 'information requests expired without an answer');
    return expired;
  }

  private async expireOne(tx: AuditedTransaction, requestId: string, now: Date): Promise<boolean> {
    const request = await this.requests.findById(requestId, tx.manager);
    if (!request || request.status !== 'open' || !isPastDue(request.dueAt, now)) return false;
    // Lock order as a decision's: the task, then the claim, then the request.
    const task = await this.review.waitingTaskOf(tx, request.claimId);
    const claimStatus = await this.claims.lockStatus(tx.manager, request.claimId);
    const locked = await this.requests.lockById(tx.manager, requestId);
    if (!locked || locked.status !== 'open' || claimStatus !== 'information_requested') return false;
    await this.requests.close(tx.manager, locked.id, 'expired', now);
    await this.claims.transitionStatus(tx.manager, locked.claimId, 'information_requested', 'needs_review', now);
    tx.record({
      action: 'information_request.expired',
      resourceType: 'InformationRequest',
      resourceId: locked.id,
      details: { claimId: locked.claimId, taskId: locked.taskId, dueAt: locked.dueAt },
    });
    tx.record({
      action: 'claim.status_changed',
      resourceType: 'Claim',
      resourceId: locked.claimId,
      details: {
        from: 'information_requested',
        to: 'needs_review',
        via: 'no_response',
        informationRequestId: locked.id,
      },
    });
    if (task) {
      await this.review.reopenWaitingTask(tx, {
        claimId: locked.claimId,
        followUp: 'no_response',
        reason: task.reason,
        priority: task.priority,
        slaDueAt: new Date(now.getTime() + this.config.review.slaHours[task.reason] * 3_600_000),
        informationRequestId: locked.id,
      });
    }
    return true;
  }
}
