import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import type { AppAbility } from '../common/access.decorators';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobName } from '../jobs/job-registry';
import { JobQueueService } from '../jobs/job-queue.service';
import { ClaimEvents } from './claim-events';
import type { ClaimStatus } from './claim.entity';
import { ClaimsRepository } from './claims.repository';
import { ClaimsService } from './claims.service';
export { toInformationRequestView } from './claims.service';
import { ResubmittedClaimView } from './claims.views';
import type { ResubmitClaimDto } from './claims.dto';
import { photosNewSince, resolveDueAt } from './information-request-policy';
import type { InformationRequest } from './information-request.entity';
import { InformationRequestsRepository } from './information-requests.repository';
import { PhotosRepository } from './photos.repository';

export interface CreateInformationRequestInput {
  claimId: string;
  /** The claim's status as the caller locked it (consistent, inconsistent, needs_review or decided). */
  claimStatus: ClaimStatus;
  taskId: string;
  decisionId: string;
  reasonCode: string;
  message: string;
  /** As the reviewer sent it (a date or a date-time); absent: INFORMATION_REQUEST_DUE_DAYS from now. */
  dueAt?: string;
  requestedBy: string;
}

/**
 * Information requests (src/review/README.md, "Information requests"): a reviewer's `request_info` asks the intake
 * system for more (photos, a note); the claim waits in `information_requested` until the intake system resubmits it
 * (rescored over all its photos, then back to the same reviewer) or the due date passes (ReviewService's no-response
 * job). The rows are kept as the claim's history of requests and answers.
 */
@Injectable()
export class InformationRequestsService {
  constructor(
    private readonly audit: AuditService,
    private readonly claims: ClaimsRepository,
    private readonly claimsService: ClaimsService,
    private readonly requests: InformationRequestsRepository,
    private readonly photos: PhotosRepository,
    private readonly events: ClaimEvents,
    private readonly jobs: JobQueueService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * THE place where an information request is created, inside the deciding reviewer's audited transaction (a
   * decision or a supervisor's override with outcome `request_info`): the due date is checked (400 naming the
   * problem; nothing is written), the claim moves to `information_requested` through the lifecycle, the claim's
   * current photos are remembered (the ones added later are "new"), and `claim.information_requested` is recorded.
   * Whatever must happen when a request is made (a webhook to the intake system) belongs here.
   */
  async createRequest(tx: AuditedTransaction, input: CreateInformationRequestInput): Promise<InformationRequest> {
    const now = this.clock.now();
    const due = resolveDueAt(input.dueAt, now, {
      defaultDays: this.config.review.informationRequests.defaultDueDays,
      maxDays: this.config.review.informationRequests.maxDueDays,
    });
    if (!due.ok) throw new BadRequestException(due.problem);
    const moved = await this.claims.transitionStatus(
      tx.manager,
      input.claimId,
      input.claimStatus,
      'information_requested',
      now,
    );
    if (!moved) throw new ConflictException(`claim ${input.claimId} changed meanwhile; reload and decide again`);
    const request = await this.requests.insert(tx.manager, {
      claimId: input.claimId,
      taskId: input.taskId,
      decisionId: input.decisionId,
      reasonCode: input.reasonCode,
      message: input.message,
      dueAt: due.dueAt,
      requestedBy: input.requestedBy,
      requestedAt: now,
      knownPhotoIds: await this.photos.idsOfClaim(input.claimId, tx.manager),
    });
    tx.record({
      action: 'claim.information_requested',
      resourceType: 'Claim',
      resourceId: input.claimId,
      details: {
        from: input.claimStatus,
        to: 'information_requested',
        informationRequestId: request.id,
        taskId: input.taskId,
        decisionId: input.decisionId,
        reasonCode: input.reasonCode,
        dueAt: due.dueAt,
        // The message may name the claimant: only its length goes into the permanent record.
        messageLength: input.message.length,
      },
    });
    return request;
  }

  /**
   * The claim is decided without the answer (its reviewer or a supervisor decided the waiting task): the open
   * request is withdrawn, audited, in the deciding transaction. No-op when the claim has no open request.
   */
  async withdrawOpenRequest(tx: AuditedTransaction, claimId: string): Promise<void> {
    const open = await this.requests.findOpenOfClaim(claimId, tx.manager, true);
    if (!open) return;
    const now = this.clock.now();
    if (!(await this.requests.close(tx.manager, open.id, 'withdrawn', now))) return;
    tx.record({
      action: 'information_request.withdrawn',
      resourceType: 'InformationRequest',
      resourceId: open.id,
      details: { claimId, taskId: open.taskId },
    });
  }

  /**
   * The intake system answers: information_requested → queued, in one audited transaction holding the claim's row
   * lock (no upload slips in between); the request is answered with the note and the photos new since it was made;
   * then the ClaimSubmitted listeners enqueue the rescoring, as after a first submission. 409 unless the claim is
   * in information_requested; 422 when nothing new came (no photo and no note); 503 when the job queue is down.
   */
  async resubmit(
    context: AuditContext,
    ability: AppAbility,
    id: string,
    input: ResubmitClaimDto,
  ): Promise<ResubmittedClaimView> {
    await this.jobs.assertAvailable(JobName.ValidateClaim);
    const note = input.note?.trim() ? input.note.trim() : null;
    const result = await this.audit.run(context, async (tx) => {
      const claim = await this.claimsService.loadFor(ability, 'update', id, tx.manager, true);
      if (claim.status !== 'information_requested')
        throw new ConflictException(
          `claim ${claim.id} is not waiting for information (status ${claim.status}); only a claim in information_requested can be resubmitted`,
        );
      const request = await this.requests.findOpenOfClaim(claim.id, tx.manager, true);
      if (!request) throw new ConflictException(`claim ${claim.id} has no open information request`);
      const photoIds = await this.photos.idsOfClaim(claim.id, tx.manager);
      const newPhotoIds = photosNewSince(photoIds, request.knownPhotoIds);
      if (newPhotoIds.length === 0 && note === null)
        throw new UnprocessableEntityException(
          `nothing to resubmit for claim ${claim.id}: upload at least one photo or send a note`,
        );
      const now = this.clock.now();
      await this.requests.markAnswered(tx.manager, request.id, { note, newPhotoIds, at: now });
      await this.claims.transitionStatus(tx.manager, claim.id, 'information_requested', 'queued', now);
      tx.record({
        action: 'claim.resubmitted',
        resourceType: 'Claim',
        resourceId: claim.id,
        details: {
          from: 'information_requested',
          to: 'queued',
          informationRequestId: request.id,
          newPhotoIds,
          photoCount: photoIds.length,
          // The note is the claimant's words: only its length goes into the permanent record.
          noteLength: note?.length ?? 0,
        },
      });
      return {
        event: { claimId: claim.id, team: claim.team, photoCount: photoIds.length, submittedAt: now },
        requestId: request.id,
        newPhotoIds,
      };
    });
    await this.events.emitSubmitted(result.event);
    return {
      id: result.event.claimId,
      status: 'queued',
      submittedAt: result.event.submittedAt.toISOString(),
      informationRequestId: result.requestId,
      newPhotoIds: result.newPhotoIds,
    };
  }
}
