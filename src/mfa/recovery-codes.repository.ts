import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transaction-runner';

/** The mfa_recovery_codes table (sha256 hashes of single-use recovery codes). */
@Injectable()
export class RecoveryCodesRepository {
  /** Replaces the user's codes with new ones (a new enrolment invalidates the old set). */
  async replace(tx: Tx, userId: string, hashes: string[]): Promise<void> {
    await tx.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
    for (const hash of hashes)
      await tx.query(`INSERT INTO mfa_recovery_codes (user_id, code_hash) VALUES ($1, $2)`, [userId, hash]);
  }

  /** Spends an unused code of the user; false when none matches. */
  async spend(tx: Tx, userId: string, hash: string, at: Date): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT id FROM mfa_recovery_codes WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL FOR UPDATE`,
      [userId, hash],
    )) as Array<{ id: string }>;
    if (rows.length === 0) return false;
    await tx.query(`UPDATE mfa_recovery_codes SET used_at = $2 WHERE id = $1`, [rows[0].id, at]);
    return true;
  }

  async remaining(tx: Tx, userId: string): Promise<number> {
    const rows = (await tx.query(
      `SELECT count(*)::int AS n FROM mfa_recovery_codes WHERE user_id = $1 AND used_at IS NULL`,
      [userId],
    )) as Array<{ n: number }>;
    return rows[0].n;
  }

  async deleteOfUser(tx: Tx, userId: string): Promise<void> {
    await tx.query(`DELETE FROM mfa_recovery_codes WHERE user_id = $1`, [userId]);
  }
}
