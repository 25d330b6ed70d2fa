import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { ScoringRun } from '../scoring/scoring-run.entity';
import { Check, type CheckKind } from './check.entity';

/** One claim's final decision against one kind of check of its latest scoring run. */
export interface ReviewedCheckRow {
  claim_id: string;
  kind: CheckKind;
  score: number;
  flagged: boolean;
  outcome: string;
  reason_code: string;
  created_at: Date;
  flag_at: number | null;
}

/** One claim's latest run by a model, for replays. */
export interface StoredRunRow {
  claim_id: string;
  line_of_business: string;
  decision: string | null;
  reason_code: string | null;
  checks: Array<{ kind: CheckKind; score: number; flagged: boolean; uncertain: boolean; forced: boolean }>;
}

/** The validation results: the scoring_runs and checks tables. The only code that writes their rows (claims reads the summary through claims/validation-summary.repository.ts). */
@Injectable()
export class ChecksRepository extends OwnedTableRepository {
  insertRun(tx: Tx, run: Partial<ScoringRun>): Promise<ScoringRun> {
    return tx.save(tx.create(ScoringRun, run));
  }

  async insertChecks(tx: Tx, checks: Array<Partial<Check>>): Promise<void> {
    if (checks.length === 0) return;
    await tx.save(checks.map((check) => tx.create(Check, check)));
  }

  findLatestRun(claimId: string, tx?: Tx): Promise<ScoringRun | null> {
    return this.m(tx).findOne(ScoringRun, { where: { claimId }, order: { createdAt: 'DESC' } });
  }

  checksOfRun(runId: string, tx?: Tx): Promise<Check[]> {
    return this.m(tx).find(Check, { where: { scoringRunId: runId }, order: { createdAt: 'ASC' } });
  }

  /**
   * Per claim decided in [from, to) and check kind: the claim's final human decision (the latest that
   * no later decision overrides) against the checks of its latest scoring run (the quality report).
   */
  async reviewedChecks(from: Date, to: Date, tx?: Tx): Promise<ReviewedCheckRow[]> {
    return (await this.m(tx).query(
      `WITH final AS (
         SELECT DISTINCT ON (d.claim_id) d.claim_id, d.outcome, d.reason_code, d.created_at
           FROM decisions d
          WHERE d.outcome IN ('approve', 'deny', 'request_info') AND d.created_at >= $1 AND d.created_at < $2
          ORDER BY d.claim_id, d.created_at DESC
       ), latest_run AS (
         SELECT DISTINCT ON (r.claim_id) r.id, r.claim_id, r.thresholds FROM scoring_runs r ORDER BY r.claim_id, r.created_at DESC
       )
       SELECT f.claim_id, c.kind, max(c.score) AS score, bool_or(c.flagged) AS flagged, f.outcome, f.reason_code, f.created_at,
              (lr.thresholds -> c.kind ->> 'flagAt')::float AS flag_at
         FROM final f
         JOIN latest_run lr ON lr.claim_id = f.claim_id
         JOIN checks c ON c.scoring_run_id = lr.id
        GROUP BY f.claim_id, c.kind, f.outcome, f.reason_code, f.created_at, lr.thresholds`,
      [from, to],
    )) as ReviewedCheckRow[];
  }

  /**
   * For replays (what-if, calibration): per claim, the checks of its latest run by `modelHash` scored in
   * [from, to), with the claim's line of business and final human decision. `forced` marks a peril check that
   * was uncertain by construction (no prompts for the claimed peril), which no threshold changes.
   */
  async storedRuns(
    input: { modelHash: string; from: Date; to: Date; line: string | null; limit: number },
    tx?: Tx,
  ): Promise<StoredRunRow[]> {
    return (await this.m(tx).query(
      `WITH latest_run AS (
         SELECT DISTINCT ON (r.claim_id) r.id, r.claim_id, r.created_at
           FROM scoring_runs r WHERE r.model_hash = $1
          ORDER BY r.claim_id, r.created_at DESC
       ), final AS (
         SELECT DISTINCT ON (d.claim_id) d.claim_id, d.outcome, d.reason_code
           FROM decisions d WHERE d.outcome IN ('approve', 'deny', 'request_info')
          ORDER BY d.claim_id, d.created_at DESC
       )
       SELECT lr.claim_id, p.line_of_business, f.outcome AS decision, f.reason_code,
              json_agg(json_build_object(
                'kind', c.kind, 'score', c.score, 'flagged', c.flagged, 'uncertain', c.uncertain,
                'forced', (c.kind = 'peril_mismatch' AND c.evidence ? 'claimedPeril' AND NOT c.evidence ? 'claimedSupport')
              ) ORDER BY c.created_at, c.id) AS checks
         FROM latest_run lr
         JOIN claims cl ON cl.id = lr.claim_id
         JOIN policies p ON p.id = cl.policy_id
         LEFT JOIN final f ON f.claim_id = lr.claim_id
         JOIN checks c ON c.scoring_run_id = lr.id
        WHERE lr.created_at >= $2 AND lr.created_at < $3 AND ($4::text IS NULL OR p.line_of_business = $4)
        GROUP BY lr.claim_id, p.line_of_business, f.outcome, f.reason_code
        ORDER BY lr.claim_id
        LIMIT $5`,
      [input.modelHash, input.from, input.to, input.line, input.limit],
    )) as StoredRunRow[];
  }

  /** Retention of scores: `delete` removes a claim's checks and runs, `redact` empties their evidence and scores. */
  async purgeScores(tx: Tx, claimId: string, action: 'delete' | 'redact'): Promise<void> {
    if (action === 'delete') {
      await tx.query(`DELETE FROM checks WHERE claim_id = $1`, [claimId]);
      await tx.query(`DELETE FROM scoring_runs WHERE claim_id = $1`, [claimId]);
    } else {
      await tx.query(`UPDATE checks SET evidence = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
      await tx.query(`UPDATE scoring_runs SET scores = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
    }
  }
}
