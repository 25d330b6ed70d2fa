import { Injectable } from '@nestjs/common';
import type { Tx } from '../database/transaction-runner';
import { RefreshToken } from './refresh-token.entity';

/** The refresh_tokens table: the only code that reads or writes its rows (always inside an audited transaction). */
@Injectable()
export class RefreshTokensRepository {
  findByHash(tx: Tx, tokenHash: string, lock = false): Promise<RefreshToken | null> {
    return tx.findOne(RefreshToken, {
      where: { tokenHash },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  async markUsed(tx: Tx, tokenId: string, at: Date): Promise<void> {
    await tx.update(RefreshToken, { id: tokenId }, { usedAt: at });
  }

  /** Revokes every token of the family not yet revoked; returns how many. */
  async revokeFamily(tx: Tx, familyId: string, at: Date): Promise<number> {
    const result = await tx.query(
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
      [familyId, at],
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  /** Revokes every refresh token of the user not yet revoked (sign out everywhere, deactivation, new password). */
  async revokeAllOfUser(tx: Tx, userId: string, at: Date): Promise<number> {
    const result = await tx.query(
      `UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
      [userId, at],
    );
    return Array.isArray(result) && typeof result[1] === 'number' ? result[1] : 0;
  }

  /** Sessions are refresh-token families; a revoked one (logout, reuse detected) ends its access tokens too. */
  async isFamilyRevoked(tx: Tx, familyId: string): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT 1 FROM refresh_tokens WHERE family_id = $1 AND revoked_at IS NOT NULL LIMIT 1`,
      [familyId],
    )) as unknown[];
    return rows.length > 0;
  }

  async insert(tx: Tx, token: { userId: string; familyId: string; tokenHash: string; expiresAt: Date }): Promise<void> {
    await tx.insert(RefreshToken, token);
  }
}
