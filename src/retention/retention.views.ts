import { PageOf } from '../common/api-docs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LINES_OF_BUSINESS } from '../policies/policy.entity';
import { DATA_CLASSES, RETENTION_ACTIONS, RETENTION_TRIGGERS, type DataClass } from './retention.entity';

export class RetentionPolicyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass' }) dataClass!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness', nullable: true, description: 'null: every line' })
  lineOfBusiness!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: every jurisdiction' }) jurisdiction!: string | null;
  @ApiProperty() periodDays!: number;
  @ApiProperty({ enum: RETENTION_TRIGGERS, enumName: 'RetentionTrigger' }) trigger!: string;
  @ApiProperty({ enum: RETENTION_ACTIONS, enumName: 'RetentionAction' }) action!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LegalHoldView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) placedBy!: string;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) releasedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) releasedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) releaseReason!: string | null;
}

export class ReceiptView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass' }) dataClass!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) policyId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) erasureRequestId!: string | null;
  @ApiProperty({ format: 'date-time' }) purgedAt!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

export class ReceiptPage extends PageOf(ReceiptView) {}

/** One class of one claim a purge run deletes or redacts. */
export class PurgeItem {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass' }) dataClass!: DataClass;
  @ApiProperty({ enum: ['delete', 'redact'] }) action!: 'delete' | 'redact';
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) policyId!: string | null;
  @ApiProperty({ format: 'date-time' }) dueAt!: string;
}

export class UpcomingPurgeItem extends PurgeItem {
  @ApiProperty() legalHold!: boolean;
}

export class UpcomingPurges {
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ format: 'date-time' }) until!: string;
  @ApiProperty({ type: () => [UpcomingPurgeItem], description: 'already due items included' })
  items!: UpcomingPurgeItem[];
}

export class SkippedPurge {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ enum: ['legal_hold', 'claim_gone'] }) reason!: 'legal_hold' | 'claim_gone';
}

export class RunResult {
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  /** Exactly what this run purges (or, for a dry run, would purge). */
  @ApiProperty({ type: () => [PurgeItem], description: 'what this run purges (a dry run: would purge)' })
  items!: PurgeItem[];
  /** Real runs: claims skipped because a hold arrived while the run went on. */
  @ApiProperty({ type: () => [SkippedPurge], description: 'real runs: claims skipped because a hold arrived' })
  skipped!: SkippedPurge[];
  /** A real run that found another one in progress did nothing. */
  @ApiProperty({ enum: ['completed', 'dry_run', 'already_running'] })
  status!: 'completed' | 'dry_run' | 'already_running';
}

export class RetainedClass {
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass' }) dataClass!: DataClass;
  @ApiProperty({ enum: ['legal_hold', 'retention_duty'] }) reason!: 'legal_hold' | 'retention_duty';
  @ApiPropertyOptional({ format: 'uuid' }) holdId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) policyId?: string;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'null: not yet known' })
  until?: string | null;
}

export class ErasureClaimOutcome {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass', isArray: true }) erased!: DataClass[];
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass', isArray: true }) alreadyPurged!: DataClass[];
  @ApiProperty({ type: () => [RetainedClass] }) retained!: RetainedClass[];
}

export class ErasureOutcome {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['completed', 'partially_completed', 'nothing_found'] })
  status!: 'completed' | 'partially_completed' | 'nothing_found';
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'date-time' }) completedAt!: string;
  @ApiProperty({ type: () => [ErasureClaimOutcome] }) claims!: ErasureClaimOutcome[];
}

export class ErasureRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() claimantRef!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) outcome!: Record<string, unknown>;
}
