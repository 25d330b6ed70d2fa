import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Model governance (src/governance/README.md): a challenger model's scores of live claims, kept apart from
 * the champion's scoring_runs and checks (it never routes a claim); occlusion heatmaps of flagged photos,
 * computed on demand; and the record of model promotions.
 */
export class ModelGovernance1768950000000 implements MigrationInterface {
  name = 'ModelGovernance1768950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE shadow_scores (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_id uuid NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        scoring_run_id uuid NOT NULL REFERENCES scoring_runs(id) ON DELETE CASCADE,
        model_id text NOT NULL,
        model_hash text NOT NULL,
        champion_model_hash text NOT NULL,
        checks jsonb NOT NULL,
        outcome text NOT NULL,
        champion_outcome text NOT NULL,
        duration_ms integer NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (scoring_run_id, model_hash)
      )`);
    await queryRunner.query(`CREATE INDEX shadow_scores_claim_idx ON shadow_scores (claim_id)`);
    await queryRunner.query(`CREATE INDEX shadow_scores_model_idx ON shadow_scores (model_hash, created_at)`);
    await queryRunner.query(`
      CREATE TABLE occlusion_heatmaps (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        claim_id uuid NOT NULL REFERENCES claims(id) ON DELETE CASCADE,
        check_id uuid NOT NULL REFERENCES checks(id) ON DELETE CASCADE,
        photo_id uuid NOT NULL REFERENCES photos(id) ON DELETE CASCADE,
        model_hash text NOT NULL,
        target_label text NOT NULL,
        grid integer NOT NULL,
        status text NOT NULL DEFAULT 'pending',
        drops jsonb,
        baseline real,
        error text,
        requested_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        UNIQUE (check_id, model_hash)
      )`);
    await queryRunner.query(`CREATE INDEX occlusion_heatmaps_claim_idx ON occlusion_heatmaps (claim_id)`);
    await queryRunner.query(`
      CREATE TABLE model_promotions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_id text NOT NULL,
        model_hash text NOT NULL,
        previous_model_id text NOT NULL,
        previous_model_hash text NOT NULL,
        what_if jsonb NOT NULL,
        promoted_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE model_promotions`);
    await queryRunner.query(`DROP TABLE occlusion_heatmaps`);
    await queryRunner.query(`DROP TABLE shadow_scores`);
  }
}
