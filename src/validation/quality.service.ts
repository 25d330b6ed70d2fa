import { BadRequestException, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import type { CheckKind } from './check.entity';
import { qualityReport, type CheckQuality, type ReviewedCheck } from './quality-report';

/**
 * Compares the model's checks with what reviewers decided, over a period of decisions: the feedback
 * that tells an insurer whether a threshold is right. Recommendations are shown, never applied.
 */
@Injectable()
export class QualityService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** `from`/`to` are ISO dates; the default period is the 30 days up to now. */
  async report(fromText?: string, toText?: string): Promise<{ from: string; to: string; checks: CheckQuality[] }> {
    const to = toText ? new Date(toText) : this.clock.now();
    const from = fromText ? new Date(fromText) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new BadRequestException('from and to must be ISO dates');
    // The claim's final human decision (the latest that no later decision overrides) against the
    // checks of the claim's latest scoring run.
    const rows = (await this.dataSource.query(
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
    )) as Array<{
      claim_id: string;
      kind: CheckKind;
      score: number;
      flagged: boolean;
      outcome: string;
      reason_code: string;
      created_at: Date;
      flag_at: number | null;
    }>;
    const reviewed: ReviewedCheck[] = rows.map((row) => ({
      claimId: row.claim_id,
      kind: row.kind,
      score: Number(row.score),
      flagged: row.flagged,
      outcome: row.outcome,
      reasonCode: row.reason_code,
      decidedAt: new Date(row.created_at),
      flagAt: row.flag_at === null ? null : Number(row.flag_at),
    }));
    return { from: from.toISOString(), to: to.toISOString(), checks: qualityReport(reviewed) };
  }
}
