import { PageOf } from '../common/api-docs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACTOR_TYPES } from './audit-event.entity';

/** An audit event as the API shows it. */
export class AuditEventView {
  @ApiProperty({ description: 'insertion id: unique, not gap-free, not commit-ordered' }) seq!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'position in the Merkle log; null until the sequencer reached the event (normally well under a second)',
  })
  logIndex!: number | null;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'ActorType' }) actorType!: string;
  @ApiProperty({ type: String, nullable: true }) actorId!: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "search results: the actor's display name (staff) or client name, resolved when shown",
  })
  actorName?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: "search results: the staff actor's email" })
  actorEmail?: string | null;
  @ApiProperty() action!: string;
  @ApiProperty({ type: String, nullable: true }) resourceType!: string | null;
  @ApiProperty({ type: String, nullable: true }) resourceId!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: String, nullable: true }) sourceIp!: string | null;
  @ApiProperty({ type: String, nullable: true }) justification!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true, description: "former hash chain only: the previous event's hash" })
  prevHash!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'former hash chain only: hex SHA-256 of the v1 bytes' })
  hash!: string | null;
  @ApiProperty({ description: 'hex SHA-256(0x00 ‖ leaf bytes): the Merkle leaf (src/audit/README.md)' })
  leafHash!: string;
}

export class AuditEventPage extends PageOf(AuditEventView) {}

/** A signed tree head: a C2SP tlog-checkpoint note signed with the audit key. */
export class TreeHeadView {
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'base64 RFC 9162 Merkle tree hash' }) rootHash!: string;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty({ description: 'signed-note key name (the log origin)' }) keyName!: string;
  @ApiProperty({ description: 'signed-note key id, 8 hex digits' }) keyId!: string;
  @ApiProperty({ description: 'the signed note: origin, size, base64 root, blank line, signature lines' })
  note!: string;
}

export class TreeHeadPage extends PageOf(TreeHeadView) {}

export class TreeHeadResultView {
  @ApiProperty({ type: () => TreeHeadView }) checkpoint!: TreeHeadView;
  @ApiProperty({ description: 'false when the tree had not changed: the latest head is returned (200)' })
  created!: boolean;
}

export class InclusionProofView {
  @ApiProperty() leafIndex!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'base64 SHA-256(0x00 ‖ leaf bytes)' }) leafHash!: string;
  @ApiProperty({ type: [String], description: 'base64 hashes, RFC 9162 §2.1.3 order' }) auditPath!: string[];
}

export class ConsistencyProofView {
  @ApiProperty() first!: number;
  @ApiProperty() second!: number;
  @ApiProperty({ type: [String], description: 'base64 hashes, RFC 9162 §2.1.4 order' }) proof!: string[];
}

export class LogProblemView {
  @ApiProperty({
    enum: [
      'missing_event',
      'leaf_mismatch',
      'reordered',
      'head_mismatch',
      'head_beyond_log',
      'bad_signature',
      'fork',
      'hash_mismatch',
      'checkpoint_mismatch',
      'rolled_back_or_forked',
      'witness_unverified',
    ],
  })
  kind!: string;
  @ApiProperty({ type: Number, nullable: true }) logIndex!: number | null;
  @ApiProperty({ type: Number, nullable: true }) seq!: number | null;
  @ApiProperty({ type: Number, nullable: true }) treeSize!: number | null;
  @ApiProperty() message!: string;
}

export class WitnessLocationView {
  @ApiProperty({ description: 'the largest witness-cosigned size the log still matches (0: none)' })
  consistentSize!: number;
  @ApiProperty({ description: 'the smallest witness-cosigned size the log no longer matches' })
  inconsistentSize!: number;
}

export class WitnessFindingView {
  @ApiProperty({ description: 'witness URL or state file' }) source!: string;
  @ApiProperty({ enum: ['consistent', 'rolled_back_or_forked', 'unverified', 'unreachable'] }) status!: string;
  @ApiProperty({ type: String, nullable: true, description: 'name+keyid of the witness whose cosignature verified' })
  witness!: string | null;
  @ApiProperty({ type: Number, nullable: true }) treeSize!: number | null;
  @ApiProperty({ type: String, nullable: true }) rootHash!: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) cosignedAt!: string | null;
  @ApiProperty({
    type: () => WitnessLocationView,
    nullable: true,
    description: 'rolled_back_or_forked: the change lies in leaves consistentSize..inconsistentSize−1',
  })
  located!: WitnessLocationView | null;
  @ApiProperty() message!: string;
}

export class WitnessSectionView {
  @ApiProperty({ description: 'witness heads compared with the database' }) checked!: number;
  @ApiProperty({ type: () => [WitnessFindingView] }) findings!: WitnessFindingView[];
}

export class AuditVerifyReportView {
  @ApiProperty() ok!: boolean;
  @ApiProperty() eventsChecked!: number;
  @ApiProperty() treeHeadsChecked!: number;
  @ApiProperty({ description: 'signed checkpoints of the former hash chain' }) legacyCheckpointsChecked!: number;
  @ApiProperty({ description: 'events not yet sequenced (their leaf hashes were checked)' }) unsequenced!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'base64 root of the rebuilt tree' }) rootHash!: string;
  @ApiPropertyOptional({ type: () => LogProblemView, description: 'the first problem, absent when ok' })
  problem?: LogProblemView;
  @ApiProperty({
    type: () => WitnessSectionView,
    description: "the database's tree compared with each witness's latest cosigned head",
  })
  witness!: WitnessSectionView;
}

export class CosignatureView {
  @ApiProperty() id!: number;
  @ApiProperty() treeSize!: number;
  @ApiProperty() witnessName!: string;
  @ApiProperty({ description: '8 hex digits (C2SP tlog-cosignature key id)' }) keyId!: string;
  @ApiProperty({ format: 'date-time', description: "the witness's timestamp" }) cosignedAt!: string;
  @ApiProperty({ description: 'the cosignature line, as served after the tree head note' }) line!: string;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
}

export class CosignaturePage extends PageOf(CosignatureView) {}

export class CosignatureResultView {
  @ApiProperty({ type: () => CosignatureView }) cosignature!: CosignatureView;
  @ApiProperty({ description: 'false when this witness key had already cosigned this head (200)' }) created!: boolean;
}

export class ClaimExportEventView {
  @ApiProperty() logIndex!: number;
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
  @ApiProperty({ type: String, nullable: true, description: 'former hash chain events only' }) prevHash!: string | null;
  @ApiProperty({ description: 'base64 of the exact leaf bytes (src/audit/README.md)' }) leaf!: string;
  @ApiProperty({ description: 'base64 SHA-256(0x00 ‖ leaf bytes)' }) leafHash!: string;
  @ApiProperty({ type: [String], description: 'base64 inclusion proof, RFC 9162 §2.1.3 order' }) auditPath!: string[];
}

export class ClaimExportTreeHeadView {
  @ApiProperty() origin!: string;
  @ApiProperty() treeSize!: number;
  @ApiProperty({ description: 'base64' }) rootHash!: string;
  @ApiProperty({ description: 'the signed note with witness cosignature lines' }) note!: string;
}

export class ClaimExportView {
  @ApiProperty({ enum: ['audit_claim_export'] }) kind!: string;
  @ApiProperty({ enum: [1] }) version!: number;
  @ApiProperty() claimId!: string;
  @ApiProperty({ format: 'date-time' }) exportedAt!: string;
  @ApiProperty({ type: () => ClaimExportTreeHeadView }) treeHead!: ClaimExportTreeHeadView;
  @ApiProperty({ type: [String], description: "the log's C2SP verifier keys at export time" }) logKeys!: string[];
  @ApiProperty({ type: [String], description: 'witness cosignature keys configured at export time' })
  witnessKeys!: string[];
  @ApiProperty({ type: () => [ClaimExportEventView] }) events!: ClaimExportEventView[];
}

export class AuditSavedSearchView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the search filters (GET /v1/audit/events)' })
  filters!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
