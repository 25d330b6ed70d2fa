import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Thresholds belong to a model: calibrations keyed by the model's hash, the prompt-template version and the
 * line of business, each change a new immutable version (applied by an admin, audited; a rollback is a new
 * version copying an older one). The latest version of a key is the one in force. `check_thresholds` (per line
 * only) stays as it was: it is read only as the base of the fixture model's committed calibration.
 */
export class ThresholdCalibrations1768940000000 implements MigrationInterface {
  name = 'ThresholdCalibrations1768940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE threshold_calibrations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        model_hash text NOT NULL,
        prompt_set_version text NOT NULL,
        line_of_business text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        thresholds jsonb NOT NULL,
        source text NOT NULL CHECK (source IN ('fit', 'manual', 'rollback')),
        method jsonb NOT NULL DEFAULT '{}'::jsonb,
        note text,
        rolled_back_to integer,
        created_by text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (model_hash, prompt_set_version, line_of_business, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE threshold_calibrations`);
  }
}
