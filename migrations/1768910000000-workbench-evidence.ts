import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Adjuster and supervisor workbench (src/review/README.md, "Deciding on evidence"):
 * - `photo_views`: who opened which photo of a claim (one row per photo and person, written with the
 *   `photo.viewed` audit event), so the decide rule asks "did this person open these photos" with one
 *   indexed query instead of scanning the audit log;
 * - `decisions.acknowledgements`: the flags a reviewer approved over without opening their photos, each with
 *   the reviewer's note (kept with the decision, like its note);
 * - the `investigator` staff role (special investigations: read-only across teams).
 */
export class WorkbenchEvidence1768910000000 implements MigrationInterface {
  name = 'WorkbenchEvidence1768910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE photo_views (
        photo_id uuid NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id),
        claim_id uuid NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        first_viewed_at timestamptz NOT NULL,
        last_viewed_at timestamptz NOT NULL,
        view_count integer NOT NULL DEFAULT 1 CHECK (view_count > 0),
        PRIMARY KEY (photo_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX photo_views_claim_user_idx ON photo_views (claim_id, user_id)`);
    await queryRunner.query(`ALTER TABLE decisions ADD COLUMN acknowledgements jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await queryRunner.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check`);
    await queryRunner.query(
      `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('adjuster','supervisor','compliance','admin','investigator'))`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The older schema has no investigators: their accounts become disabled compliance accounts (kept for the audit trail).
    await queryRunner.query(
      `UPDATE users SET role = 'compliance', disabled_at = coalesce(disabled_at, now()) WHERE role = 'investigator'`,
    );
    await queryRunner.query(`ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check`);
    await queryRunner.query(
      `ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('adjuster','supervisor','compliance','admin'))`,
    );
    await queryRunner.query(`ALTER TABLE decisions DROP COLUMN IF EXISTS acknowledgements`);
    await queryRunner.query(`DROP TABLE IF EXISTS photo_views`);
  }
}
