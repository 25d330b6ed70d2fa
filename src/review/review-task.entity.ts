import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn, VersionColumn } from 'typeorm';
import { ClaimScopedRow, UuidRow } from '../database/rows';

export const REVIEW_REASONS = ['flagged', 'uncertain', 'qa_sample'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];
/**
 * open: waiting in its team's queue; assigned: an adjuster (or supervisor) works on it; escalated: an
 * adjuster escalated it, it waits for a supervisor (adjusters cannot claim it); awaiting_info: its reviewer
 * requested information from the claimant and it waits for the answer or the due date; decided: closed.
 */
export const REVIEW_TASK_STATUSES = ['open', 'assigned', 'escalated', 'awaiting_info', 'decided'] as const;
export type ReviewTaskStatus = (typeof REVIEW_TASK_STATUSES)[number];
/** Why a task came back after an information request: the claimant answered, or the due date passed. */
export const TASK_FOLLOW_UPS = ['information_received', 'no_response'] as const;
export type TaskFollowUp = (typeof TASK_FOLLOW_UPS)[number];
export const DECISION_OUTCOMES = ['approve', 'deny', 'request_info', 'escalate'] as const;
export type DecisionOutcome = (typeof DECISION_OUTCOMES)[number];

/** A claim waiting for an adjuster. `version` is the optimistic lock that decisions must quote. */
@Entity('review_tasks')
export class ReviewTask extends ClaimScopedRow {
  @Column({ type: 'text' }) reason!: ReviewReason;
  @Column({ type: 'integer' }) priority!: number;
  @Column({ name: 'sla_due_at', type: 'timestamptz' }) slaDueAt!: Date;
  @Index() @Column({ type: 'text' }) team!: string;
  @Column({ name: 'assignee_id', type: 'uuid', nullable: true }) assigneeId!: string | null;
  @Column({ type: 'text', default: 'open' }) status!: ReviewTaskStatus;
  /** When an adjuster last escalated it to the team's supervisors (null: never). */
  @Column({ name: 'escalated_at', type: 'timestamptz', nullable: true }) escalatedAt!: Date | null;
  /** Why it came back after an information request (null: it never waited for one). */
  @Column({ name: 'follow_up', type: 'text', nullable: true }) followUp!: TaskFollowUp | null;
  @Column({ name: 'reopened_at', type: 'timestamptz', nullable: true }) reopenedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @VersionColumn() version!: number;
}

/** An adjuster's or supervisor's decision on a task. Never edited: an override is a new decision. */
@Entity('decisions')
export class Decision extends UuidRow {
  @Index() @Column({ name: 'task_id', type: 'uuid' }) taskId!: string;
  @Index() @Column({ name: 'claim_id', type: 'uuid' }) claimId!: string;
  @Column({ type: 'text' }) outcome!: DecisionOutcome;
  @Column({ name: 'reason_code', type: 'text' }) reasonCode!: string;
  @Column({ type: 'text' }) note!: string;
  @Column({ name: 'reviewer_id', type: 'uuid' }) reviewerId!: string;
  @Column({ name: 'agrees_with_model', type: 'boolean', nullable: true }) agreesWithModel!: boolean | null;
  @Column({ name: 'overrides_decision_id', type: 'uuid', nullable: true }) overridesDecisionId!: string | null;
  /** Flags approved over without opening their photos, each with the reviewer's note. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" }) acknowledgements!: Array<{
    checkId: string;
    kind: string;
    photoId: string | null;
    note: string;
  }>;
  /** Order of making (identity column): a task's history and its effective decision follow it. */
  @Column({ type: 'bigint', insert: false, update: false }) seq!: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
