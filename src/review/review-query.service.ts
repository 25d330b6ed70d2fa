import { Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import { DataSource } from 'typeorm';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import type { ListTasksQuery } from './review.dto';
import { DECISION_SELECT, toDecisionView } from './review.service';
import { TASK_COLUMNS, toTaskView, type TaskRowRaw } from './review-rows';
import { REVIEW_REASONS, type ReviewReason } from './review-task.entity';
import { TaskPage, ClaimFinding, TaskDetail } from './review.views';
export { TaskPage, ClaimFinding, TaskDetail };

/** Reads of the review queue, always filtered in SQL by the caller's abilities (`accessibleWhere`). */
@Injectable()
export class ReviewQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly clock: Clock,
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
    if (status === 'undecided') conditions.push(`t.status <> 'decided'`);
    else if (status !== 'all') conditions.push(`t.status = ${param(status)}`);

    const counts = (await this.dataSource.query(
      `SELECT t.reason, count(*)::int AS count FROM review_tasks t WHERE ${conditions.join(' AND ')} GROUP BY t.reason`,
      values,
    )) as Array<{
      reason: ReviewReason;
      count: number;
    }>;
    for (const row of counts) countsByReason[row.reason] = Number(row.count);

    if (query.reason) conditions.push(`t.reason = ${param(query.reason)}`);
    const total = query.reason
      ? countsByReason[query.reason]
      : Object.values(countsByReason).reduce((sum, count) => sum + count, 0);
    const order =
      (query.sort ?? 'priority') === 'sla'
        ? 't.sla_due_at ASC, t.priority DESC, t.created_at ASC, t.id ASC'
        : 't.priority DESC, t.sla_due_at ASC, t.created_at ASC, t.id ASC';
    const rows = (await this.dataSource.query(
      `${TASK_COLUMNS} WHERE ${conditions.join(' AND ')} ORDER BY ${order} LIMIT ${param(pageSize)} OFFSET ${param((page - 1) * pageSize)}`,
      values,
    )) as TaskRowRaw[];
    const now = this.clock.now();
    return { items: rows.map((row) => toTaskView(row, now)), page, pageSize, total, countsByReason };
  }

  /** The task, its claim and its decisions: 404 when it does not exist or the caller may not see it. */
  async detail(ability: AppAbility, taskId: string): Promise<TaskDetail> {
    const rows = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(taskId)
      ? ((await this.dataSource.query(`${TASK_COLUMNS} WHERE t.id = $1`, [taskId])) as TaskRowRaw[])
      : [];
    if (!rows[0]) throw new NotFoundException('ReviewTask not found');
    const row = rows[0];
    const taskSubject = () =>
      subject('ReviewTask', { id: row.id, team: row.team, assigneeId: row.assignee_id, status: row.status });
    this.access.assertCan(ability, 'read', taskSubject());
    const task = toTaskView(row, this.clock.now());

    const [claim] = (await this.dataSource.query(
      `SELECT c.id, c.external_reference, c.claimed_peril, c.description, c.incident_date::text AS incident_date, c.amount::text AS amount, c.currency, c.status,
              c.team, c.legal_hold, c.submitted_at, c.decided_at, p.id AS policy_id, p.number AS policy_number, p.line_of_business, p.insured_object,
              (SELECT count(*)::int FROM photos ph WHERE ph.claim_id = c.id) AS photo_count
       FROM claims c JOIN policies p ON p.id = c.policy_id WHERE c.id = $1`,
      [row.claim_id],
    )) as Array<Record<string, unknown>>;
    const findings = (await this.dataSource.query(
      `SELECT kind, severity, flagged, uncertain, confidence, reason, photo_id FROM checks
       WHERE claim_id = $1 AND (flagged OR uncertain)
         AND scoring_run_id = (SELECT id FROM scoring_runs WHERE claim_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1)
       ORDER BY flagged DESC, confidence DESC`,
      [row.claim_id],
    )) as Array<{
      kind: string;
      severity: string;
      flagged: boolean;
      uncertain: boolean;
      confidence: number;
      reason: string;
      photo_id: string | null;
    }>;
    const decisions = (
      (await this.dataSource.query(`${DECISION_SELECT} WHERE d.task_id = $1 ORDER BY d.seq ASC`, [
        row.id,
      ])) as Parameters<typeof toDecisionView>[0][]
    ).map(toDecisionView);
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
      effectiveDecisionId: effective?.id ?? null,
      allowed: {
        assign: task.status !== 'decided' && ability.can('assign', taskSubject()),
        decide: task.status !== 'decided' && ability.can('decide', taskSubject()),
        override: task.status === 'decided' && ability.can('override', subject('Decision', { team: row.team })),
      },
    };
  }
}
