import { Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import type { ListTasksQuery } from './review.dto';
import { toDecisionView } from './review.service';
import { InformationRequestsRepository } from '../claims/information-requests.repository';
import { toInformationRequestView } from '../claims/claims.service';
import { toTaskView } from './review-rows';
import { ReviewTasksRepository } from './review-tasks.repository';
import { REVIEW_REASONS, type ReviewReason } from './review-task.entity';
import { TaskPage, ClaimFinding, TaskDetail } from './review.views';
import { PhotoViewsRepository } from './photo-views.repository';
import { PhotosRepository } from '../claims/photos.repository';
import { evidenceState } from './evidence-policy';
export { TaskPage, ClaimFinding, TaskDetail };

/** Reads of the review queue, always filtered in SQL by the caller's abilities (`accessibleWhere`). */
@Injectable()
export class ReviewQueryService {
  constructor(
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly tasks: ReviewTasksRepository,
    private readonly requests: InformationRequestsRepository,
    private readonly photoViews: PhotoViewsRepository,
    private readonly photos: PhotosRepository,
  ) {}

  async list(actor: Actor, ability: AppAbility, query: ListTasksQuery): Promise<TaskPage> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 25;
    const countsByReason = Object.fromEntries(REVIEW_REASONS.map((reason) => [reason, 0])) as Record<
      ReviewReason,
      number
    >;
    const where = this.access.where(ability, 'ReviewTask', { alias: 't', paramStyle: 'positional' });
    if (where.none) return { items: [], page, pageSize, total: 0, countsByReason };

    const conditions = [where.sql];
    const values = [...where.values];
    const param = (value: unknown): string => {
      values.push(value);
      return `$${values.length}`;
    };
    if ((query.scope ?? 'queue') === 'mine') conditions.push(`t.assignee_id = ${param(actor.id)}`);
    const status = query.status ?? 'undecided';
    // Tasks waiting for the claimant are not work for anyone: ask for them with status=awaiting_info.
    if (status === 'undecided') conditions.push(`t.status IN ('open', 'assigned', 'escalated')`);
    else if (status !== 'all') conditions.push(`t.status = ${param(status)}`);

    const counts = await this.tasks.countByReason(conditions.join(' AND '), values);
    for (const row of counts) countsByReason[row.reason] = Number(row.count);

    if (query.reason) conditions.push(`t.reason = ${param(query.reason)}`);
    const total = query.reason
      ? countsByReason[query.reason]
      : Object.values(countsByReason).reduce((sum, count) => sum + count, 0);
    const order =
      (query.sort ?? 'priority') === 'sla'
        ? 't.sla_due_at ASC, t.priority DESC, t.created_at ASC, t.id ASC'
        : 't.priority DESC, t.sla_due_at ASC, t.created_at ASC, t.id ASC';
    const conditionSql = conditions.join(' AND ');
    param(pageSize);
    param((page - 1) * pageSize);
    const rows = await this.tasks.listRows(conditionSql, order, values);
    const now = this.clock.now();
    return { items: rows.map((row) => toTaskView(row, now)), page, pageSize, total, countsByReason };
  }

  /** The task, its claim and its decisions: 404 when it does not exist or the caller may not see it. */
  async detail(actor: Actor, ability: AppAbility, taskId: string): Promise<TaskDetail> {
    const row = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(taskId)
      ? await this.tasks.findTaskRow(taskId)
      : undefined;
    if (!row) throw new NotFoundException('ReviewTask not found');
    const taskSubject = () =>
      subject('ReviewTask', { id: row.id, team: row.team, assigneeId: row.assignee_id, status: row.status });
    this.access.assertCan(ability, 'read', taskSubject());
    const task = toTaskView(row, this.clock.now());

    const claim = (await this.tasks.claimForReview(row.claim_id)) as Record<string, unknown>;
    const findings = await this.tasks.findingsForReview(row.claim_id);
    const decisions = (await this.tasks.decisionsOfTask(row.id)).map(toDecisionView);
    const flags = findings
      .filter((finding) => finding.flagged)
      .map((finding) => ({ checkId: finding.id, kind: finding.kind, photoId: finding.photo_id }));
    const viewable = (await this.photos.allOfClaim(row.claim_id))
      .filter((photo) => !photo.shreddedAt && photo.wrappedDataKey)
      .map((photo) => ({ id: photo.id, fileName: photo.fileName }));
    const viewed = await this.photoViews.viewedOfClaim(row.claim_id, actor.id);
    const evidence = evidenceState(flags, viewable, viewed);
    const informationRequests = (await this.requests.ofTask(row.id)).map(toInformationRequestView);
    const overridden = new Set(
      decisions.map((decision) => decision.overridesDecisionId).filter((id): id is string => id !== null),
    );
    const effective = [...decisions]
      .reverse()
      .find((decision) => decision.outcome !== 'escalate' && !overridden.has(decision.id));
    const iso = (value: unknown): string | null => (value ? new Date(value as string).toISOString() : null);
    return {
      task,
      claim: {
        id: claim.id as string,
        externalReference: claim.external_reference as string,
        claimedPeril: claim.claimed_peril as string,
        description: claim.description as string,
        incidentDate: claim.incident_date as string,
        amount: claim.amount as string,
        currency: claim.currency as string,
        status: claim.status as string,
        team: claim.team as string,
        legalHold: claim.legal_hold as boolean,
        submittedAt: iso(claim.submitted_at),
        decidedAt: iso(claim.decided_at),
        policy: {
          id: claim.policy_id as string,
          number: claim.policy_number as string,
          lineOfBusiness: claim.line_of_business as string,
          insuredObject: claim.insured_object as string,
        },
        photoCount: Number(claim.photo_count),
        findings: findings.map((finding) => ({
          checkId: finding.id,
          kind: finding.kind,
          severity: finding.severity,
          flagged: finding.flagged,
          uncertain: finding.uncertain,
          confidence: finding.confidence,
          reason: finding.reason,
          photoId: finding.photo_id,
        })),
      },
      decisions,
      informationRequests,
      effectiveDecisionId: effective?.id ?? null,
      evidence: {
        flags: evidence.flags.map(({ acknowledged: _acknowledged, ...flag }) => flag),
        viewedPhotoIds: viewed,
        unseenPhotoIds: evidence.unseenPhotoIds,
        ready: evidence.ready,
      },
      allowed: {
        assign: task.status !== 'decided' && task.status !== 'awaiting_info' && ability.can('assign', taskSubject()),
        decide: task.status !== 'decided' && ability.can('decide', taskSubject()),
        override: task.status === 'decided' && ability.can('override', subject('Decision', { team: row.team })),
      },
    };
  }
}
