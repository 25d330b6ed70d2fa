import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn, VersionColumn } from 'typeorm';
import { UuidRow } from '../database/rows';
import { decimalString } from '../database/columns';

export const CLAIM_STATUSES = [
  'draft',
  'queued',
  'scoring',
  'consistent',
  'inconsistent',
  'needs_review',
  'information_requested',
  'decided',
  'closed',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

/** A claim posted by an intake system, with its lifecycle status. */
@Entity('claims')
@Index(['submitterClientId', 'idempotencyKey'], { unique: true })
export class Claim extends UuidRow {
  @Index() @Column({ name: 'policy_id', type: 'uuid' }) policyId!: string;
  @Column({ name: 'submitter_client_id', type: 'uuid' }) submitterClientId!: string;
  @Column({ name: 'external_reference', type: 'text' }) externalReference!: string;
  @Column({ name: 'claimed_peril', type: 'text' }) claimedPeril!: string;
  @Column({ type: 'text' }) description!: string;
  @Column({ name: 'incident_date', type: 'date' }) incidentDate!: string;
  @Column({ type: 'numeric', precision: 14, scale: 2, transformer: decimalString }) amount!: string;
  @Column({ type: 'text', default: 'EUR' }) currency!: string;
  @Column({ name: 'claimant_ref', type: 'text', nullable: true }) claimantRef!: string | null;
  @Column({ name: 'photo_source', type: 'text', default: 'camera' }) photoSource!: string;
  @Index() @Column({ type: 'text', default: 'draft' }) status!: ClaimStatus;
  @Column({ type: 'text' }) team!: string;
  @Column({ name: 'legal_hold', type: 'boolean', default: false }) legalHold!: boolean;
  @Column({ name: 'idempotency_key', type: 'text' }) idempotencyKey!: string;
  @Column({ name: 'request_hash', type: 'text' }) requestHash!: string;
  @Column({ name: 'submitted_at', type: 'timestamptz', nullable: true }) submittedAt!: Date | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt!: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @VersionColumn() version!: number;
}
