import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claim search and the server-side queues (issue 18):
 * - pg_trgm GIN indexes for partial matches (`ILIKE '%…%'`) on the external reference, the claimant
 *   reference and the policy number; a claim id is matched exactly (primary key).
 * - the claim list's order (newest first, id) per team and overall, so a page is an index range scan;
 * - the open-work indexes of the queue and the supervisor view: undecided tasks by team in the queue's default
 *   order and by SLA due date, flagged checks by kind (the check filter), decisions by reviewer.
 * pg_trgm ships with PostgreSQL's contrib (and PGlite's); where it is not installed the trigram indexes are
 * skipped and search still works, scanning instead.
 */
export class WorkbenchSearch1768900000000 implements MigrationInterface {
  name = 'WorkbenchSearch1768900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const available = (await queryRunner.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`,
    )) as unknown[];
    if (available.length > 0) {
      await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
      await queryRunner.query(
        `CREATE INDEX claims_external_reference_trgm ON claims USING gin (external_reference gin_trgm_ops)`,
      );
      await queryRunner.query(`CREATE INDEX claims_claimant_ref_trgm ON claims USING gin (claimant_ref gin_trgm_ops)`);
      await queryRunner.query(`CREATE INDEX policies_number_trgm ON policies USING gin (number gin_trgm_ops)`);
    }
    await queryRunner.query(`CREATE INDEX claims_created_idx ON claims (created_at DESC, id)`);
    await queryRunner.query(`CREATE INDEX claims_team_created_idx ON claims (team, created_at DESC, id)`);
    await queryRunner.query(
      `CREATE INDEX review_tasks_open_sla_idx ON review_tasks (team, sla_due_at) WHERE status IN ('open', 'assigned', 'escalated')`,
    );
    await queryRunner.query(
      `CREATE INDEX review_tasks_undecided_order_idx ON review_tasks (team, priority DESC, sla_due_at, created_at, id) WHERE status IN ('open', 'assigned', 'escalated')`,
    );
    await queryRunner.query(
      `CREATE INDEX checks_flagged_kind_idx ON checks (kind, claim_id) WHERE flagged OR uncertain`,
    );
    await queryRunner.query(`CREATE INDEX decisions_reviewer_idx ON decisions (reviewer_id, created_at)`);
    await queryRunner.query(`CREATE INDEX scoring_runs_claim_created_idx ON scoring_runs (claim_id, created_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS scoring_runs_claim_created_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS decisions_reviewer_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS checks_flagged_kind_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS review_tasks_undecided_order_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS review_tasks_open_sla_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS claims_team_created_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS claims_created_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS policies_number_trgm`);
    await queryRunner.query(`DROP INDEX IF EXISTS claims_claimant_ref_trgm`);
    await queryRunner.query(`DROP INDEX IF EXISTS claims_external_reference_trgm`);
    // The extension stays: other objects may use it, and it holds no data.
  }
}
