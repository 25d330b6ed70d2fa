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
}
