import { Column, CreateDateColumn, Entity } from 'typeorm';
import { ClaimScopedRow, UuidRow } from '../database/rows';

export const DATA_CLASSES = [
  'original_photos',
  'derived_images',
  'embeddings_scores',
  'exif_gps',
  'claim_records',
] as const;
export type DataClass = (typeof DATA_CLASSES)[number];
export const RETENTION_TRIGGERS = ['claim_closed', 'claim_created'] as const;
export type RetentionTrigger = (typeof RETENTION_TRIGGERS)[number];
export const RETENTION_ACTIONS = ['delete', 'redact', 'keep'] as const;
export type RetentionAction = (typeof RETENTION_ACTIONS)[number];

@Entity('retention_policies')
export class RetentionPolicy extends UuidRow {
  @Column({ name: 'data_class', type: 'text' }) dataClass!: DataClass;
  @Column({ name: 'line_of_business', type: 'text', nullable: true }) lineOfBusiness!: string | null;
  @Column({ type: 'text', nullable: true }) jurisdiction!: string | null;
  @Column({ name: 'period_days', type: 'integer' }) periodDays!: number;
  @Column({ type: 'text' }) trigger!: RetentionTrigger;
  @Column({ type: 'text' }) action!: RetentionAction;
  @Column({ type: 'boolean', default: true }) active!: boolean;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy!: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  /** Every version of a policy shares it (the id of its first version). */
  @Column({ name: 'policy_key', type: 'uuid' }) policyKey!: string;
  @Column({ type: 'integer', default: 1 }) version!: number;
  @Column({ name: 'effective_from', type: 'timestamptz' }) effectiveFrom!: Date;
  @Column({ name: 'effective_until', type: 'timestamptz', nullable: true }) effectiveUntil!: Date | null;
  @Column({ name: 'ended_reason', type: 'text', nullable: true }) endedReason!: 'superseded' | 'retired' | null;
  @Column({ name: 'change_id', type: 'uuid', nullable: true }) changeId!: string | null;
}

export const RETENTION_CHANGE_KINDS = ['create', 'edit', 'retire'] as const;
export type RetentionChangeKind = (typeof RETENTION_CHANGE_KINDS)[number];
export const RETENTION_CHANGE_STATUSES = ['pending', 'applied', 'rejected'] as const;
export type RetentionChangeStatus = (typeof RETENTION_CHANGE_STATUSES)[number];

/** A proposed change of a retention policy; one that shortens retention waits for a second officer. */
@Entity('retention_policy_changes')
export class RetentionPolicyChange extends UuidRow {
  @Column({ type: 'text' }) kind!: RetentionChangeKind;
  @Column({ name: 'policy_key', type: 'uuid' }) policyKey!: string;
  @Column({ name: 'base_policy_id', type: 'uuid', nullable: true }) basePolicyId!: string | null;
  @Column({ name: 'data_class', type: 'text', nullable: true }) dataClass!: DataClass | null;
  @Column({ name: 'line_of_business', type: 'text', nullable: true }) lineOfBusiness!: string | null;
  @Column({ type: 'text', nullable: true }) jurisdiction!: string | null;
  @Column({ name: 'period_days', type: 'integer', nullable: true }) periodDays!: number | null;
  @Column({ type: 'text', nullable: true }) trigger!: RetentionTrigger | null;
  @Column({ type: 'text', nullable: true }) action!: RetentionAction | null;
  /** Requested; once applied, when the change took (or takes) effect. */
  @Column({ name: 'effective_from', type: 'timestamptz' }) effectiveFrom!: Date;
  @Column({ type: 'text', nullable: true }) reason!: string | null;
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" }) shortening!: string[];
  @Column({ type: 'text' }) status!: RetentionChangeStatus;
  @Column({ name: 'proposed_by', type: 'uuid' }) proposedBy!: string;
  @Column({ name: 'proposed_at', type: 'timestamptz' }) proposedAt!: Date;
  @Column({ name: 'decided_by', type: 'uuid', nullable: true }) decidedBy!: string | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @Column({ name: 'decision_note', type: 'text', nullable: true }) decisionNote!: string | null;
  @Column({ name: 'policy_id', type: 'uuid', nullable: true }) policyId!: string | null;
}

@Entity('legal_holds')
export class LegalHold extends ClaimScopedRow {
  @Column({ type: 'text' }) reason!: string;
  @Column({ name: 'placed_by', type: 'uuid' }) placedBy!: string;
  @Column({ name: 'placed_at', type: 'timestamptz' }) placedAt!: Date;
  @Column({ name: 'released_by', type: 'uuid', nullable: true }) releasedBy!: string | null;
  @Column({ name: 'released_at', type: 'timestamptz', nullable: true }) releasedAt!: Date | null;
  @Column({ name: 'release_reason', type: 'text', nullable: true }) releaseReason!: string | null;
}

/** Proof that a class of data of a claim was purged: what, when, under which policy; never content. */
@Entity('purge_receipts')
export class PurgeReceipt extends ClaimScopedRow {
  @Column({ name: 'data_class', type: 'text' }) dataClass!: DataClass;
  @Column({ name: 'policy_id', type: 'uuid', nullable: true }) policyId!: string | null;
  @Column({ name: 'erasure_request_id', type: 'uuid', nullable: true }) erasureRequestId!: string | null;
  @Column({ name: 'purged_at', type: 'timestamptz' }) purgedAt!: Date;
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) details!: Record<string, unknown>;
}

@Entity('erasure_requests')
export class ErasureRequest extends UuidRow {
  @Column({ name: 'claimant_ref', type: 'text' }) claimantRef!: string;
  @Column({ type: 'text', default: 'pending' }) status!: string;
  @Column({ name: 'requested_by', type: 'uuid' }) requestedBy!: string;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt!: Date;
  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true }) completedAt!: Date | null;
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) outcome!: Record<string, unknown>;
  @Column({ name: 'received_at', type: 'timestamptz' }) receivedAt!: Date;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt!: Date;
  @Column({ name: 'rejection_reason', type: 'text', nullable: true }) rejectionReason!: string | null;
}

/** Erasure request states: `received` (registered, not yet worked on), `in_progress`, then an outcome or `rejected`. */
export const ERASURE_STATUSES = [
  'received',
  'in_progress',
  'pending',
  'completed',
  'partially_completed',
  'nothing_found',
  'rejected',
] as const;
export type ErasureStatus = (typeof ERASURE_STATUSES)[number];
/** Still to be answered: these count towards the overdue list. `pending`: interrupted before this version. */
export const OPEN_ERASURE_STATUSES: readonly ErasureStatus[] = ['received', 'in_progress', 'pending'];
