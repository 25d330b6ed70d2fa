import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { bigintNumber } from '../database/columns';

export const ACTOR_TYPES = ['user', 'api_client', 'system', 'anonymous'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

/**
 * One event of the append-only audit log. `seq` is its insertion id (from a sequence: unique,
 * not gap-free, not commit-ordered). Its position in the Merkle log (log index) is a row of
 * audit_log_entries, written once by the sequencer; the row itself is never updated (the view
 * audit_log joins the two). `prevHash`/`hash` are set only on events of the former hash chain.
 */
@Entity('audit_events')
export class AuditEvent {
  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber }) seq!: number;
  @Index() @Column({ name: 'occurred_at', type: 'timestamptz' }) occurredAt!: Date;
  @Column({ name: 'actor_type', type: 'text' }) actorType!: ActorType;
  @Index() @Column({ name: 'actor_id', type: 'text', nullable: true }) actorId!: string | null;
  @Index() @Column({ type: 'text' }) action!: string;
  @Column({ name: 'resource_type', type: 'text', nullable: true }) resourceType!: string | null;
  @Index() @Column({ name: 'resource_id', type: 'text', nullable: true }) resourceId!: string | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId!: string | null;
  @Column({ name: 'source_ip', type: 'text', nullable: true }) sourceIp!: string | null;
  @Column({ type: 'text', nullable: true }) justification!: string | null;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
  @Column({ name: 'prev_hash', type: 'text', nullable: true }) prevHash!: string | null;
  @Column({ type: 'text', nullable: true }) hash!: string | null;
  @Column({ name: 'leaf_hash', type: 'bytea' }) leafHash!: Buffer;
}

/** A signed statement "the chain had this head at this sequence". */
@Entity('audit_checkpoints')
export class AuditCheckpoint {
  @PrimaryColumn({ type: 'bigint', transformer: bigintNumber }) seq!: number;
  @Column({ name: 'head_hash', type: 'text' }) headHash!: string;
  @Column({ name: 'signed_at', type: 'timestamptz' }) signedAt!: Date;
  @Column({ name: 'key_id', type: 'text' }) keyId!: string;
  @Column({ name: 'public_key', type: 'text' }) publicKey!: string;
  @Column({ type: 'text' }) signature!: string;
}
