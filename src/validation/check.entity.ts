import { Column, CreateDateColumn, Entity, Index, UpdateDateColumn } from 'typeorm';
import { ClaimScopedRow, UuidRow } from '../database/rows';
import type { LineOfBusiness } from '../policies/policy.entity';

export const CHECK_KINDS = [
  'peril_mismatch',
  'exclusion_evident',
  'object_mismatch',
  'no_visible_damage',
  'duplicate_photo',
  'exif_anomaly',
  'unusable_image',
] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];
export const SEVERITIES = ['info', 'low', 'medium', 'high'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** One check's result on a claim (or one of its photos); `flagged` checks are the claim's flags. */
@Entity('checks')
export class Check extends ClaimScopedRow {
  @Column({ name: 'scoring_run_id', type: 'uuid' }) scoringRunId!: string;
  @Column({ name: 'photo_id', type: 'uuid', nullable: true }) photoId!: string | null;
  @Column({ type: 'text' }) kind!: CheckKind;
  @Column({ type: 'real' }) score!: number;
  @Column({ type: 'real' }) confidence!: number;
  @Column({ type: 'boolean' }) flagged!: boolean;
  @Column({ type: 'boolean', default: false }) uncertain!: boolean;
  @Column({ type: 'text' }) severity!: Severity;
  @Column({ type: 'text' }) reason!: string;
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) evidence!: Record<string, unknown>;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

/** Decision thresholds per check and line of business, editable by admins (audited). */
@Entity('check_thresholds')
@Index(['lineOfBusiness', 'kind'], { unique: true })
export class CheckThreshold extends UuidRow {
  @Column({ name: 'line_of_business', type: 'text' }) lineOfBusiness!: LineOfBusiness;
  @Column({ type: 'text' }) kind!: CheckKind;
  @Column({ name: 'flag_at', type: 'real' }) flagAt!: number;
  @Column({ name: 'uncertain_from', type: 'real' }) uncertainFrom!: number;
  @Column({ name: 'updated_by', type: 'text', nullable: true }) updatedBy!: string | null;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}
