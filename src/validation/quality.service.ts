import { BadRequestException, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ChecksRepository } from './checks.repository';
import { qualityReport, type CheckQuality, type ReviewedCheck } from './quality-report';

/**
 * Compares the model's checks with what reviewers decided, over a period of decisions: the feedback
 * that tells an insurer whether a threshold is right. Recommendations are shown, never applied.
 */
@Injectable()
export class QualityService {
  constructor(
    private readonly checks: ChecksRepository,
    private readonly clock: Clock,
  ) {}

  /** `from`/`to` are ISO dates; the default period is the 30 days up to now. */
  async report(fromText?: string, toText?: string): Promise<{ from: string; to: string; checks: CheckQuality[] }> {
    const to = toText ? new Date(toText) : this.clock.now();
    const from = fromText ? new Date(fromText) : new Date(to.getTime() - 30 * 24 * 3600 * 1000);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()))
      throw new BadRequestException('from and to must be ISO dates');
    const rows = await this.checks.reviewedChecks(from, to);
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
