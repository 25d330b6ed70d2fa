import type { MigrationInterface, QueryRunner } from 'typeorm';
import { AUDIT_EVENTS_GUARD } from './1768700000000-audit-merkle-log';

/**
 * The log index moves out of audit_events into its own append-only table, audit_log_entries
 * (log_index → seq), so audit_events is never updated at all.
 *
 * Why: setting audit_events.log_index was an UPDATE of an indexed column, so every sequenced event
 * wrote a second version of its row and a new entry in each of the table's nine indexes (the
 * full-text GIN index on details among them) and left a dead row behind for vacuum. On the 2-core
 * machine that cost the log about a quarter of its append throughput with 16 writers (see
 * docs/benchmarks.md). An INSERT of a 16-byte row into a narrow table costs a fraction of that.
 *
 * The sequencer's queue is no longer "log_index IS NULL" (a partial index every writer paid for)
 * but a watermark kept in the lease row: every event whose inserting transaction id is below
 * `sequenced_below_tx` has an entry. A batch reads events from the watermark up to the snapshot's
 * xmin that have no entry yet, in (tx_id, seq) order, through an index on (tx_id, seq).
 *
 * The view audit_log (each event with its log index, NULL while unsequenced) is what readers query.
 * Log indexes, leaves, tree nodes and signed heads are unchanged: exports and proofs made before
 * still verify.
 */
export class AuditLogEntries1769000000000 implements MigrationInterface {
  name = 'AuditLogEntries1769000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `CREATE TABLE audit_log_entries (
        log_index bigint PRIMARY KEY CHECK (log_index >= 0),
        seq bigint NOT NULL UNIQUE)`,
      `INSERT INTO audit_log_entries (log_index, seq) SELECT log_index, seq FROM audit_events WHERE log_index IS NOT NULL`,
      `ALTER TABLE audit_sequencer_lease ADD COLUMN sequenced_below_tx xid8 NOT NULL DEFAULT '0'`,
      // Every event of a transaction older than the lowest one still unsequenced (or, with none,
      // than every transaction running now) has its entry.
      `UPDATE audit_sequencer_lease SET sequenced_below_tx = COALESCE(
         (SELECT min(tx_id) FROM audit_events WHERE log_index IS NULL),
         pg_snapshot_xmin(pg_current_snapshot()))`,
      `DROP TRIGGER audit_events_append_only ON audit_events`,
      `DROP FUNCTION audit_events_guard()`,
      `DROP INDEX audit_events_unsequenced_idx`,
      `DROP INDEX audit_events_log_index_idx`,
      `ALTER TABLE audit_events DROP COLUMN log_index`,
      `CREATE INDEX audit_events_tx_idx ON audit_events (tx_id, seq)`,
      `CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER audit_log_entries_no_update BEFORE UPDATE OR DELETE ON audit_log_entries FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER audit_log_entries_no_truncate BEFORE TRUNCATE ON audit_log_entries FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE VIEW audit_log AS
         SELECT e.seq, l.log_index, e.occurred_at, e.actor_type, e.actor_id, e.action, e.resource_type, e.resource_id,
                e.request_id, e.source_ip, e.justification, e.details, e.prev_hash, e.hash, e.leaf_hash, e.tx_id
           FROM audit_events e LEFT JOIN audit_log_entries l ON l.seq = e.seq`,
    ])
      await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `DROP VIEW audit_log`,
      `DROP TRIGGER audit_events_no_update ON audit_events`,
      `DROP INDEX audit_events_tx_idx`,
      `ALTER TABLE audit_events ADD COLUMN log_index bigint`,
      `UPDATE audit_events e SET log_index = l.log_index FROM audit_log_entries l WHERE l.seq = e.seq`,
      `CREATE UNIQUE INDEX audit_events_log_index_idx ON audit_events (log_index) WHERE log_index IS NOT NULL`,
      `CREATE INDEX audit_events_unsequenced_idx ON audit_events (seq) WHERE log_index IS NULL`,
      ...AUDIT_EVENTS_GUARD,
      `ALTER TABLE audit_sequencer_lease DROP COLUMN sequenced_below_tx`,
      `DROP TABLE audit_log_entries`,
    ])
      await queryRunner.query(sql);
  }
}
