import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Witness cosignatures (C2SP tlog-cosignature) of the log's signed tree heads: one row per
 * (witness key, tree head), append-only like the rest of the audit trail. The line is kept
 * verbatim so the cosigned note can be served and re-verified. No foreign key to audit_tree_heads:
 * that table stays append-only and TRUNCATE-guarded on its own.
 */
export class AuditCosignatures1768710000000 implements MigrationInterface {
  name = 'AuditCosignatures1768710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `CREATE TABLE audit_cosignatures (
        id bigserial PRIMARY KEY,
        tree_head_id bigint NOT NULL,
        tree_size bigint NOT NULL CHECK (tree_size >= 0),
        witness_name text NOT NULL,
        key_id text NOT NULL CHECK (key_id ~ '^[0-9a-f]{8}$'),
        cosigned_at timestamptz NOT NULL,
        line text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (tree_head_id, witness_name, key_id))`,
      `CREATE INDEX audit_cosignatures_size ON audit_cosignatures (tree_size DESC, id DESC)`,
      `CREATE TRIGGER audit_cosignatures_no_update BEFORE UPDATE OR DELETE ON audit_cosignatures FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`,
      `CREATE TRIGGER audit_cosignatures_no_truncate BEFORE TRUNCATE ON audit_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`,
    ])
      await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_cosignatures`);
  }
}
