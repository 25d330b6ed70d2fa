import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Information requests (src/review/README.md, "Information requests"): an adjuster's `request_info` puts the claim
 * in `information_requested` and its review task in `awaiting_info` until the intake system answers (new photos, a
 * note, resubmission) or the due date passes. Each request is a row of `information_requests`, kept with its answer,
 * so a claim's history of requests and answers stays readable. A reopened task says why it came back (`follow_up`).
 */
export class InformationRequests1768800000000 implements MigrationInterface {
  name = 'InformationRequests1768800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE claims DROP CONSTRAINT IF EXISTS claims_status_check`);
    await queryRunner.query(
      `ALTER TABLE claims ADD CONSTRAINT claims_status_check CHECK (status IN ('draft','queued','scoring','consistent','inconsistent','needs_review','information_requested','decided','closed'))`,
    );
    await queryRunner.query(`ALTER TABLE review_tasks DROP CONSTRAINT IF EXISTS review_tasks_status_check`);
    await queryRunner.query(
      `ALTER TABLE review_tasks ADD CONSTRAINT review_tasks_status_check CHECK (status IN ('open','assigned','escalated','awaiting_info','decided'))`,
    );
    await queryRunner.query(
      `ALTER TABLE review_tasks ADD COLUMN follow_up text CHECK (follow_up IN ('information_received','no_response'))`,
    );
    await queryRunner.query(`ALTER TABLE review_tasks ADD COLUMN reopened_at timestamptz`);
    await queryRunner.query(
      `CREATE TABLE information_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_id uuid NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        task_id uuid NOT NULL REFERENCES review_tasks(id) ON DELETE CASCADE,
        decision_id uuid NOT NULL REFERENCES decisions(id) ON DELETE CASCADE,
        reason_code text NOT NULL,
        message text NOT NULL,
        due_at timestamptz NOT NULL,
        requested_by uuid NOT NULL,
        requested_at timestamptz NOT NULL,
        known_photo_ids uuid[] NOT NULL DEFAULT '{}',
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open','answered','expired','withdrawn')),
        response_note text,
        new_photo_ids uuid[],
        answered_at timestamptz,
        closed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now())`,
    );
    await queryRunner.query(
      `CREATE INDEX information_requests_claim_idx ON information_requests (claim_id, requested_at)`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX information_requests_one_open_per_claim ON information_requests (claim_id) WHERE status = 'open'`,
    );
    await queryRunner.query(
      `CREATE INDEX information_requests_due_idx ON information_requests (due_at) WHERE status = 'open'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS information_requests`);
    // The older schema knows neither state: waiting tasks go back to their queue, waiting claims to review.
    await queryRunner.query(
      `UPDATE review_tasks SET status = 'open', assignee_id = NULL WHERE status = 'awaiting_info'`,
    );
    await queryRunner.query(`UPDATE claims SET status = 'needs_review' WHERE status = 'information_requested'`);
    await queryRunner.query(`ALTER TABLE review_tasks DROP COLUMN IF EXISTS reopened_at`);
    await queryRunner.query(`ALTER TABLE review_tasks DROP COLUMN IF EXISTS follow_up`);
    await queryRunner.query(`ALTER TABLE review_tasks DROP CONSTRAINT IF EXISTS review_tasks_status_check`);
    await queryRunner.query(
      `ALTER TABLE review_tasks ADD CONSTRAINT review_tasks_status_check CHECK (status IN ('open','assigned','escalated','decided'))`,
    );
    await queryRunner.query(`ALTER TABLE claims DROP CONSTRAINT IF EXISTS claims_status_check`);
    await queryRunner.query(
      `ALTER TABLE claims ADD CONSTRAINT claims_status_check CHECK (status IN ('draft','queued','scoring','consistent','inconsistent','needs_review','decided','closed'))`,
    );
  }
}
