import type { MigrationInterface, QueryRunner } from 'typeorm';
import { chainedEventBytes } from '../src/audit/audit-leaf';
import { CompactRange, leafHash } from '../src/audit/merkle/rfc6962';

const REFUSE = `RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'`;

/**
 * Append-only, except that the sequencer sets log_index once: NULL → a value, nothing else. (Dropped
 * again by 1769000000000-audit-log-entries, whose revert puts it back.)
 */
export const AUDIT_EVENTS_GUARD = [
  `CREATE FUNCTION audit_events_guard() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND OLD.log_index IS NULL AND NEW.log_index IS NOT NULL
        AND (to_jsonb(NEW) - 'log_index') = (to_jsonb(OLD) - 'log_index') THEN
       RETURN NEW;
     END IF;
     ${REFUSE};
   END $$`,
  `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_guard()`,
];

/**
 * The audit trail becomes a Merkle log (RFC 9162): business transactions insert events with their
 * leaf hash and no lock; the sequencer later gives each event its log index (once: the guard
 * trigger allows only log_index NULL → value, nothing else) and appends it to the tree, whose
 * complete-subtree hashes live in audit_tree_nodes; signed tree heads (C2SP checkpoints) in
 * audit_tree_heads; the sequencer lease in audit_sequencer_lease.
 *
 * The former chain's events become the log's first leaves in seq order: event seq s gets log index
 * s − 1 and leaf SHA-256(0x00 ‖ the v1 canonical bytes its chain hash covers).
 */
export class AuditMerkleLog1768700000000 implements MigrationInterface {
  name = 'AuditMerkleLog1768700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `DROP TRIGGER audit_events_no_update ON audit_events`,
      `CREATE SEQUENCE audit_events_seq_seq OWNED BY audit_events.seq`,
      `SELECT setval('audit_events_seq_seq', COALESCE((SELECT max(seq) FROM audit_events), 0) + 1, false)`,
      `ALTER TABLE audit_events
         ALTER COLUMN seq SET DEFAULT nextval('audit_events_seq_seq'),
         ALTER COLUMN prev_hash DROP NOT NULL,
         ALTER COLUMN hash DROP NOT NULL,
         ADD COLUMN leaf_hash bytea,
         ADD COLUMN log_index bigint,
         ADD COLUMN tx_id xid8 NOT NULL DEFAULT '0'`,
      // New rows carry the inserting transaction's id (the sequencer only takes rows of transactions
      // older than every transaction still running); the former chain's rows carry 0.
      `ALTER TABLE audit_events ALTER COLUMN tx_id SET DEFAULT pg_current_xact_id()`,
      `CREATE TABLE audit_tree_nodes (
        level smallint NOT NULL CHECK (level BETWEEN 0 AND 62),
        idx bigint NOT NULL CHECK (idx >= 0),
        hash bytea NOT NULL CHECK (length(hash) = 32),
        PRIMARY KEY (level, idx))`,
      `CREATE TABLE audit_tree_heads (
        id bigserial PRIMARY KEY,
        tree_size bigint NOT NULL CHECK (tree_size >= 0),
        root_hash bytea NOT NULL CHECK (length(root_hash) = 32),
        signed_at timestamptz NOT NULL,
        key_name text NOT NULL,
        key_id text NOT NULL,
        note text NOT NULL)`,
      `CREATE INDEX audit_tree_heads_size_idx ON audit_tree_heads (tree_size)`,
      `CREATE TABLE audit_sequencer_lease (
        id smallint PRIMARY KEY CHECK (id = 1),
        holder text,
        expires_at timestamptz NOT NULL)`,
      `INSERT INTO audit_sequencer_lease (id, holder, expires_at) VALUES (1, NULL, '-infinity')`,
      `CREATE TRIGGER audit_tree_nodes_no_update BEFORE UPDATE OR DELETE ON audit_tree_nodes FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER audit_tree_nodes_no_truncate BEFORE TRUNCATE ON audit_tree_nodes FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER audit_tree_heads_no_update BEFORE UPDATE OR DELETE ON audit_tree_heads FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER audit_tree_heads_no_truncate BEFORE TRUNCATE ON audit_tree_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    ])
      await queryRunner.query(sql);

    await backfillFormerChain(queryRunner);

    for (const sql of [
      `ALTER TABLE audit_events ALTER COLUMN leaf_hash SET NOT NULL,
         ADD CONSTRAINT audit_events_leaf_hash_len CHECK (length(leaf_hash) = 32)`,
      // Index only the rows that have a value: new events have no chain hash, unsequenced ones no index.
      `ALTER TABLE audit_events DROP CONSTRAINT audit_events_hash_key`,
      `CREATE UNIQUE INDEX audit_events_hash_idx ON audit_events (hash) WHERE hash IS NOT NULL`,
      `CREATE UNIQUE INDEX audit_events_log_index_idx ON audit_events (log_index) WHERE log_index IS NOT NULL`,
      // The sequencer's queue: only rows still without an index, in insertion order.
      `CREATE INDEX audit_events_unsequenced_idx ON audit_events (seq) WHERE log_index IS NULL`,
      // Append-only, except that the sequencer sets log_index once: NULL → a value, nothing else.
      ...AUDIT_EVENTS_GUARD,
    ])
      await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ count }] = (await queryRunner.query(
      `SELECT count(*)::int AS count FROM audit_events WHERE prev_hash IS NULL`,
    )) as Array<{ count: number }>;
    if (count > 0)
      throw new Error(
        `cannot revert the audit Merkle log: ${count} events were written without a hash chain (they would be lost)`,
      );
    for (const sql of [
      `DROP TRIGGER audit_events_append_only ON audit_events`,
      `DROP FUNCTION audit_events_guard()`,
      `DROP TABLE audit_sequencer_lease`,
      `DROP TABLE audit_tree_heads`,
      `DROP TABLE audit_tree_nodes`,
      `DROP INDEX audit_events_unsequenced_idx`,
      `DROP INDEX audit_events_log_index_idx`,
      `DROP INDEX audit_events_hash_idx`,
      `ALTER TABLE audit_events ADD CONSTRAINT audit_events_hash_key UNIQUE (hash)`,
      `ALTER TABLE audit_events DROP CONSTRAINT audit_events_leaf_hash_len,
         DROP COLUMN tx_id, DROP COLUMN log_index, DROP COLUMN leaf_hash,
         ALTER COLUMN seq DROP DEFAULT,
         ALTER COLUMN prev_hash SET NOT NULL,
         ALTER COLUMN hash SET NOT NULL`,
      `DROP SEQUENCE audit_events_seq_seq`,
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
    ])
      await queryRunner.query(sql);
  }
}

interface ChainRow {
  seq: string;
  occurred_at: Date;
  actor_type: string;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  request_id: string | null;
  source_ip: string | null;
  justification: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
}

/** Leaf hashes, log indexes (seq − 1) and tree nodes for the former chain, a page at a time. */
async function backfillFormerChain(queryRunner: QueryRunner): Promise<void> {
  const range = new CompactRange();
  let after = 0;
  for (;;) {
    const rows = (await queryRunner.query(
      `SELECT seq, occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id, source_ip,
              justification, details, prev_hash
         FROM audit_events WHERE seq > $1 ORDER BY seq LIMIT 1000`,
      [after],
    )) as ChainRow[];
    if (rows.length === 0) return;
    const seqs: number[] = [];
    const leaves: string[] = [];
    const levels: number[] = [];
    const indexes: number[] = [];
    const hashes: string[] = [];
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== range.size + 1)
        throw new Error(`audit chain has a gap before seq ${seq}: verify it (audit:verify) before migrating`);
      const leaf = leafHash(
        chainedEventBytes({
          seq,
          occurredAt: new Date(row.occurred_at),
          actorType: row.actor_type,
          actorId: row.actor_id,
          action: row.action,
          resourceType: row.resource_type,
          resourceId: row.resource_id,
          requestId: row.request_id,
          sourceIp: row.source_ip,
          justification: row.justification,
          details: row.details,
          prevHash: row.prev_hash,
        }),
      );
      seqs.push(seq);
      leaves.push(`\\x${leaf.toString('hex')}`);
      for (const node of range.append(leaf)) {
        levels.push(node.level);
        indexes.push(node.index);
        hashes.push(`\\x${node.hash.toString('hex')}`);
      }
    }
    await queryRunner.query(
      `UPDATE audit_events e SET leaf_hash = v.leaf, log_index = v.seq - 1
         FROM (SELECT unnest($1::bigint[]) AS seq, unnest($2::bytea[]) AS leaf) v WHERE e.seq = v.seq`,
      [seqs, leaves],
    );
    await queryRunner.query(
      `INSERT INTO audit_tree_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
      [levels, indexes, hashes],
    );
    after = seqs[seqs.length - 1];
  }
}
