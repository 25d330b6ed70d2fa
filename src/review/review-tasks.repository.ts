import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { TASK_COLUMNS, rowsOf, type TaskRowRaw } from './review-rows';
import type { DecisionOutcome, ReviewReason, TaskFollowUp } from './review-task.entity';

export const DECISION_SELECT = `SELECT d.id, d.task_id, d.claim_id, d.outcome, d.reason_code, d.note, d.reviewer_id, u.display_name AS reviewer_name,
  d.agrees_with_model, d.overrides_decision_id, d.created_at, d.acknowledgements
  FROM decisions d LEFT JOIN users u ON u.id = d.reviewer_id`;

/** An access filter from AccessService.where (positional parameters), applied in SQL. */
export interface SqlFilter {
  sql: string;
  values: unknown[];
}

/** The task's own columns as opening it returns them. */
export type OpenedTaskRow = Pick<
  TaskRowRaw,
  'id' | 'claim_id' | 'reason' | 'priority' | 'sla_due_at' | 'team' | 'status' | 'assignee_id' | 'version'
>;

/** What a change of the task reads under its row lock. */
export type TaskLockRow = Pick<
  TaskRowRaw,
  'id' | 'claim_id' | 'reason' | 'team' | 'assignee_id' | 'status' | 'version'
>;

export interface DecisionRow {
  id: string;
  task_id: string;
  claim_id: string;
  outcome: DecisionOutcome;
  reason_code: string;
  note: string;
  reviewer_id: string;
  reviewer_name: string | null;
  agrees_with_model: boolean | null;
  overrides_decision_id: string | null;
  created_at: Date;
  acknowledgements: StoredAcknowledgement[];
}

/** One flag a decision acknowledged instead of opening its photos (decisions.acknowledgements). */
export interface StoredAcknowledgement {
  checkId: string;
  kind: string;
  photoId: string | null;
  note: string;
}

export interface MemberStatsRow {
  user_id: string;
  name: string | null;
  role: string | null;
  assigned: number;
  awaiting_info: number;
  breached: number;
  decisions: number;
  escalations: number;
  overrides_made: number;
  comparable: number;
  agree_with_model: number;
  overridden: number;
}

export interface ReviewFindingRow {
  id: string;
  kind: string;
  severity: string;
  flagged: boolean;
  uncertain: boolean;
  confidence: number;
  reason: string;
  photo_id: string | null;
}

/**
 * The review tables (review_tasks, decisions): the only code that reads or writes their rows. The
 * task detail's read of its claim, policy and findings is a cross-table read of this view, so it
 * lives here too.
 */
@Injectable()
export class ReviewTasksRepository extends OwnedTableRepository {
  /** Inserts the claim's open task unless it already has an undecided one (then undefined). */
  async insertOpenTask(
    tx: Tx,
    input: { claimId: string; reason: ReviewReason; priority: number; slaDueAt: Date; team: string; now: Date },
  ): Promise<OpenedTaskRow | undefined> {
    const inserted = (await tx.query(
      `INSERT INTO review_tasks (claim_id, reason, priority, sla_due_at, team, status, created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, 'open', $6, $6, 1)
       ON CONFLICT (claim_id) WHERE status <> 'decided' DO NOTHING
       RETURNING id, claim_id, reason, priority, sla_due_at, team, status, assignee_id, version`,
      [input.claimId, input.reason, input.priority, input.slaDueAt, input.team, input.now],
    )) as OpenedTaskRow[];
    return inserted[0];
  }

  async findUndecidedOfClaim(tx: Tx, claimId: string): Promise<OpenedTaskRow | undefined> {
    const existing = (await tx.query(
      `SELECT id, claim_id, reason, priority, sla_due_at, team, status, assignee_id, version FROM review_tasks WHERE claim_id = $1 AND status <> 'decided'`,
      [claimId],
    )) as OpenedTaskRow[];
    return existing[0];
  }

  /**
   * Assigns the highest-priority unassigned task the filter allows to `userId`; `FOR UPDATE SKIP LOCKED`
   * makes concurrent callers take different rows. The filter's parameters start at $3.
   */
  async claimNext(
    tx: Tx,
    userId: string,
    now: Date,
    filter: SqlFilter,
    onlyEscalated = false,
  ): Promise<{ id: string; claim_id: string; version: number } | undefined> {
    const rows = (await tx.query(
      `UPDATE review_tasks SET assignee_id = $1, status = 'assigned', version = version + 1, updated_at = $2
       WHERE id = (
         SELECT q.id FROM review_tasks q
         WHERE ${filter.sql} AND q.assignee_id IS NULL AND q.status IN ${onlyEscalated ? "('escalated')" : "('open', 'escalated')"}
         ORDER BY (q.status = 'escalated') DESC, q.priority DESC, q.sla_due_at ASC, q.created_at ASC, q.id ASC
         LIMIT 1 FOR UPDATE SKIP LOCKED)
       AND assignee_id IS NULL
       RETURNING id, claim_id, version`,
      [userId, now, ...filter.values],
    )) as unknown;
    return rowsOf<{ id: string; claim_id: string; version: number }>(rows)[0];
  }

  /** The assignee of the claim's newest undecided task (null when unassigned), undefined when it has none. */
  async findOpenAssignee(claimId: string, tx?: Tx): Promise<string | null | undefined> {
    const [task] = (await this.m(tx).query(
      `SELECT assignee_id FROM review_tasks WHERE claim_id = $1 AND status <> 'decided' ORDER BY created_at DESC LIMIT 1`,
      [claimId],
    )) as Array<{ assignee_id: string | null }>;
    return task ? task.assignee_id : undefined;
  }

  /** Row-locks the task for a change. */
  async lockForChange(tx: Tx, taskId: string): Promise<TaskLockRow | undefined> {
    const rows = (await tx.query(
      `SELECT id, claim_id, reason, team, assignee_id, status, version FROM review_tasks WHERE id = $1 FOR UPDATE`,
      [taskId],
    )) as TaskLockRow[];
    return rows[0];
  }

  /** The new version, or undefined when `version` is stale or the task is decided. */
  assign(tx: Tx, taskId: string, version: number, assigneeId: string, now: Date): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET assignee_id = $1, status = 'assigned', version = version + 1, updated_at = $2
       WHERE id = $3 AND version = $4 AND status <> 'decided' RETURNING version`,
      [assigneeId, now, taskId, version],
    );
  }

  /** Puts the task, unassigned, in `escalated`; the new version, or undefined when stale. */
  escalate(tx: Tx, taskId: string, version: number, now: Date): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET status = 'escalated', assignee_id = NULL, escalated_at = $1, version = version + 1, updated_at = $1
       WHERE id = $2 AND version = $3 AND status <> 'decided' RETURNING version`,
      [now, taskId, version],
    );
  }

  /** Marks the task decided (assigned to the decider when unassigned); the new version, or undefined when stale. */
  markDecided(tx: Tx, taskId: string, version: number, deciderId: string, now: Date): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET status = 'decided', assignee_id = COALESCE(assignee_id, $4::uuid), version = version + 1, updated_at = $1
       WHERE id = $2 AND version = $3 AND status <> 'decided' RETURNING version`,
      [now, taskId, version, deciderId],
    );
  }

  /**
   * A `request_info` decision: the task waits for the claimant in `awaiting_info`, still assigned to the decider (so
   * the answer comes back to the same person); the new version, or undefined when stale.
   */
  awaitInformation(tx: Tx, taskId: string, version: number, deciderId: string, now: Date): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET status = 'awaiting_info', assignee_id = COALESCE(assignee_id, $4::uuid), follow_up = NULL, version = version + 1, updated_at = $1
       WHERE id = $2 AND version = $3 AND status NOT IN ('decided', 'awaiting_info') RETURNING version`,
      [now, taskId, version, deciderId],
    );
  }

  /**
   * A supervisor's override with `request_info`: the decided task waits for the claimant again, assigned to the
   * supervisor who asked; the new version, or undefined when stale.
   */
  awaitInformationAfterOverride(
    tx: Tx,
    taskId: string,
    version: number,
    supervisorId: string,
    now: Date,
  ): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET status = 'awaiting_info', assignee_id = $4::uuid, follow_up = NULL, version = version + 1, updated_at = $1
       WHERE id = $2 AND version = $3 AND status = 'decided' RETURNING version`,
      [now, taskId, version, supervisorId],
    );
  }

  /** The claim's task waiting for information, row-locked for the rest of `tx`. */
  async lockAwaitingOfClaim(tx: Tx, claimId: string): Promise<(TaskLockRow & { priority: number }) | undefined> {
    const rows = (await tx.query(
      `SELECT id, claim_id, reason, team, assignee_id, status, version, priority FROM review_tasks
        WHERE claim_id = $1 AND status = 'awaiting_info' FOR UPDATE`,
      [claimId],
    )) as Array<TaskLockRow & { priority: number }>;
    return rows[0];
  }

  /**
   * A task that waited for information comes back: to `assigneeId` (status assigned) or, when null, to its team's
   * queue (open), marked with why (`followUp`), with a new reason, priority and SLA. The new version, or undefined
   * when the task no longer waits.
   */
  reopen(
    tx: Tx,
    taskId: string,
    input: {
      assigneeId: string | null;
      followUp: TaskFollowUp;
      reason: ReviewReason;
      priority: number;
      slaDueAt: Date;
      now: Date;
    },
  ): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET status = CASE WHEN $2::uuid IS NULL THEN 'open' ELSE 'assigned' END, assignee_id = $2::uuid,
              follow_up = $3, reason = $4, priority = $5, sla_due_at = $6, reopened_at = $7, updated_at = $7, version = version + 1
        WHERE id = $1 AND status = 'awaiting_info' RETURNING version`,
      [taskId, input.assigneeId, input.followUp, input.reason, input.priority, input.slaDueAt, input.now],
    );
  }

  /** Moves the task's version on (an override); the new version, or undefined when stale. */
  bumpVersion(tx: Tx, taskId: string, version: number, now: Date): Promise<number | undefined> {
    return this.newVersion(
      tx,
      `UPDATE review_tasks SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 RETURNING version`,
      [now, taskId, version],
    );
  }

  /** Runs a versioned `UPDATE … RETURNING version`: the new version, or undefined when no row matched (stale). */
  private async newVersion(tx: Tx, sql: string, params: unknown[]): Promise<number | undefined> {
    return rowsOf<{ version: number }>(await tx.query(sql, params))[0]?.version;
  }

  /** The effective decision: the latest non-escalate decision that no later decision overrides. */
  async findEffectiveDecision(
    tx: Tx,
    taskId: string,
  ): Promise<{ id: string; outcome: DecisionOutcome; reason_code: string } | undefined> {
    const effective = (await tx.query(
      `SELECT d.id, d.outcome, d.reason_code FROM decisions d
       WHERE d.task_id = $1 AND d.outcome <> 'escalate'
         AND NOT EXISTS (SELECT 1 FROM decisions later WHERE later.overrides_decision_id = d.id)
       ORDER BY d.seq DESC LIMIT 1`,
      [taskId],
    )) as Array<{ id: string; outcome: DecisionOutcome; reason_code: string }>;
    return effective[0];
  }

  async insertDecision(
    tx: Tx,
    input: {
      taskId: string;
      claimId: string;
      outcome: DecisionOutcome;
      reasonCode: string;
      note: string;
      reviewerId: string;
      agrees: boolean | null;
      overrides: string | null;
      acknowledgements: StoredAcknowledgement[];
      now: Date;
    },
  ): Promise<string> {
    const rows = (await tx.query(
      `INSERT INTO decisions (task_id, claim_id, outcome, reason_code, note, reviewer_id, agrees_with_model, overrides_decision_id, created_at, acknowledgements)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb) RETURNING id`,
      [
        input.taskId,
        input.claimId,
        input.outcome,
        input.reasonCode,
        input.note,
        input.reviewerId,
        input.agrees,
        input.overrides,
        input.now,
        JSON.stringify(input.acknowledgements),
      ],
    )) as Array<{ id: string }>;
    return rows[0].id;
  }

  async findTaskRow(taskId: string, tx?: Tx): Promise<TaskRowRaw | undefined> {
    const rows = (await this.m(tx).query(`${TASK_COLUMNS} WHERE t.id = $1`, [taskId])) as TaskRowRaw[];
    return rows[0];
  }

  async findDecision(id: string, tx?: Tx): Promise<DecisionRow | undefined> {
    const rows = (await this.m(tx).query(`${DECISION_SELECT} WHERE d.id = $1`, [id])) as DecisionRow[];
    return rows[0];
  }

  async decisionsOfTask(taskId: string, tx?: Tx): Promise<DecisionRow[]> {
    return (await this.m(tx).query(`${DECISION_SELECT} WHERE d.task_id = $1 ORDER BY d.seq ASC`, [
      taskId,
    ])) as DecisionRow[];
  }

  /**
   * Task counts per reason among the tasks `conditions` select (alias `t`; with `joinClaim`, also `c` claim and
   * `p` policy, joined only then: the plain queue counts from review_tasks alone).
   */
  async countByReason(
    conditions: string,
    values: unknown[],
    joinClaim = false,
  ): Promise<Array<{ reason: ReviewReason; count: number }>> {
    const from = joinClaim
      ? 'review_tasks t JOIN claims c ON c.id = t.claim_id JOIN policies p ON p.id = c.policy_id'
      : 'review_tasks t';
    return (await this.m().query(
      `SELECT t.reason, count(*)::int AS count FROM ${from} WHERE ${conditions} GROUP BY t.reason`,
      values,
    )) as Array<{ reason: ReviewReason; count: number }>;
  }

  /** One page of queue rows; `values` holds the condition's parameters followed by limit and offset ($n-1, $n). */
  async listRows(conditions: string, order: string, values: unknown[]): Promise<TaskRowRaw[]> {
    return (await this.m().query(
      `${TASK_COLUMNS} WHERE ${conditions} ORDER BY ${order} LIMIT $${values.length - 1} OFFSET $${values.length}`,
      values,
    )) as TaskRowRaw[];
  }

  /** The task detail's claim: its fields, its policy and how many photos it has. */
  async claimForReview(claimId: string): Promise<Record<string, unknown> | undefined> {
    const [claim] = (await this.m().query(
      `SELECT c.id, c.external_reference, c.claimed_peril, c.description, c.incident_date::text AS incident_date, c.amount::text AS amount, c.currency, c.status,
              c.team, c.legal_hold, c.submitted_at, c.decided_at, p.id AS policy_id, p.number AS policy_number, p.line_of_business, p.insured_object,
              (SELECT count(*)::int FROM photos ph WHERE ph.claim_id = c.id) AS photo_count
       FROM claims c JOIN policies p ON p.id = c.policy_id WHERE c.id = $1`,
      [claimId],
    )) as Array<Record<string, unknown>>;
    return claim;
  }

  /** The flagged or uncertain checks of the claim's latest scoring run, strongest first. */
  async findingsForReview(claimId: string, tx?: Tx): Promise<ReviewFindingRow[]> {
    return (await this.m(tx).query(
      `SELECT id, kind, severity, flagged, uncertain, confidence, reason, photo_id FROM checks
       WHERE claim_id = $1 AND (flagged OR uncertain)
         AND scoring_run_id = (SELECT id FROM scoring_runs WHERE claim_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1)
       ORDER BY flagged DESC, confidence DESC`,
      [claimId],
    )) as ReviewFindingRow[];
  }

  /** The duplicate_photo check of one photo in the claim's latest scoring run (the match it found, if any). */
  async duplicateCheckOfPhoto(
    claimId: string,
    photoId: string,
    tx?: Tx,
  ): Promise<
    { id: string; score: number; flagged: boolean; uncertain: boolean; evidence: Record<string, unknown> } | undefined
  > {
    const rows = (await this.m(tx).query(
      `SELECT id, score, flagged, uncertain, evidence FROM checks
       WHERE claim_id = $1 AND photo_id = $2 AND kind = 'duplicate_photo'
         AND scoring_run_id = (SELECT id FROM scoring_runs WHERE claim_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1)
       LIMIT 1`,
      [claimId, photoId],
    )) as Array<{ id: string; score: number; flagged: boolean; uncertain: boolean; evidence: Record<string, unknown> }>;
    return rows[0];
  }

  /** Undecided tasks of the filter (alias `t`; parameters from $2) past their SLA at $1, and unassigned/escalated counts. */
  async openWorkCounts(
    filter: SqlFilter,
    now: Date,
  ): Promise<{
    breached_open: number;
    breached_assigned: number;
    breached_escalated: number;
    unassigned: number;
    escalated: number;
  }> {
    const [row] = (await this.m().query(
      `SELECT count(*) FILTER (WHERE t.status = 'open' AND t.sla_due_at < $1)::int AS breached_open,
              count(*) FILTER (WHERE t.status = 'assigned' AND t.sla_due_at < $1)::int AS breached_assigned,
              count(*) FILTER (WHERE t.status = 'escalated' AND t.sla_due_at < $1)::int AS breached_escalated,
              count(*) FILTER (WHERE t.assignee_id IS NULL)::int AS unassigned,
              count(*) FILTER (WHERE t.status = 'escalated')::int AS escalated
         FROM review_tasks t WHERE t.status IN ('open', 'assigned', 'escalated') AND ${filter.sql}`,
      [now, ...filter.values],
    )) as Array<{
      breached_open: number;
      breached_assigned: number;
      breached_escalated: number;
      unassigned: number;
      escalated: number;
    }>;
    return row;
  }

  /**
   * Per person: the team's active reviewers ($1 team) and whoever holds or decided the filter's tasks (alias `t`,
   * parameters from $4): tasks held now, breaches at $2, and their decisions since $3 — how many, escalations,
   * overrides made, agreement with the model, and how many a later decision overrode.
   */
  async memberStats(filter: SqlFilter, team: string, now: Date, since: Date): Promise<MemberStatsRow[]> {
    return (await this.m().query(
      `WITH work AS (
         SELECT t.assignee_id AS user_id,
                count(*) FILTER (WHERE t.status = 'assigned')::int AS assigned,
                count(*) FILTER (WHERE t.status = 'awaiting_info')::int AS awaiting_info,
                count(*) FILTER (WHERE t.status = 'assigned' AND t.sla_due_at < $2)::int AS breached
           FROM review_tasks t WHERE t.assignee_id IS NOT NULL AND t.status IN ('assigned', 'awaiting_info') AND ${filter.sql}
          GROUP BY t.assignee_id),
       made AS (
         SELECT d.reviewer_id AS user_id,
                count(*) FILTER (WHERE d.outcome <> 'escalate')::int AS decisions,
                count(*) FILTER (WHERE d.outcome = 'escalate')::int AS escalations,
                count(*) FILTER (WHERE d.overrides_decision_id IS NOT NULL)::int AS overrides_made,
                count(*) FILTER (WHERE d.agrees_with_model IS NOT NULL)::int AS comparable,
                count(*) FILTER (WHERE d.agrees_with_model)::int AS agree_with_model,
                count(*) FILTER (WHERE d.outcome <> 'escalate'
                  AND EXISTS (SELECT 1 FROM decisions o WHERE o.overrides_decision_id = d.id))::int AS overridden
           FROM decisions d JOIN review_tasks t ON t.id = d.task_id
          WHERE d.created_at >= $3 AND ${filter.sql}
          GROUP BY d.reviewer_id),
       people AS (
         SELECT id AS user_id FROM users WHERE team = $1 AND disabled_at IS NULL AND role IN ('adjuster', 'supervisor')
         UNION SELECT user_id FROM work UNION SELECT user_id FROM made)
       SELECT p.user_id, u.display_name AS name,
              CASE WHEN u.disabled_at IS NULL AND u.team = $1 THEN u.role END AS role,
              COALESCE(w.assigned, 0) AS assigned, COALESCE(w.awaiting_info, 0) AS awaiting_info, COALESCE(w.breached, 0) AS breached,
              COALESCE(m.decisions, 0) AS decisions, COALESCE(m.escalations, 0) AS escalations,
              COALESCE(m.overrides_made, 0) AS overrides_made, COALESCE(m.comparable, 0) AS comparable,
              COALESCE(m.agree_with_model, 0) AS agree_with_model, COALESCE(m.overridden, 0) AS overridden
         FROM people p LEFT JOIN users u ON u.id = p.user_id
         LEFT JOIN work w ON w.user_id = p.user_id LEFT JOIN made m ON m.user_id = p.user_id
        ORDER BY COALESCE(w.breached, 0) DESC, COALESCE(w.assigned, 0) DESC, u.display_name ASC, p.user_id ASC`,
      [team, now, since, ...filter.values],
    )) as MemberStatsRow[];
  }
}
