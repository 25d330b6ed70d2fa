import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The compliance console (src/retention/README.md, src/audit/README.md):
 * - retention policies become versioned: every version of a policy shares `policy_key`; a version is in
 *   force from `effective_from` until `effective_until` (superseded by the next version, or retired);
 *   changes that shorten retention wait in `retention_policy_changes` for a second officer's approval;
 * - erasure requests get when they were received, a due date and a rejection reason;
 * - the audit log gets a full-text index over the strings of `details`, a prefix index on `action`,
 *   and saved searches per user.
 */
export class ComplianceConsole1768930000000 implements MigrationInterface {
  name = 'ComplianceConsole1768930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `ALTER TABLE retention_policies
         ADD COLUMN policy_key uuid,
         ADD COLUMN version integer NOT NULL DEFAULT 1,
         ADD COLUMN effective_from timestamptz,
         ADD COLUMN effective_until timestamptz,
         ADD COLUMN ended_reason text CHECK (ended_reason IN ('superseded', 'retired')),
         ADD COLUMN change_id uuid`,
      `UPDATE retention_policies SET policy_key = id, effective_from = created_at`,
      `ALTER TABLE retention_policies ALTER COLUMN policy_key SET NOT NULL, ALTER COLUMN effective_from SET NOT NULL`,
      `CREATE UNIQUE INDEX retention_policies_key_version_idx ON retention_policies (policy_key, version)`,
      `CREATE TABLE retention_policy_changes (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         kind text NOT NULL CHECK (kind IN ('create', 'edit', 'retire')),
         policy_key uuid NOT NULL,
         base_policy_id uuid REFERENCES retention_policies(id),
         data_class text,
         line_of_business text,
         jurisdiction text,
         period_days integer,
         trigger text,
         action text,
         effective_from timestamptz NOT NULL,
         reason text,
         shortening jsonb NOT NULL DEFAULT '[]'::jsonb,
         status text NOT NULL CHECK (status IN ('pending', 'applied', 'rejected')),
         proposed_by uuid NOT NULL,
         proposed_at timestamptz NOT NULL,
         decided_by uuid,
         decided_at timestamptz,
         decision_note text,
         policy_id uuid REFERENCES retention_policies(id))`,
      `CREATE INDEX retention_policy_changes_pending_idx ON retention_policy_changes (proposed_at) WHERE status = 'pending'`,
      `ALTER TABLE erasure_requests
         ADD COLUMN received_at timestamptz,
         ADD COLUMN due_at timestamptz,
         ADD COLUMN rejection_reason text`,
      `UPDATE erasure_requests SET received_at = requested_at, due_at = requested_at + interval '30 days'`,
      `ALTER TABLE erasure_requests ALTER COLUMN received_at SET NOT NULL, ALTER COLUMN due_at SET NOT NULL`,
      `CREATE INDEX erasure_requests_open_due_idx ON erasure_requests (due_at)
         WHERE status IN ('received', 'in_progress', 'pending')`,
      // Free text over the strings and numbers of details ("jsonb text search"), and action prefixes (`review.`).
      `CREATE INDEX audit_events_details_fts_idx ON audit_events
         USING gin (jsonb_to_tsvector('simple'::regconfig, details, '["string", "numeric"]'::jsonb))`,
      `CREATE INDEX audit_events_action_prefix_idx ON audit_events (action text_pattern_ops)`,
      `CREATE TABLE audit_saved_searches (
         id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
         user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         name text NOT NULL,
         filters jsonb NOT NULL,
         created_at timestamptz NOT NULL DEFAULT now(),
         UNIQUE (user_id, name))`,
    ])
      await queryRunner.query(sql);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of [
      `DROP TABLE audit_saved_searches`,
      `DROP INDEX audit_events_action_prefix_idx`,
      `DROP INDEX audit_events_details_fts_idx`,
      `DROP INDEX erasure_requests_open_due_idx`,
      `ALTER TABLE erasure_requests DROP COLUMN received_at, DROP COLUMN due_at, DROP COLUMN rejection_reason`,
      `DROP TABLE retention_policy_changes`,
      `DROP INDEX retention_policies_key_version_idx`,
      `ALTER TABLE retention_policies DROP COLUMN policy_key, DROP COLUMN version, DROP COLUMN effective_from,
         DROP COLUMN effective_until, DROP COLUMN ended_reason, DROP COLUMN change_id`,
    ])
      await queryRunner.query(sql);
  }
}
