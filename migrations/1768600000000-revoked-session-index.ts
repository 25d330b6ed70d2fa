import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every authenticated request asks whether its session (refresh-token family) was revoked: a small
 * partial index over the revoked rows answers that without scanning the table.
 */
export class RevokedSessionIndex1768600000000 implements MigrationInterface {
  name = 'RevokedSessionIndex1768600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX refresh_tokens_revoked_family_idx ON refresh_tokens (family_id) WHERE revoked_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX refresh_tokens_revoked_family_idx`);
  }
}
