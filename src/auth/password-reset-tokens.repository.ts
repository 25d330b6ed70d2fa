import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transaction-runner';

export interface PasswordResetTokenRow {
  id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
}

/** The password_reset_tokens table (one-time set-password tokens, stored as sha256 hashes). */
@Injectable()
export class PasswordResetTokensRepository {
  async insert(
    tx: Tx,
    token: { userId: string; tokenHash: string; expiresAt: Date; createdBy: string },
  ): Promise<string> {
    const rows = (await tx.query(
      `INSERT INTO password_reset_tokens (user_id, token_hash, expires_at, created_by) VALUES ($1, $2, $3, $4) RETURNING id`,
      [token.userId, token.tokenHash, token.expiresAt, token.createdBy],
    )) as Array<{ id: string }>;
    return rows[0].id;
  }

  /** A new link replaces the earlier unused ones: only the latest works. */
  async spendUnusedOfUser(tx: Tx, userId: string, at: Date): Promise<void> {
    await tx.query(`UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, [
      userId,
      at,
    ]);
  }

  async lockByHash(tx: Tx, tokenHash: string): Promise<PasswordResetTokenRow | undefined> {
    const rows = (await tx.query(
      `SELECT id, user_id, expires_at, used_at FROM password_reset_tokens WHERE token_hash = $1 FOR UPDATE`,
      [tokenHash],
    )) as PasswordResetTokenRow[];
    return rows[0];
  }

  async markUsed(tx: Tx, id: string, at: Date): Promise<void> {
    await tx.query(`UPDATE password_reset_tokens SET used_at = $2 WHERE id = $1`, [id, at]);
  }
}
