import { Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import type { ListTasksQuery, SortDirection, TaskSort } from './review.dto';
import { toDecisionView } from './review.service';
import { InformationRequestsRepository } from '../claims/information-requests.repository';
import { toInformationRequestView } from '../claims/claims.service';
import { toTaskView } from './review-rows';
import { ReviewTasksRepository } from './review-tasks.repository';
import { FLAGGED_IN_LATEST_RUN } from '../claims/claims.repository';
import { REVIEW_REASONS, type ReviewReason } from './review-task.entity';
import { TaskPage, ClaimFinding, TaskDetail, TeamDashboard } from './review.views';
import { PhotoViewsRepository } from './photo-views.repository';
import { PhotosRepository } from '../claims/photos.repository';
import { evidenceState } from './evidence-policy';
export { TaskPage, ClaimFinding, TaskDetail };

/**
 * The queue's ORDER BY: the chosen column in the chosen direction (default: most urgent first), then the
 * same tie-breakers for every order (priority high first, SLA due soonest, created first, id), so that
 * offset pages never repeat or skip a row while values tie.
 */
export function queueOrder(sort: TaskSort, direction?: SortDirection): string {
  const column: Record<TaskSort, { sql: string; natural: SortDirection }> = {
    priority: { sql: 't.priority', natural: 'desc' },
    sla: { sql: 't.sla_due_at', natural: 'asc' },
    // Age grows as the submission time goes back: the oldest (largest age) first is submitted_at ascending.
    age: { sql: 'COALESCE(c.submitted_at, c.created_at)', natural: 'desc' },
    amount: { sql: 'c.amount', natural: 'desc' },
    reference: { sql: 'c.external_reference COLLATE "C"', natural: 'asc' },
  };
  const chosen = column[sort];
  const wanted = direction ?? chosen.natural;
  const sqlDirection = sort === 'age' ? (wanted === 'desc' ? 'ASC' : 'DESC') : wanted.toUpperCase();
  return `${chosen.sql} ${sqlDirection}, t.priority DESC, t.sla_due_at ASC, t.created_at ASC, t.id ASC`;
}

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

    const now = this.clock.now();
    if (query.lineOfBusiness) conditions.push(`p.line_of_business = ${param(query.lineOfBusiness)}`);
    if (query.peril) conditions.push(`c.claimed_peril = ${param(query.peril)}`);
    if (query.assigneeId) conditions.push(`t.assignee_id = ${param(query.assigneeId)}`);
    if (query.minAgeHours)
      conditions.push(
        `COALESCE(c.submitted_at, c.created_at) <= ${param(new Date(now.getTime() - query.minAgeHours * 3_600_000))}`,
      );
    if (query.breached === 'true')
      conditions.push(`t.status IN ('open', 'assigned', 'escalated') AND t.sla_due_at < ${param(now)}`);
    if (query.check) conditions.push(`t.claim_id IN (${FLAGGED_IN_LATEST_RUN.replace('$kind', param(query.check))})`);
    // Counting needs the claim and policy rows only when a filter reads them.
    const needsClaim = Boolean(query.lineOfBusiness || query.peril || query.minAgeHours);

    const counts = await this.tasks.countByReason(conditions.join(' AND '), values, needsClaim);
    for (const row of counts) countsByReason[row.reason] = Number(row.count);

    if (query.reason) conditions.push(`t.reason = ${param(query.reason)}`);
    const total = query.reason
      ? countsByReason[query.reason]
      : Object.values(countsByReason).reduce((sum, count) => sum + count, 0);
    const order = queueOrder(query.sort ?? 'priority', query.direction);
    const conditionSql = conditions.join(' AND ');
    param(pageSize);
    param((page - 1) * pageSize);
    const rows = await this.tasks.listRows(conditionSql, order, values);
    return { items: rows.map((row) => toTaskView(row, now)), page, pageSize, total, countsByReason };
  }

  /**
   * The supervisor's dashboard over the tasks the caller may assign (its team): SLA breaches, unassigned and
   * escalated work, and per person the tasks held, breaches and the last `days` days' decisions with their
   * agreement with the model and with supervisors' overrides.
   */
  async dashboard(actor: Actor, ability: AppAbility, days: number): Promise<TeamDashboard> {
    if (actor.kind !== 'user') throw new NotFoundException('no team');
    const now = this.clock.now();
    const since = new Date(now.getTime() - days * 86_400_000);
    const empty = { breaches: { total: 0, open: 0, assigned: 0, escalated: 0 }, unassigned: 0, escalated: 0 };
    const base = { team: actor.team, generatedAt: now.toISOString(), days };
    const counts = this.access.where(ability, 'ReviewTask', {
      alias: 't',
      action: 'assign',
      paramStyle: 'positional',
      firstIndex: 2,
    });
    if (counts.none) return { ...base, ...empty, members: [] };
    const work = await this.tasks.openWorkCounts(counts, now);
    const members = this.access.where(ability, 'ReviewTask', {
      alias: 't',
      action: 'assign',
      paramStyle: 'positional',
      firstIndex: 4,
    });
    const rows = await this.tasks.memberStats(members, actor.team, now, since);
    const rate = (part: number, whole: number): number | null =>
      whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;
    return {
      ...base,
      breaches: {
        total: work.breached_open + work.breached_assigned + work.breached_escalated,
        open: work.breached_open,
        assigned: work.breached_assigned,
        escalated: work.breached_escalated,
      },
      unassigned: work.unassigned,
      escalated: work.escalated,
      members: rows.map((row) => ({
        userId: row.user_id,
        name: row.name,
        role: row.role,
        assigned: row.assigned,
        awaitingInfo: row.awaiting_info,
        breached: row.breached,
        decisions: row.decisions,
        escalations: row.escalations,
        overridesMade: row.overrides_made,
        comparable: row.comparable,
        agreeWithModel: row.agree_with_model,
        modelAgreementRate: rate(row.agree_with_model, row.comparable),
        overridden: row.overridden,
        overrideAgreementRate: row.decisions === 0 ? null : rate(row.decisions - row.overridden, row.decisions),
      })),
    };
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
