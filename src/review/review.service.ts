import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Injectable,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { subject } from '@casl/ability';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import type { AccessAction } from '../common/access.decorators';
import type { AppAbility } from '../common/access.decorators';
import { AccessService } from '../auth/access.service';
import { UsersRepository } from '../auth/users.repository';
import { ClaimsRepository } from '../claims/claims.repository';
import { InformationRequestsService } from '../claims/information-requests.service';
import type { Actor } from '../common/actor';
import { Clock } from '../common/clock';
import type { Tx } from '../database/transaction-runner';
import { TransactionRunner } from '../database/transaction-runner';
import type { AssignTaskDto, BulkReassignDto, DecideTaskDto, OverrideDecisionDto } from './review.dto';
import { agreesWithModel, isReasonCodeFor } from './review-policy';
import { acknowledgementProblem, evidenceState, unseenEvidenceMessage, type OpenFlag } from './evidence-policy';
import { PhotoViewsRepository } from './photo-views.repository';
import { PhotosRepository } from '../claims/photos.repository';
import { toTaskView, type TaskView } from './review-rows';
import {
  ReviewTasksRepository,
  type DecisionRow,
  type OpenedTaskRow,
  type StoredAcknowledgement,
  type TaskLockRow,
} from './review-tasks.repository';
import type { ReviewReason, ReviewTaskStatus, TaskFollowUp } from './review-task.entity';
import { BulkReassignResult, DecisionView, DecisionResult } from './review.views';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function toDecisionView(row: DecisionRow): DecisionView {
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
    acknowledgements: row.acknowledgements ?? [],
  };
}

/**
 * The review workflow's state changes: opening a task (called by validation inside its transaction),
 * claiming the next task, assigning, deciding, overriding. Every change is one audited transaction;
 * concurrent changes to a task are settled by its `version` (optimistic lock, 409 for the loser) or,
 * for "next", by `FOR UPDATE SKIP LOCKED` so concurrent adjusters get different tasks.
 */
@Injectable()
export class ReviewService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly tasks: ReviewTasksRepository,
    private readonly claims: ClaimsRepository,
    private readonly users: UsersRepository,
    private readonly webhooks: WebhookOutbox,
    private readonly informationRequests: InformationRequestsService,
    private readonly photoViews: PhotoViewsRepository,
    private readonly photos: PhotosRepository,
  ) {}

  /**
   * Opens the claim's review task inside the caller's audited transaction. Idempotent: when the claim
   * already has an undecided task (the unique partial index `review_tasks_one_open_per_claim`), that
   * task is returned unchanged and nothing is recorded — a retried validation job opens no second task.
   */
  async openTask(tx: AuditedTransaction, input: OpenTaskInput): Promise<OpenedTask> {
    const now = this.clock.now();
    const inserted = await this.tasks.insertOpenTask(tx.manager, {
      claimId: input.claimId,
      reason: input.reason,
      priority: Math.round(input.priority),
      slaDueAt: input.slaDueAt,
      team: input.team,
      now,
    });
    if (inserted) {
      tx.record({
        action: 'review.task_opened',
        resourceType: 'ReviewTask',
        resourceId: inserted.id,
        details: {
          claimId: input.claimId,
          reason: input.reason,
          priority: Math.round(input.priority),
          slaDueAt: input.slaDueAt,
          team: input.team,
        },
      });
      return { ...toOpened(inserted), created: true };
    }
    const existing = await this.tasks.findUndecidedOfClaim(tx.manager, input.claimId);
    if (!existing) throw new ConflictException(`could not open a review task for claim ${input.claimId}; retry`);
    return { ...toOpened(existing), created: false };
  }

  /**
   * Claims the highest-priority unassigned task the caller may assign to itself (adjuster: `open` tasks
   * of its team; supervisor: also `escalated` ones, those first). `FOR UPDATE SKIP LOCKED` makes
   * concurrent callers take different rows instead of queueing on the same one. Null when none waits.
   */
  async claimNext(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    onlyEscalated = false,
  ): Promise<TaskView | null> {
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
      const row = await this.tasks.claimNext(tx.manager, user.id, now, where, onlyEscalated);
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
    return claimedId ? this.loadView(this.transactions.manager, claimedId) : null;
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
      if (task.status === 'awaiting_info') throw new ConflictException(AWAITING_INFO_MESSAGE);
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
      const assignee = await this.users.findActiveMember(assigneeId, tx.manager);
      if (!assignee || assignee.team !== task.team || !['adjuster', 'supervisor'].includes(assignee.role)) {
        throw new UnprocessableEntityException(
          `the assignee must be an active adjuster or supervisor of team ${task.team}`,
        );
      }
      const version = await this.tasks.assign(tx.manager, task.id, input.version, assigneeId, this.clock.now());
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
    return this.loadView(this.transactions.manager, taskId);
  }

  /**
   * Bulk reassignment by a supervisor: every listed task goes to `assigneeId` in ONE audited transaction, with
   * one `review.task_reassigned` (or `review.task_assigned`) event per task (`via: bulk`), or nothing changes:
   * a task the caller may not see is 404, a stale version, a decided or waiting task is 409 naming the task, an
   * assignee outside the task's team is 422. Tasks already assigned to that person are left alone (`unchanged`).
   * Rows are locked in id order, so two concurrent bulk moves cannot deadlock.
   */
  async reassignMany(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    input: BulkReassignDto,
  ): Promise<BulkReassignResult> {
    requireUser(actor);
    const ids = input.tasks.map((task) => task.id);
    if (new Set(ids).size !== ids.length) throw new BadRequestException('tasks must not list a task twice');
    const ordered = [...input.tasks].sort((a, b) => a.id.localeCompare(b.id));
    const changed: string[] = [];
    const unchanged: string[] = [];
    await this.audit.run(context, async (tx) => {
      const assignee = await this.users.findActiveMember(input.assigneeId, tx.manager);
      const now = this.clock.now();
      for (const item of ordered) {
        const task = await this.loadForChange(tx.manager, ability, item.id, undefined);
        if (item.version !== task.version)
          throw new ConflictException(`task ${item.id}: ${STALE_TASK_MESSAGE} Nothing was reassigned.`);
        if (task.status === 'decided' || task.status === 'awaiting_info')
          throw new ConflictException(
            `task ${item.id} is ${task.status === 'decided' ? 'already decided' : 'waiting for information'}; nothing was reassigned`,
          );
        if (!ability.can('assign', subject('ReviewTask', { ...task })))
          await this.forbid(context, 'assign', `you may not assign task ${item.id}`);
        if (!assignee || assignee.team !== task.team || !['adjuster', 'supervisor'].includes(assignee.role))
          throw new UnprocessableEntityException(
            `the assignee must be an active adjuster or supervisor of team ${task.team}; nothing was reassigned`,
          );
        if (task.assignee_id === input.assigneeId) {
          unchanged.push(task.id);
          continue;
        }
        const version = await this.tasks.assign(tx.manager, task.id, item.version, input.assigneeId, now);
        if (version === undefined) throw new ConflictException(`task ${item.id}: ${STALE_TASK_MESSAGE}`);
        tx.record({
          action: task.assignee_id ? 'review.task_reassigned' : 'review.task_assigned',
          resourceType: 'ReviewTask',
          resourceId: task.id,
          details: {
            claimId: task.claim_id,
            assigneeId: input.assigneeId,
            previousAssigneeId: task.assignee_id,
            fromStatus: task.status,
            via: 'bulk',
            version,
          },
        });
        changed.push(task.id);
      }
    });
    const assigned: TaskView[] = [];
    for (const id of changed) assigned.push(await this.loadView(this.transactions.manager, id));
    return { assigned, unchanged };
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
    return this.recordDecision(context, actor, ability, taskId, input, async (tx, task, user) => {
      if (task.status === 'decided')
        throw new ConflictException('the task is already decided; a supervisor may override the decision');
      if (task.status === 'awaiting_info' && (input.outcome === 'request_info' || input.outcome === 'escalate'))
        throw new ConflictException(
          `${AWAITING_INFO_MESSAGE}; until then it can only be decided (approve or deny) without the answer`,
        );
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
      const requestInfo = input.outcome === 'request_info';
      // Claim first checked, task row already locked: the claim's row lock follows the task's, as for every decision.
      const claimStatus = escalate ? undefined : await this.claims.lockStatus(tx.manager, task.claim_id);
      if (task.status === 'awaiting_info' && claimStatus !== 'information_requested')
        throw new ConflictException(
          `the claimant answered and claim ${task.claim_id} is being scored again (status ${claimStatus}); the task comes back once it is scored`,
        );
      if (requestInfo && !['consistent', 'inconsistent', 'needs_review'].includes(claimStatus ?? ''))
        throw new ConflictException(
          `claim ${task.claim_id} is ${claimStatus}; information can be requested only of a scored claim`,
        );
      const evidence = await this.assertEvidenceSeen(tx, task.claim_id, user.id, input);
      const version = escalate
        ? await this.tasks.escalate(tx.manager, task.id, input.version, now)
        : requestInfo
          ? await this.tasks.awaitInformation(tx.manager, task.id, input.version, user.id, now)
          : await this.tasks.markDecided(tx.manager, task.id, input.version, user.id, now);
      if (version === undefined) throw new ConflictException(STALE_TASK_MESSAGE);
      const { decision, agrees } = await this.insertDecision(tx, task, input, user.id, null, now, evidence.stored);
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
          ...evidence.details,
          agreesWithModel: agrees,
          reviewReason: task.reason,
          previousAssigneeId: task.assignee_id,
          version,
        },
      });
      if (requestInfo) {
        const request = await this.informationRequests.createRequest(tx, {
          claimId: task.claim_id,
          claimStatus: claimStatus!,
          taskId: task.id,
          decisionId: decision,
          reasonCode: input.reasonCode,
          message: input.message!,
          dueAt: input.dueAt,
          requestedBy: user.id,
        });
        await this.emitInformationRequested(tx, request);
      } else if (!escalate) {
        // Decided without the answer to an information request: the request is withdrawn.
        if (claimStatus === 'information_requested')
          await this.informationRequests.withdrawOpenRequest(tx, task.claim_id);
        if (claimStatus) await this.claims.transitionStatus(tx.manager, task.claim_id, claimStatus, 'decided', now);
        tx.record({
          action: 'claim.decided',
          resourceType: 'Claim',
          resourceId: task.claim_id,
          details: {
            from: claimStatus ?? null,
            to: 'decided',
            outcome: input.outcome,
            decisionId: decision,
            taskId: task.id,
          },
        });
        await this.webhooks.emit(tx, task.claim_id, 'claim.decided', {
          status: 'decided',
          outcome: input.outcome,
          reasonCode: input.reasonCode,
        });
      }
      return decision;
    });
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
    return this.recordDecision(context, actor, ability, taskId, input, async (tx, task, user) => {
      if (!ability.can('override', subject('Decision', { team: task.team, claimId: task.claim_id, taskId: task.id }))) {
        await this.forbid(context, 'override', "only a supervisor of the task's team may override its decision");
      }
      if (task.status !== 'decided')
        throw new ConflictException('the task is not decided yet: decide it instead of overriding');
      const effective = await this.tasks.findEffectiveDecision(tx.manager, task.id);
      if (!effective) throw new ConflictException('the task has no decision to override');
      const now = this.clock.now();
      const requestInfo = input.outcome === 'request_info';
      const claimStatus = requestInfo ? await this.claims.lockStatus(tx.manager, task.claim_id) : undefined;
      if (requestInfo && claimStatus !== 'decided')
        throw new ConflictException(
          `claim ${task.claim_id} is ${claimStatus}; an override asks for information only while the claim is decided and not closed`,
        );
      // Asking for information reopens the conversation: the task waits for the answer, with the supervisor.
      const version = requestInfo
        ? await this.tasks.awaitInformationAfterOverride(tx.manager, task.id, task.version, user.id, now)
        : await this.tasks.bumpVersion(tx.manager, task.id, task.version, now);
      if (version === undefined) throw new ConflictException(STALE_TASK_MESSAGE);
      const evidence = await this.assertEvidenceSeen(tx, task.claim_id, user.id, input);
      const { decision, agrees } = await this.insertDecision(
        tx,
        task,
        input,
        user.id,
        effective.id,
        now,
        evidence.stored,
      );
      const request = requestInfo
        ? await this.informationRequests.createRequest(tx, {
            claimId: task.claim_id,
            claimStatus: 'decided',
            taskId: task.id,
            decisionId: decision,
            reasonCode: input.reasonCode,
            message: input.message!,
            dueAt: input.dueAt,
            requestedBy: user.id,
          })
        : undefined;
      tx.record({
        action: 'review.decision_overridden',
        resourceType: 'Decision',
        resourceId: decision,
        details: {
          taskId: task.id,
          claimId: task.claim_id,
          overridesDecisionId: effective.id,
          fromOutcome: effective.outcome,
          fromReasonCode: effective.reason_code,
          outcome: input.outcome,
          reasonCode: input.reasonCode,
          noteLength: input.note.length,
          ...evidence.details,
          agreesWithModel: agrees,
          version,
        },
      });
      // The claim's outcome changed: the intake system hears the decision that now counts, or the request.
      if (request) await this.emitInformationRequested(tx, request);
      else
        await this.webhooks.emit(tx, task.claim_id, 'claim.decided', {
          status: 'decided',
          outcome: input.outcome,
          reasonCode: input.reasonCode,
        });
      return decision;
    });
  }

  /** `claim.information_requested` to the intake system: the message written for the claimant and the due date only. */
  private async emitInformationRequested(
    tx: AuditedTransaction,
    request: { claimId: string; message: string; dueAt: Date },
  ): Promise<void> {
    await this.webhooks.emit(tx, request.claimId, 'claim.information_requested', {
      status: 'information_requested',
      message: request.message,
      dueAt: new Date(request.dueAt).toISOString(),
    });
  }

  /** The claim's task that waits for the claimant's answer, row-locked for the rest of `tx`; undefined when none. */
  async waitingTaskOf(
    tx: AuditedTransaction,
    claimId: string,
  ): Promise<{ id: string; reason: ReviewReason; priority: number; team: string } | undefined> {
    const task = await this.tasks.lockAwaitingOfClaim(tx.manager, claimId);
    return task ? { id: task.id, reason: task.reason, priority: task.priority, team: task.team } : undefined;
  }

  /**
   * Brings back the claim's task that waited for information (the same task: its decisions, the request_info one
   * among them, stay one history), in the caller's audited transaction: to the adjuster who asked when they are
   * still active in the task's team (status assigned), else to the team's queue (open); marked with why it came back
   * (`information_received` after rescoring, `no_response` past the due date). Null when no task waits.
   */
  async reopenWaitingTask(
    tx: AuditedTransaction,
    input: {
      claimId: string;
      followUp: TaskFollowUp;
      reason: ReviewReason;
      priority: number;
      slaDueAt: Date;
      informationRequestId?: string;
    },
  ): Promise<{ id: string; assigneeId: string | null; version: number } | null> {
    const task = await this.tasks.lockAwaitingOfClaim(tx.manager, input.claimId);
    if (!task) return null;
    const previous = task.assignee_id ? await this.users.findActiveMember(task.assignee_id, tx.manager) : undefined;
    const assigneeId =
      previous && previous.team === task.team && ['adjuster', 'supervisor'].includes(previous.role)
        ? previous.id
        : null;
    const now = this.clock.now();
    const version = await this.tasks.reopen(tx.manager, task.id, {
      assigneeId,
      followUp: input.followUp,
      reason: input.reason,
      priority: Math.round(input.priority),
      slaDueAt: input.slaDueAt,
      now,
    });
    if (version === undefined) return null;
    tx.record({
      action: 'review.task_reopened',
      resourceType: 'ReviewTask',
      resourceId: task.id,
      details: {
        claimId: input.claimId,
        followUp: input.followUp,
        informationRequestId: input.informationRequestId,
        assigneeId,
        previousAssigneeId: task.assignee_id,
        reason: input.reason,
        priority: Math.round(input.priority),
        slaDueAt: input.slaDueAt,
        version,
      },
    });
    return { id: task.id, assigneeId, version };
  }

  /** One task as a queue row (no access check: callers checked it). */
  async loadView(tx: Tx, taskId: string): Promise<TaskView> {
    const row = await this.tasks.findTaskRow(taskId, tx);
    if (!row) throw new NotFoundException('ReviewTask not found');
    return toTaskView(row, this.clock.now());
  }

  /**
   * The frame of decide and override: a person's decision with a reason code of its outcome, made in one
   * audited transaction on the task loaded for change (`record` returns the new decision's id); answers
   * the task as it is afterwards and that decision.
   */
  private async recordDecision(
    context: AuditContext,
    actor: Actor,
    ability: AppAbility,
    taskId: string,
    input: DecideTaskDto | OverrideDecisionDto,
    record: (tx: AuditedTransaction, task: LockedTask, user: Reviewer) => Promise<string>,
  ): Promise<DecisionResult> {
    const user = requireUser(actor);
    assertReasonCode(input);
    assertInformationRequestFields(input);
    const decisionId = await this.audit.run(context, async (tx) =>
      record(tx, await this.loadForChange(tx.manager, ability, taskId, input.version), user),
    );
    return {
      task: await this.loadView(this.transactions.manager, taskId),
      decision: toDecisionView((await this.tasks.findDecision(decisionId)) as DecisionRow),
    };
  }

  /** Records the reviewer's decision on the task (`overrides`: the decision it replaces, if any). */
  private async insertDecision(
    tx: AuditedTransaction,
    task: TaskLockRow,
    input: DecideTaskDto | OverrideDecisionDto,
    reviewerId: string,
    overrides: string | null,
    now: Date,
    acknowledgements: StoredAcknowledgement[],
  ): Promise<{ decision: string; agrees: boolean | null }> {
    const agrees = agreesWithModel(task.reason, input.outcome);
    const decision = await this.tasks.insertDecision(tx.manager, {
      taskId: task.id,
      claimId: task.claim_id,
      outcome: input.outcome,
      reasonCode: input.reasonCode,
      note: input.note,
      reviewerId,
      agrees,
      overrides,
      acknowledgements,
      now,
    });
    return { decision, agrees };
  }

  /**
   * Decide on evidence (src/review/evidence-policy.ts): an approval of a claim with open flags needs each
   * flagged photo opened by the decider, or the flag acknowledged with a note — 409 naming the unseen photos
   * otherwise. Returns the acknowledgements to keep with the decision and the audit details (notes by length).
   */
  private async assertEvidenceSeen(
    tx: AuditedTransaction,
    claimId: string,
    userId: string,
    input: DecideTaskDto | OverrideDecisionDto,
  ): Promise<{ stored: StoredAcknowledgement[]; details: Record<string, unknown> }> {
    const acknowledgements = input.acknowledgements ?? [];
    if (input.outcome !== 'approve') {
      if (acknowledgements.length > 0)
        throw new BadRequestException(
          'acknowledgements belong to outcome approve only (they let an approval skip opening a flagged photo)',
        );
      return { stored: [], details: {} };
    }
    const flags: OpenFlag[] = (await this.tasks.findingsForReview(claimId, tx.manager))
      .filter((finding) => finding.flagged)
      .map((finding) => ({ checkId: finding.id, kind: finding.kind, photoId: finding.photo_id }));
    const problem = acknowledgementProblem(flags, acknowledgements);
    if (problem) throw new BadRequestException(problem);
    if (flags.length === 0) return { stored: [], details: {} };
    const photos = (await this.photos.allOfClaim(claimId, tx.manager))
      .filter((photo) => !photo.shreddedAt && photo.wrappedDataKey)
      .map((photo) => ({ id: photo.id, fileName: photo.fileName }));
    const viewed = await this.photoViews.viewedOfClaim(claimId, userId, tx.manager);
    const state = evidenceState(flags, photos, viewed, acknowledgements);
    if (!state.ready) throw new ConflictException(unseenEvidenceMessage(state, photos));
    const stored = acknowledgements.map((entry) => {
      const flag = flags.find((candidate) => candidate.checkId === entry.checkId)!;
      return { checkId: flag.checkId, kind: flag.kind, photoId: flag.photoId, note: entry.note.trim() };
    });
    return {
      stored,
      details: {
        evidence: {
          openFlags: flags.length,
          viewedPhotoIds: state.flags
            .flatMap((flag) => flag.photoIds)
            .filter((id, i, all) => viewed.includes(id) && all.indexOf(id) === i),
          acknowledgements: stored.map((entry) => ({
            checkId: entry.checkId,
            kind: entry.kind,
            photoId: entry.photoId,
            noteLength: entry.note.length,
          })),
        },
      },
    };
  }

  /**
   * Loads and row-locks the task for a change: 404 when it does not exist or the caller may not see it;
   * 409 with the stale-version message when `version` is given and is not the current one.
   */
  private async loadForChange(
    tx: Tx,
    ability: AppAbility,
    taskId: string,
    version: number | undefined,
  ): Promise<LockedTask> {
    const row = UUID.test(taskId) ? await this.tasks.lockForChange(tx, taskId) : undefined;
    if (!row) throw new NotFoundException('ReviewTask not found');
    const task = { ...row, assigneeId: row.assignee_id };
    this.access.assertCan(ability, 'read', subject('ReviewTask', { ...task }));
    if (version !== undefined && version !== row.version) throw new ConflictException(STALE_TASK_MESSAGE);
    return task;
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

function toOpened(row: OpenedTaskRow): Omit<OpenedTask, 'created'> {
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
  };
}

/** Why a task that waits for the claimant cannot be assigned, escalated or asked again. */
export const AWAITING_INFO_MESSAGE =
  "the task waits for the claimant's answer to an information request: it comes back when the claim is resubmitted or the due date passes";

/** request_info needs the claimant message; the other outcomes take neither message nor due date (400). */
function assertInformationRequestFields(input: DecideTaskDto | OverrideDecisionDto): void {
  if (input.outcome === 'request_info') {
    if (!input.message?.trim())
      throw new BadRequestException(
        'message is required with request_info: write for the claimant what they should send',
      );
  } else if (input.message !== undefined || input.dueAt !== undefined) {
    throw new BadRequestException('message and dueAt belong to outcome request_info only');
  }
}

/** 400 unless the reason code belongs to the outcome (the codes are listed at GET /v1/review/reason-codes). */
function assertReasonCode(input: DecideTaskDto | OverrideDecisionDto): void {
  if (!isReasonCodeFor(input.outcome, input.reasonCode))
    throw new BadRequestException(
      `reasonCode "${input.reasonCode}" is not a reason code for ${input.outcome} (see GET /v1/review/reason-codes)`,
    );
}

type Reviewer = Extract<Actor, { kind: 'user' }>;

/** A task row-locked for a change, with `assigneeId` as the access rules read it. */
type LockedTask = TaskLockRow & { assigneeId: string | null };

function requireUser(actor: Actor): Reviewer {
  if (actor.kind !== 'user') throw new ForbiddenException('review is done by people, not intake systems');
  return actor;
}
