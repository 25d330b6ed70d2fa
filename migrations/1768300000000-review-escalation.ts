import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Review workflow (src/review/README.md): a task an adjuster escalates waits for a supervisor in
 * status `escalated` (adjusters cannot claim it), `escalated_at` keeps that it was escalated once a
 * supervisor has picked it up, an index serves "my tasks", and decisions get a sequence number that
 * orders a task's history (and finds its effective decision) independently of timestamps.
 */
export class ReviewEscalation1768300000000 implements MigrationInterface {
  name = 'ReviewEscalation1768300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE review_tasks DROP CONSTRAINT IF EXISTS review_tasks_status_check`);
    await queryRunner.query(
      `ALTER TABLE review_tasks ADD CONSTRAINT review_tasks_status_check CHECK (status IN ('open','assigned','escalated','decided'))`,
    );
    await queryRunner.query(`ALTER TABLE review_tasks ADD COLUMN escalated_at timestamptz`);
    await queryRunner.query(
      `CREATE INDEX review_tasks_assignee_idx ON review_tasks (assignee_id) WHERE status <> 'decided'`,
    );
    // Decisions in the order they were made, even when two share a timestamp (a test clock, one transaction).
    await queryRunner.query(`ALTER TABLE decisions ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY`);
    await queryRunner.query(`CREATE INDEX decisions_task_seq_idx ON decisions (task_id, seq)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS decisions_task_seq_idx`);
    await queryRunner.query(`ALTER TABLE decisions DROP COLUMN IF EXISTS seq`);
    await queryRunner.query(`DROP INDEX IF EXISTS review_tasks_assignee_idx`);
    // Escalated tasks go back to their team's queue: the older schema has no escalated state.
    await queryRunner.query(`UPDATE review_tasks SET status = 'open', assignee_id = NULL WHERE status = 'escalated'`);
    await queryRunner.query(`ALTER TABLE review_tasks DROP COLUMN IF EXISTS escalated_at`);
    await queryRunner.query(`ALTER TABLE review_tasks DROP CONSTRAINT IF EXISTS review_tasks_status_check`);
    await queryRunner.query(
      `ALTER TABLE review_tasks ADD CONSTRAINT review_tasks_status_check CHECK (status IN ('open','assigned','decided'))`,
    );
  }
}
