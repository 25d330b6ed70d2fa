import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { subject } from '@casl/ability';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import type { AccessAction } from '../common/access.decorators';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import type { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import type { AssignTaskDto, DecideTaskDto, OverrideDecisionDto } from './review.dto';
import { agreesWithModel, isReasonCodeFor } from './review-policy';
import { rowsOf, TASK_COLUMNS, toTaskView, type TaskRowRaw, type TaskView } from './review-rows';
import type { DecisionOutcome, ReviewReason, ReviewTaskStatus } from './review-task.entity';
import { DecisionView, DecisionResult } from './review.views';
export { DecisionView, DecisionResult };

/** The 409 a caller gets when the task moved on since it loaded it (the optimistic lock). */
export const STALE_TASK_MESSAGE = 'the task changed since you loaded it (someone else assigned or decided it)';

export interface OpenTaskInput {
  claimId: string;
  reason: ReviewReason;
  priority: number;
  slaDueAt: Date;
  team: string;
}

export interface OpenedTask {
  id: string;
  claimId: string;
  reason: ReviewReason;
  priority: number;
  slaDueAt: Date;
  team: string;
  status: ReviewTaskStatus;
  assigneeId: string | null;
  version: number;
  /** False when the claim already had an undecided task, which is returned unchanged. */
  created: boolean;
}

interface TaskLockRow {
  id: string;
  claim_id: string;
  reason: ReviewReason;
  team: string;
  assignee_id: string | null;
  status: ReviewTaskStatus;
  version: number;
}

interface DecisionRaw {
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
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toDecisionView(row: DecisionRaw): DecisionView {
  return {
    id: row.id,
    taskId: row.task_id,
    claimId: row.claim_id,
    outcome: row.outcome,
    reasonCode: row.reason_code,
    note: row.note,
    reviewerId: row.reviewer_id,
    reviewerName: row.reviewer_name ?? null,
    agreesWithModel: row.agrees_with_model,
    overridesDecisionId: row.overrides_decision_id,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export const DECISION_SELECT = `SELECT d.id, d.task_id, d.claim_id, d.outcome, d.reason_code, d.note, d.reviewer_id, u.display_name AS reviewer_name,
  d.agrees_with_model, d.overrides_decision_id, d.created_at
  FROM decisions d LEFT JOIN users u ON u.id = d.reviewer_id`;

/**
 * The review workflow's state changes: opening a task (called by validation inside its transaction),
 * claiming the next task, assigning, deciding, overriding. Every change is one audited transaction;
 * concurrent changes to a task are settled by its `version` (optimistic lock, 409 for the loser) or,
 * for "next", by `FOR UPDATE SKIP LOCKED` so concurrent adjusters get different tasks.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
  ) {}

  /**
   * Opens the claim's review task inside the caller's audited transaction. Idempotent: when the claim
   * already has an undecided task (the unique partial index `review_tasks_one_open_per_claim`), that
   * task is returned unchanged and nothing is recorded — a retried validation job opens no second task.
   */
  async openTask(tx: AuditedTransaction, input: OpenTaskInput): Promise<OpenedTask> {
    const now = this.clock.now();
    const inserted = (await tx.manager.query(
      `INSERT INTO review_tasks (claim_id, reason, priority, sla_due_at, team, status, created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, 'open', $6, $6, 1)
       ON CONFLICT (claim_id) WHERE status <> 'decided' DO NOTHING
       RETURNING id, claim_id, reason, priority, sla_due_at, team, status, assignee_id, version`,
      [input.claimId, input.reason, Math.round(input.priority), input.slaDueAt, input.team, now],
    )) as OpenedRaw[];
    if (inserted[0]) {
      tx.record({
        action: 'review.task_opened',
        resourceType: 'ReviewTask',
        resourceId: inserted[0].id,
        details: {
          claimId: input.claimId,
          reason: input.reason,
          priority: Math.round(input.priority),
          slaDueAt: input.slaDueAt,
          team: input.team,
        },
      });
      return toOpened(inserted[0], true);
    }
    const existing = (await tx.manager.query(
      `SELECT id, claim_id, reason, priority, sla_due_at, team, status, assignee_id, version FROM review_tasks WHERE claim_id = $1 AND status <> 'decided'`,
      [input.claimId],
    )) as OpenedRaw[];
    if (!existing[0]) throw new ConflictException(`could not open a review task for claim ${input.claimId}; retry`);
    return toOpened(existing[0], false);
  }

  /**
   * Claims the highest-priority unassigned task the caller may assign to itself (adjuster: `open` tasks
   * of its team; supervisor: also `escalated` ones, those first). `FOR UPDATE SKIP LOCKED` makes
   * concurrent callers take different rows instead of queueing on the same one. Null when none waits.
   */
  async claimNext(context: AuditContext, actor: Actor, ability: AppAbility): Promise<TaskView | null> {
    const user = requireUser(actor);
    const where = this.access.where(ability, 'ReviewTask', {
      alias: 'q',
      action: 'assign',
      paramStyle: 'positional',
      firstIndex: 3,
    });
    if (where.none) return null;
    const now = this.clock.now();
    const claimedId = await this.audit.run(context, async (tx) => {
      const rows = (await tx.manager.query(
        `UPDATE review_tasks SET assignee_id = $1, status = 'assigned', version = version + 1, updated_at = $2
         WHERE id = (
           SELECT q.id FROM review_tasks q
           WHERE ${where.sql} AND q.assignee_id IS NULL AND q.status IN ('open', 'escalated')
           ORDER BY (q.status = 'escalated') DESC, q.priority DESC, q.sla_due_at ASC, q.created_at ASC, q.id ASC
           LIMIT 1 FOR UPDATE SKIP LOCKED)
         AND assignee_id IS NULL
         RETURNING id, claim_id, version`,
        [user.id, now, ...where.values],
      )) as unknown;
      const row = rowsOf<{ id: string; claim_id: string; version: number }>(rows)[0];
      if (!row) return null;
      tx.record({
        action: 'review.task_assigned',
        resourceType: 'ReviewTask',
        resourceId: row.id,
        details: {
          claimId: row.claim_id,
          assigneeId: user.id,
          previousAssigneeId: null,
          via: 'next',
          version: row.version,
        },
      });
      return row.id;
    });
    return claimedId ? this.loadView(this.dataSource.manager, claimedId) : null;
  }

  /**
   * Assigns a task. Adjuster: only itself, only an `open` unassigned task of its team. Supervisor: anyone
   * active in the team (adjuster or supervisor), including a reassignment. `version` must be current.
   */
  async assign(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    taskId: string,
    input: AssignTaskDto,
  ): Promise<TaskView> {
    const user = requireUser(actor);
    const assigneeId = input.assigneeId ?? user.id;
    await this.audit.run(context, async (tx) => {
      const task = await this.loadForChange(tx.manager, ability, taskId, input.version);
      if (task.status === 'decided') throw new ConflictException('the task is already decided');
      if (user.role === 'adjuster' && assigneeId !== user.id)
        await this.forbid(context, 'assign', 'adjusters may assign a task only to themselves');
      if (!ability.can('assign', subject('ReviewTask', { ...task }))) {
        await this.forbid(
          context,
          'assign',
          'you may not assign this task (an adjuster may claim only an unassigned task of its team that is not escalated)',
        );
      }
      if (task.assignee_id === assigneeId) throw new ConflictException('the task is already assigned to that person');
      const assignee = (await tx.manager.query(
        `SELECT id, role, team FROM users WHERE id = $1 AND disabled_at IS NULL`,
        [assigneeId],
      )) as Array<{ id: string; role: string; team: string }>;
      if (!assignee[0] || assignee[0].team !== task.team || !['adjuster', 'supervisor'].includes(assignee[0].role)) {
        throw new UnprocessableEntityException(
          `the assignee must be an active adjuster or supervisor of team ${task.team}`,
        );
      }
      const updated = (await tx.manager.query(
        `UPDATE review_tasks SET assignee_id = $1, status = 'assigned', version = version + 1, updated_at = $2
         WHERE id = $3 AND version = $4 AND status <> 'decided' RETURNING version`,
        [assigneeId, this.clock.now(), task.id, input.version],
      )) as unknown;
      const version = rowsOf<{ version: number }>(updated)[0]?.version;
      if (version === undefined) throw new ConflictException(STALE_TASK_MESSAGE);
      tx.record({
        action: task.assignee_id ? 'review.task_reassigned' : 'review.task_assigned',
        resourceType: 'ReviewTask',
        resourceId: task.id,
        details: {
          claimId: task.claim_id,
          assigneeId,
          previousAssigneeId: task.assignee_id,
          fromStatus: task.status,
          via: 'assign',
          version,
        },
      });
    });
    return this.loadView(this.dataSource.manager, taskId);
  }

  /**
   * Decides a task: only its assignee, or a supervisor of its team (403 for a task the caller sees but
   * may not decide). approve/deny/request_info close the task and decide the claim; escalate keeps the
   * claim open and puts the task, unassigned, in status `escalated` for the team's supervisors.
   */
  async decide(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    taskId: string,
    input: DecideTaskDto,
  ): Promise<DecisionResult> {
    const user = requireUser(actor);
    if (!isReasonCodeFor(input.outcome, input.reasonCode))
      throw new BadRequestException(
        `reasonCode "${input.reasonCode}" is not a reason code for ${input.outcome} (see GET /v1/review/reason-codes)`,
      );
    const decisionId = await this.audit.run(context, async (tx) => {
      const task = await this.loadForChange(tx.manager, ability, taskId, input.version);
      if (task.status === 'decided')
        throw new ConflictException('the task is already decided; a supervisor may override the decision');
      if (!ability.can('decide', subject('ReviewTask', { ...task }))) {
        await this.forbid(context, 'decide', "only the task's assignee or a supervisor of its team may decide it");
      }
      if (input.outcome === 'escalate' && user.role !== 'adjuster') {
        throw new BadRequestException(
          'escalate hands a task to the supervisors; a supervisor decides with approve, deny or request_info',
        );
      }
      const now = this.clock.now();
      const escalate = input.outcome === 'escalate';
      const updated = (await tx.manager.query(
        escalate
          ? `UPDATE review_tasks SET status = 'escalated', assignee_id = NULL, escalated_at = $1, version = version + 1, updated_at = $1
             WHERE id = $2 AND version = $3 AND status <> 'decided' RETURNING version`
          : `UPDATE review_tasks SET status = 'decided', assignee_id = COALESCE(assignee_id, $4::uuid), version = version + 1, updated_at = $1
             WHERE id = $2 AND version = $3 AND status <> 'decided' RETURNING version`,
        escalate ? [now, task.id, input.version] : [now, task.id, input.version, user.id],
      )) as unknown;
      const version = rowsOf<{ version: number }>(updated)[0]?.version;
      if (version === undefined) throw new ConflictException(STALE_TASK_MESSAGE);
      const agrees = agreesWithModel(task.reason, input.outcome);
      const decision = await this.insertDecision(tx.manager, {
        taskId: task.id,
        claimId: task.claim_id,
        outcome: input.outcome,
        reasonCode: input.reasonCode,
        note: input.note,
        reviewerId: user.id,
        agrees,
        overrides: null,
        now,
      });
      tx.record({
        action: escalate ? 'review.task_escalated' : 'review.decision_made',
        resourceType: 'ReviewTask',
        resourceId: task.id,
        details: {
          decisionId: decision,
          claimId: task.claim_id,
          outcome: input.outcome,
          reasonCode: input.reasonCode,
          noteLength: input.note.length,
          agreesWithModel: agrees,
          reviewReason: task.reason,
          previousAssigneeId: task.assignee_id,
          version,
        },
      });
      if (!escalate) {
        const before = (await tx.manager.query(`SELECT status FROM claims WHERE id = $1 FOR UPDATE`, [
          task.claim_id,
        ])) as Array<{ status: string }>;
        await tx.manager.query(
          `UPDATE claims SET status = 'decided', decided_at = $1, updated_at = $1, version = version + 1 WHERE id = $2`,
          [now, task.claim_id],
        );
        tx.record({
          action: 'claim.decided',
          resourceType: 'Claim',
          resourceId: task.claim_id,
          details: {
            from: before[0]?.status ?? null,
            to: 'decided',
            outcome: input.outcome,
            decisionId: decision,
            taskId: task.id,
          },
        });
      }
      return decision;
    });
    return {
      task: await this.loadView(this.dataSource.manager, taskId),
      decision: await this.loadDecision(decisionId),
    };
  }

  /**
   * A supervisor overrides the task's effective decision (the latest approve/deny/request_info that no
   * later decision overrides) with a new decision linked to it. Decisions are never edited. The claim
   * stays decided; the task's version moves on so open screens reload.
   */
  async override(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    taskId: string,
    input: OverrideDecisionDto,
  ): Promise<DecisionResult> {
    const user = requireUser(actor);
    if (!isReasonCodeFor(input.outcome, input.reasonCode))
      throw new BadRequestException(
        `reasonCode "${input.reasonCode}" is not a reason code for ${input.outcome} (see GET /v1/review/reason-codes)`,
      );
    const decisionId = await this.audit.run(context, async (tx) => {
      const task = await this.loadForChange(tx.manager, ability, taskId, input.version);
      if (!ability.can('override', subject('Decision', { team: task.team, claimId: task.claim_id, taskId: task.id }))) {
        await this.forbid(context, 'override', "only a supervisor of the task's team may override its decision");
      }
      if (task.status !== 'decided')
        throw new ConflictException('the task is not decided yet: decide it instead of overriding');
      const effective = (await tx.manager.query(
        `SELECT d.id, d.outcome, d.reason_code FROM decisions d
         WHERE d.task_id = $1 AND d.outcome <> 'escalate'
           AND NOT EXISTS (SELECT 1 FROM decisions later WHERE later.overrides_decision_id = d.id)
         ORDER BY d.seq DESC LIMIT 1`,
        [task.id],
      )) as Array<{ id: string; outcome: DecisionOutcome; reason_code: string }>;
      if (!effective[0]) throw new ConflictException('the task has no decision to override');
      const now = this.clock.now();
      const updated = (await tx.manager.query(
        `UPDATE review_tasks SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3 RETURNING version`,
        [now, task.id, task.version],
      )) as unknown;
      const version = rowsOf<{ version: number }>(updated)[0]?.version;
      if (version === undefined) throw new ConflictException(STALE_TASK_MESSAGE);
      const agrees = agreesWithModel(task.reason, input.outcome);
      const decision = await this.insertDecision(tx.manager, {
        taskId: task.id,
        claimId: task.claim_id,
        outcome: input.outcome,
        reasonCode: input.reasonCode,
        note: input.note,
        reviewerId: user.id,
        agrees,
        overrides: effective[0].id,
        now,
      });
      tx.record({
        action: 'review.decision_overridden',
        resourceType: 'Decision',
        resourceId: decision,
        details: {
          taskId: task.id,
          claimId: task.claim_id,
          overridesDecisionId: effective[0].id,
          fromOutcome: effective[0].outcome,
          fromReasonCode: effective[0].reason_code,
          outcome: input.outcome,
          reasonCode: input.reasonCode,
          noteLength: input.note.length,
          agreesWithModel: agrees,
          version,
        },
      });
      return decision;
    });
    return {
      task: await this.loadView(this.dataSource.manager, taskId),
      decision: await this.loadDecision(decisionId),
    };
  }

  /** One task as a queue row (no access check: callers checked it). */
  async loadView(manager: EntityManager, taskId: string): Promise<TaskView> {
    const rows = (await manager.query(`${TASK_COLUMNS} WHERE t.id = $1`, [taskId])) as TaskRowRaw[];
    if (!rows[0]) throw new NotFoundException('ReviewTask not found');
    return toTaskView(rows[0], this.clock.now());
  }

  private async loadDecision(id: string): Promise<DecisionView> {
    const rows = (await this.dataSource.query(`${DECISION_SELECT} WHERE d.id = $1`, [id])) as DecisionRaw[];
    return toDecisionView(rows[0]);
  }

  /**
   * Loads and row-locks the task for a change: 404 when it does not exist or the caller may not see it;
   * 409 with the stale-version message when `version` is given and is not the current one.
   */
  private async loadForChange(
    manager: EntityManager,
    ability: AppAbility,
    taskId: string,
    version: number | undefined,
  ): Promise<TaskLockRow & { assigneeId: string | null }> {
    const rows = UUID.test(taskId)
      ? ((await manager.query(
          `SELECT id, claim_id, reason, team, assignee_id, status, version FROM review_tasks WHERE id = $1 FOR UPDATE`,
          [taskId],
        )) as TaskLockRow[])
      : [];
    const row = rows[0];
    if (!row) throw new NotFoundException('ReviewTask not found');
    const task = { ...row, assigneeId: row.assignee_id };
    this.access.assertCan(ability, 'read', subject('ReviewTask', { ...task }));
    if (version !== undefined && version !== row.version) throw new ConflictException(STALE_TASK_MESSAGE);
    return task;
  }

  private async insertDecision(
    manager: EntityManager,
    input: {
      taskId: string;
      claimId: string;
      outcome: DecisionOutcome;
      reasonCode: string;
      note: string;
      reviewerId: string;
      agrees: boolean | null;
      overrides: string | null;
      now: Date;
    },
  ): Promise<string> {
    const rows = (await manager.query(
      `INSERT INTO decisions (task_id, claim_id, outcome, reason_code, note, reviewer_id, agrees_with_model, overrides_decision_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
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
      ],
    )) as Array<{ id: string }>;
    return rows[0].id;
  }

  /** A task the caller may see but not change this way: 403, counted in the audit trail like other denials. */
  private async forbid(context: AuditContext, action: AccessAction, message: string): Promise<never> {
    await this.audit.record(context, {
      action: 'access.denied',
      resourceType: 'ReviewTask',
      details: { reason: 'row_action', status: 403, policyAction: action },
    });
    throw new ForbiddenException(message);
  }
}

interface OpenedRaw {
  id: string;
  claim_id: string;
  reason: ReviewReason;
  priority: number;
  sla_due_at: Date;
  team: string;
  status: ReviewTaskStatus;
  assignee_id: string | null;
  version: number;
}

function toOpened(row: OpenedRaw, created: boolean): OpenedTask {
  return {
    id: row.id,
    claimId: row.claim_id,
    reason: row.reason,
    priority: row.priority,
    slaDueAt: new Date(row.sla_due_at),
    team: row.team,
    status: row.status,
    assigneeId: row.assignee_id,
    version: row.version,
    created,
  };
}

function requireUser(actor: Actor): Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user') throw new ForbiddenException('review is done by people, not intake systems');
  return actor;
}
