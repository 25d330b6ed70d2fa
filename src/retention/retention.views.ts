import { PageOf } from '../common/api-docs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LINES_OF_BUSINESS } from '../policies/policy.entity';
import {
  DATA_CLASSES,
  ERASURE_STATUSES,
  RETENTION_ACTIONS,
  RETENTION_CHANGE_KINDS,
  RETENTION_CHANGE_STATUSES,
  RETENTION_TRIGGERS,
  type DataClass,
} from './retention.entity';

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
  @ApiProperty({ format: 'uuid', description: 'shared by every version of the policy (the id of its first version)' })
  policyKey!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ format: 'date-time', description: 'in force from (inclusive)' }) effectiveFrom!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'in force until (exclusive)' })
  effectiveUntil!: string | null;
  @ApiProperty({ enum: ['superseded', 'retired'], nullable: true }) endedReason!: 'superseded' | 'retired' | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) changeId!: string | null;
}

export class RetentionChangeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RETENTION_CHANGE_KINDS, enumName: 'RetentionChangeKind' }) kind!: string;
  @ApiProperty({ format: 'uuid' }) policyKey!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) basePolicyId!: string | null;
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass', nullable: true }) dataClass!: string | null;
  @ApiProperty({ type: String, nullable: true }) lineOfBusiness!: string | null;
  @ApiProperty({ type: String, nullable: true }) jurisdiction!: string | null;
  @ApiProperty({ type: Number, nullable: true }) periodDays!: number | null;
  @ApiProperty({ enum: RETENTION_TRIGGERS, enumName: 'RetentionTrigger', nullable: true }) trigger!: string | null;
  @ApiProperty({ enum: RETENTION_ACTIONS, enumName: 'RetentionAction', nullable: true }) action!: string | null;
  @ApiProperty({ format: 'date-time', description: 'requested; once applied: when it took (takes) effect' })
  effectiveFrom!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: [String], description: 'why it shortens retention (empty: applied without approval)' })
  shortening!: string[];
  @ApiProperty({ enum: RETENTION_CHANGE_STATUSES, enumName: 'RetentionChangeStatus' }) status!: string;
  @ApiProperty({ format: 'uuid' }) proposedBy!: string;
  @ApiProperty({ format: 'date-time' }) proposedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) decidedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) decisionNote!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the version it wrote (or retired)' })
  policyId!: string | null;
}

export class ImpactItemView {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ type: String, nullable: true }) claimNumber!: string | null;
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass' }) dataClass!: DataClass;
  @ApiProperty({ enum: ['delete', 'redact'] }) action!: 'delete' | 'redact';
  @ApiProperty({ format: 'date-time', description: 'when it would be purged' }) purgeAt!: string;
  @ApiProperty({
    type: 'object',
    nullable: true,
    additionalProperties: true,
    description: 'what the rules in force do to it: {action, dueAt}; null: nothing',
  })
  before!: { action: 'delete' | 'redact'; dueAt: string } | null;
}

export class ChangeImpactView {
  @ApiProperty({ description: 'classes of claims the change purges sooner (or harder) than the rules in force' })
  total!: number;
  @ApiProperty() claims!: number;
  @ApiProperty({ type: () => [ImpactItemView], description: 'the first 200, soonest first' }) items!: ImpactItemView[];
}

export class RetentionChangeDetailView extends RetentionChangeView {
  @ApiProperty({ type: () => RetentionPolicyView, nullable: true }) base!: RetentionPolicyView | null;
  @ApiProperty({ format: 'date-time', description: 'pending: when it would take effect if approved now' })
  effectiveIfApprovedNow!: string;
  @ApiProperty() noticeDays!: number;
  @ApiProperty({ type: () => ChangeImpactView, description: 'pending: the dry run against current data' })
  impact!: ChangeImpactView;
}

export class LegalHoldView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ type: String, nullable: true, description: "the claim number (the claim's externalReference)" })
  claimNumber!: string | null;
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
  @ApiProperty({
    enum: ['completed', 'partially_completed', 'nothing_found', 'received'],
    description: '`received`: registered only (execute: false), nothing erased yet',
  })
  status!: 'completed' | 'partially_completed' | 'nothing_found' | 'received';
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: () => [ErasureClaimOutcome] }) claims!: ErasureClaimOutcome[];
}

export class ErasureClaimRef {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty() claimNumber!: string;
}

export class ErasureRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() claimantRef!: string;
  @ApiProperty({ enum: ERASURE_STATUSES, enumName: 'ErasureStatus' }) status!: string;
  @ApiProperty({ format: 'date-time', description: 'when the data subject asked' }) receivedAt!: string;
  @ApiProperty({ format: 'date-time', description: 'receivedAt + ERASURE_DUE_DAYS' }) dueAt!: string;
  @ApiProperty({ description: 'still to be answered (received, in_progress, pending)' }) open!: boolean;
  @ApiProperty({ description: 'open and past its due date' }) overdue!: boolean;
  @ApiProperty({ type: String, nullable: true }) rejectionReason!: string | null;
  @ApiProperty({ type: () => [ErasureClaimRef], description: 'claims still on file under this claimant reference' })
  claims!: ErasureClaimRef[];
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) outcome!: Record<string, unknown>;
}
