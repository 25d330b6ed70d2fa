import { PageOf } from '../common/api-docs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTOR_TYPES } from './audit-event.entity';

/** An audit event as the API shows it (the chain's fields and the hash). */
export class AuditEventView {
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'ActorType' }) actorType!: string;
  @ApiProperty({ type: String, nullable: true }) actorId!: string | null;
  @ApiProperty() action!: string;
  @ApiProperty({ type: String, nullable: true }) resourceType!: string | null;
  @ApiProperty({ type: String, nullable: true }) resourceId!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceIp!: string | null;
  @ApiProperty({ type: String, nullable: true }) justification!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ description: 'hash of the previous event (the chain link)' }) prevHash!: string;
  @ApiProperty({ description: 'hex SHA-256 over the canonical event, prevHash included' }) hash!: string;
}

export class AuditEventPage extends PageOf(AuditEventView) {}

/** A signed checkpoint: the chain had `headHash` as the hash of event `seq`, at `signedAt`. */
export class CheckpointView {
  @ApiProperty() seq!: number;
  @ApiProperty() headHash!: string;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'SPKI PEM of the Ed25519 public key' }) publicKey!: string;
  @ApiProperty({ description: 'base64 Ed25519 signature over canonical JSON {headHash, seq, signedAt}' })
  signature!: string;
}

export class CheckpointPage {
  @ApiProperty({ type: () => [CheckpointView] }) items!: CheckpointView[];
  @ApiProperty() page!: number;
  @ApiProperty() pageSize!: number;
}

export class CheckpointResultView {
  @ApiProperty({ type: () => CheckpointView }) checkpoint!: CheckpointView;
  @ApiProperty({ description: 'false when the head had not moved: the last checkpoint is returned (200)' })
  created!: boolean;
}

export class ChainPosition {
  @ApiProperty() seq!: number;
  @ApiProperty() hash!: string;
}

export class ChainProblemView {
  @ApiProperty({ enum: ['sequence_gap', 'broken_link', 'hash_mismatch', 'checkpoint_mismatch', 'bad_signature'] })
  kind!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() message!: string;
}

export class AuditVerifyReportView {
  @ApiProperty() ok!: boolean;
  @ApiProperty() eventsChecked!: number;
  @ApiProperty() checkpointsChecked!: number;
  @ApiProperty({ type: () => ChainPosition, description: 'where the walk started' }) from!: ChainPosition;
  @ApiProperty({ type: () => ChainPosition, description: 'the last event found good' }) head!: ChainPosition;
  @ApiPropertyOptional({ type: () => ChainProblemView, description: 'the first problem, absent when ok' })
  problem?: ChainProblemView;
}
