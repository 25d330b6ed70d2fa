import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity lifecycle (src/auth/README.md, src/mfa/README.md):
 * - users.session_generation: "sign out everywhere" and deactivation bump it; access tokens carry the
 *   generation they were issued under and are refused once it moved on.
 * - users.last_login_at / created_by: the access review (who holds which role, created by whom, last sign-in).
 * - users.totp_*: the TOTP secret, a 32-byte data key of the envelope scheme wrapped by the master key
 *   ring (never in clear), when it was confirmed, and the last accepted time step (a code is used once).
 * - mfa_recovery_codes: single-use recovery codes, stored as sha256 hashes.
 * - password_reset_tokens: one-time, expiring set-password tokens, stored as sha256 hashes.
 */
export class IdentityLifecycle1768920000000 implements MigrationInterface {
  name = 'IdentityLifecycle1768920000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE users
        ADD COLUMN session_generation integer NOT NULL DEFAULT 0,
        ADD COLUMN last_login_at timestamptz,
        ADD COLUMN created_by text,
        ADD COLUMN totp_wrapped_secret bytea,
        ADD COLUMN totp_key_version integer,
        ADD COLUMN totp_enabled_at timestamptz,
        ADD COLUMN totp_last_step bigint`);
    await queryRunner.query(`
      CREATE TABLE mfa_recovery_codes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        code_hash text NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX mfa_recovery_codes_user_idx ON mfa_recovery_codes (user_id)`);
    await queryRunner.query(`
      CREATE TABLE password_reset_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users(id),
        token_hash text NOT NULL UNIQUE,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX password_reset_tokens_user_idx ON password_reset_tokens (user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE password_reset_tokens`);
    await queryRunner.query(`DROP TABLE mfa_recovery_codes`);
    await queryRunner.query(`
      ALTER TABLE users
        DROP COLUMN session_generation, DROP COLUMN last_login_at, DROP COLUMN created_by,
        DROP COLUMN totp_wrapped_secret, DROP COLUMN totp_key_version, DROP COLUMN totp_enabled_at,
        DROP COLUMN totp_last_step`);
  }
}
