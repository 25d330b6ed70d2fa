import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Key rotation progress (src/crypto/key-rotation.service.ts): one row per rotation, so that a
 * rotation killed half-way is resumed by the next `keys:rotate` instead of adding yet another
 * master key version. Plus an index for "which photos still use master key version N".
 */
export class KeyRotations1768000000000 implements MigrationInterface {
  name = 'KeyRotations1768000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE key_rotations (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      target_version integer NOT NULL CHECK (target_version > 0),
      added_version integer,
      rewrapped integer NOT NULL DEFAULT 0,
      failed integer NOT NULL DEFAULT 0,
      started_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      completed_at timestamptz)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX key_rotations_one_open_idx ON key_rotations ((true)) WHERE completed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX photos_key_version_idx ON photos (key_version) WHERE wrapped_data_key IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS photos_key_version_idx`);
    await queryRunner.query(`DROP TABLE IF EXISTS key_rotations`);
  }
}
