import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (src/retention/README.md): a class of a claim is purged once, so its receipt is unique per
 * (claim, data class) — the receipt is the "done" marker a resumed purge run relies on. Erasure requests
 * are looked up by claimant; holds by claim among the active ones.
 */
export class RetentionReceipts1768500000000 implements MigrationInterface {
  name = 'RetentionReceipts1768500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNIQUE INDEX purge_receipts_claim_class_uq ON purge_receipts (claim_id, data_class)`,
    );
    await queryRunner.query(`CREATE INDEX purge_receipts_purged_idx ON purge_receipts (purged_at)`);
    await queryRunner.query(`CREATE INDEX erasure_requests_claimant_idx ON erasure_requests (claimant_ref)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX legal_holds_one_active_per_claim ON legal_holds (claim_id) WHERE released_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX claims_claimant_ref_idx ON claims (claimant_ref) WHERE claimant_ref IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS claims_claimant_ref_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS legal_holds_one_active_per_claim`);
    await queryRunner.query(`DROP INDEX IF EXISTS erasure_requests_claimant_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS purge_receipts_purged_idx`);
    await queryRunner.query(`DROP INDEX IF EXISTS purge_receipts_claim_class_uq`);
  }
}
