import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

/** One model check of a shadow run, as stored (no reasons: the shadow model explains nothing to anyone). */
export interface ShadowCheck {
  kind: string;
  photoId: string | null;
  score: number;
  flagged: boolean;
  uncertain: boolean;
}

export interface ShadowScoreRow {
  id: string;
  claim_id: string;
  scoring_run_id: string;
  model_id: string;
  model_hash: string;
  champion_model_hash: string;
  checks: ShadowCheck[];
  outcome: string;
  champion_outcome: string;
  duration_ms: number;
  created_at: Date;
}

export interface HeatmapRow {
  id: string;
  claim_id: string;
  check_id: string;
  photo_id: string;
  model_hash: string;
  target_label: string;
  grid: number;
  status: 'pending' | 'done' | 'failed';
  drops: number[] | null;
  baseline: number | null;
  error: string | null;
  requested_by: string;
  created_at: Date;
  completed_at: Date | null;
}

/** A shadow run beside the champion's run and checks, and the claim's final reviewer decision if any. */
export interface ShadowComparisonRow {
  claim_id: string;
  outcome: string;
  champion_outcome: string;
  checks: ShadowCheck[];
  champion_checks: Array<{ kind: string; flagged: boolean; uncertain: boolean; score: number }>;
  decision_outcome: string | null;
  decision_reason_code: string | null;
}

/** A decided claim's model check as `model_hash` scored it (its latest run, or the shadow row of that run), with the final decision. */
export interface ReviewedModelCheckRow {
  claim_id: string;
  kind: string;
  score: number | string;
  flagged: boolean;
  uncertain: boolean;
  outcome: string;
  reason_code: string;
  source: 'run' | 'shadow';
}

/**
 * The governance tables: shadow_scores, occlusion_heatmaps and model_promotions. The only code that writes
 * them. It reads the champion's checks and reviewers' decisions (owned by validation and review) for the
 * comparisons and drift, never writing them.
 */
@Injectable()
export class GovernanceRepository extends OwnedTableRepository {
  async insertShadowScore(tx: Tx, row: Omit<ShadowScoreRow, 'id' | 'created_at'>): Promise<void> {
    await tx.query(
      `INSERT INTO shadow_scores (claim_id, scoring_run_id, model_id, model_hash, champion_model_hash, checks, outcome, champion_outcome, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9)
       ON CONFLICT (scoring_run_id, model_hash) DO NOTHING`,
      [
        row.claim_id,
        row.scoring_run_id,
        row.model_id,
        row.model_hash,
        row.champion_model_hash,
        JSON.stringify(row.checks),
        row.outcome,
        row.champion_outcome,
        row.duration_ms,
      ],
    );
  }

  async shadowScoresOfClaim(claimId: string, tx?: Tx): Promise<ShadowScoreRow[]> {
    return (await this.m(tx).query(`SELECT * FROM shadow_scores WHERE claim_id = $1 ORDER BY created_at`, [
      claimId,
    ])) as ShadowScoreRow[];
  }

  /** Shadow runs of `modelHash` since `from`, each with the champion's checks of the same run and the final decision. */
  async shadowComparisons(modelHash: string, from: Date, tx?: Tx): Promise<ShadowComparisonRow[]> {
    return (await this.m(tx).query(
      `SELECT s.claim_id, s.outcome, s.champion_outcome, s.checks,
              coalesce((SELECT jsonb_agg(jsonb_build_object('kind', c.kind, 'flagged', c.flagged, 'uncertain', c.uncertain, 'score', c.score))
                          FROM checks c WHERE c.scoring_run_id = s.scoring_run_id), '[]'::jsonb) AS champion_checks,
              d.outcome AS decision_outcome, d.reason_code AS decision_reason_code
         FROM shadow_scores s
         LEFT JOIN LATERAL (
           SELECT outcome, reason_code FROM decisions
            WHERE claim_id = s.claim_id AND outcome IN ('approve', 'deny', 'request_info')
            ORDER BY created_at DESC LIMIT 1
         ) d ON true
        WHERE s.model_hash = $1 AND s.created_at >= $2
        ORDER BY s.created_at`,
      [modelHash, from],
    )) as ShadowComparisonRow[];
  }

  /** The champion's check scores (highest per claim and kind, latest run) scored in [from, to) by `modelHash`. */
  async championScores(
    modelHash: string,
    from: Date,
    to: Date,
    tx?: Tx,
  ): Promise<Array<{ kind: string; score: number }>> {
    const rows = (await this.m(tx).query(
      `SELECT c.kind, max(c.score) AS score
         FROM scoring_runs r JOIN checks c ON c.scoring_run_id = r.id
        WHERE r.model_hash = $1 AND r.created_at >= $2 AND r.created_at < $3
        GROUP BY r.id, c.kind`,
      [modelHash, from, to],
    )) as Array<{ kind: string; score: number | string }>;
    return rows.map((row) => ({ kind: row.kind, score: Number(row.score) }));
  }

  /**
   * Claims finally decided (approve, deny, request_info) since `since`, with the model checks of their latest
   * run as `modelHash` scored them: the champion's checks when that run was scored by it, or the shadow row of
   * that run when it was the challenger (the labelled set of `models:evaluate --from-reviews`).
   */
  async reviewedModelChecks(modelHash: string, since: Date, tx?: Tx): Promise<ReviewedModelCheckRow[]> {
    return (await this.m(tx).query(
      `WITH final AS (
         SELECT DISTINCT ON (d.claim_id) d.claim_id, d.outcome, d.reason_code
           FROM decisions d
          WHERE d.outcome IN ('approve', 'deny', 'request_info') AND d.created_at >= $2
          ORDER BY d.claim_id, d.created_at DESC
       ), latest_run AS (
         SELECT DISTINCT ON (r.claim_id) r.id, r.claim_id, r.model_hash FROM scoring_runs r ORDER BY r.claim_id, r.created_at DESC
       )
       SELECT f.claim_id, c.kind, max(c.score) AS score, bool_or(c.flagged) AS flagged, bool_or(c.uncertain) AS uncertain,
              f.outcome, f.reason_code, 'run' AS source
         FROM final f
         JOIN latest_run lr ON lr.claim_id = f.claim_id AND lr.model_hash = $1
         JOIN checks c ON c.scoring_run_id = lr.id
        GROUP BY f.claim_id, c.kind, f.outcome, f.reason_code
       UNION ALL
       SELECT f.claim_id, x.kind, max(x.score) AS score, bool_or(x.flagged) AS flagged, bool_or(x.uncertain) AS uncertain,
              f.outcome, f.reason_code, 'shadow' AS source
         FROM final f
         JOIN latest_run lr ON lr.claim_id = f.claim_id AND lr.model_hash <> $1
         JOIN shadow_scores s ON s.scoring_run_id = lr.id AND s.model_hash = $1
         CROSS JOIN LATERAL jsonb_to_recordset(s.checks) AS x(kind text, score real, flagged boolean, uncertain boolean)
        GROUP BY f.claim_id, x.kind, f.outcome, f.reason_code`,
      [modelHash, since],
    )) as ReviewedModelCheckRow[];
  }

  /** Creates the pending heatmap of a check, or returns the one that exists (the cache). */
  async findOrCreateHeatmap(
    tx: Tx,
    row: Pick<
      HeatmapRow,
      'claim_id' | 'check_id' | 'photo_id' | 'model_hash' | 'target_label' | 'grid' | 'requested_by'
    >,
  ): Promise<{ row: HeatmapRow; created: boolean }> {
    const inserted = (await tx.query(
      `INSERT INTO occlusion_heatmaps (claim_id, check_id, photo_id, model_hash, target_label, grid, requested_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (check_id, model_hash) DO NOTHING RETURNING *`,
      [row.claim_id, row.check_id, row.photo_id, row.model_hash, row.target_label, row.grid, row.requested_by],
    )) as HeatmapRow[];
    if (inserted.length > 0) return { row: inserted[0], created: true };
    const [existing] = (await tx.query(`SELECT * FROM occlusion_heatmaps WHERE check_id = $1 AND model_hash = $2`, [
      row.check_id,
      row.model_hash,
    ])) as HeatmapRow[];
    return { row: existing, created: false };
  }

  /** A failed heatmap asked for again goes back to pending. */
  async retryHeatmap(tx: Tx, id: string): Promise<void> {
    await tx.query(
      `UPDATE occlusion_heatmaps SET status = 'pending', error = NULL WHERE id = $1 AND status = 'failed'`,
      [id],
    );
  }

  async findHeatmap(id: string, tx?: Tx): Promise<HeatmapRow | null> {
    const [row] = (await this.m(tx).query(`SELECT * FROM occlusion_heatmaps WHERE id = $1`, [id])) as HeatmapRow[];
    return row ?? null;
  }

  async completeHeatmap(
    tx: Tx,
    id: string,
    result: { drops: number[]; baseline: number } | { error: string },
  ): Promise<void> {
    if ('error' in result)
      await tx.query(
        `UPDATE occlusion_heatmaps SET status = 'failed', error = $2, completed_at = now() WHERE id = $1`,
        [id, result.error],
      );
    else
      await tx.query(
        `UPDATE occlusion_heatmaps SET status = 'done', drops = $2::jsonb, baseline = $3, error = NULL, completed_at = now() WHERE id = $1`,
        [id, JSON.stringify(result.drops), result.baseline],
      );
  }

  async insertPromotion(
    tx: Tx,
    row: {
      modelId: string;
      modelHash: string;
      previousModelId: string;
      previousModelHash: string;
      whatIf: unknown;
      promotedBy: string;
    },
  ): Promise<{ id: string; created_at: Date }> {
    const [inserted] = (await tx.query(
      `INSERT INTO model_promotions (model_id, model_hash, previous_model_id, previous_model_hash, what_if, promoted_by)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6) RETURNING id, created_at`,
      [
        row.modelId,
        row.modelHash,
        row.previousModelId,
        row.previousModelHash,
        JSON.stringify(row.whatIf),
        row.promotedBy,
      ],
    )) as Array<{ id: string; created_at: Date }>;
    return inserted;
  }

  /** Retention of scores (the embeddings_scores data class): a claim's shadow scores and heatmaps go (delete) or lose their numbers (redact). */
  async purgeScores(tx: Tx, claimId: string, action: 'delete' | 'redact'): Promise<void> {
    if (action === 'delete') {
      await tx.query(`DELETE FROM shadow_scores WHERE claim_id = $1`, [claimId]);
      await tx.query(`DELETE FROM occlusion_heatmaps WHERE claim_id = $1`, [claimId]);
    } else {
      await tx.query(`UPDATE shadow_scores SET checks = '[]'::jsonb WHERE claim_id = $1`, [claimId]);
      await tx.query(`UPDATE occlusion_heatmaps SET drops = NULL, baseline = NULL WHERE claim_id = $1`, [claimId]);
    }
  }
}
