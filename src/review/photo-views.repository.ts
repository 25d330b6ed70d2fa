import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

/**
 * `photo_views`: who opened which photo of a claim (the original, in the viewer). Written in the transaction
 * of the `photo.viewed` audit event; read by the decide-on-evidence rule (src/review/evidence-policy.ts) with
 * one indexed query instead of a scan of the audit log.
 */
@Injectable()
export class PhotoViewsRepository extends OwnedTableRepository {
  async record(tx: Tx, input: { photoId: string; claimId: string; userId: string; now: Date }): Promise<void> {
    await tx.query(
      `INSERT INTO photo_views (photo_id, user_id, claim_id, first_viewed_at, last_viewed_at, view_count)
       VALUES ($1, $2, $3, $4, $4, 1)
       ON CONFLICT (photo_id, user_id) DO UPDATE SET last_viewed_at = EXCLUDED.last_viewed_at, view_count = photo_views.view_count + 1`,
      [input.photoId, input.userId, input.claimId, input.now],
    );
  }

  /** The ids of the claim's photos this person has opened. */
  async viewedOfClaim(claimId: string, userId: string, tx?: Tx): Promise<string[]> {
    const rows = (await this.m(tx).query(`SELECT photo_id FROM photo_views WHERE claim_id = $1 AND user_id = $2`, [
      claimId,
      userId,
    ])) as Array<{ photo_id: string }>;
    return rows.map((row) => row.photo_id);
  }
}
