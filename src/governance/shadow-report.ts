import type { ClaimOutcome } from '../validation/decision-policy';
import { reviewerVerdict } from '../validation/quality-report';
import type { CheckKind } from '../validation/check.entity';
import { MODEL_CHECK_KINDS } from './labelled-set';

/** One claim as both models saw it (pure input of the reports below). */
export interface ShadowComparison {
  claimId: string;
  championOutcome: string;
  shadowOutcome: string;
  championChecks: Array<{ kind: string; flagged: boolean }>;
  shadowChecks: Array<{ kind: string; flagged: boolean }>;
  /** The reviewer's final decision, if the claim was decided. */
  decision: { outcome: string; reasonCode: string } | null;
}

const OUTCOMES: readonly ClaimOutcome[] = ['consistent', 'needs_review', 'inconsistent'];

export interface RouteWhatIf {
  claims: number;
  /** Claims whose outcome the challenger would change. */
  changed: number;
  /** champion outcome → challenger outcome → claims. */
  matrix: Record<string, Record<string, number>>;
  /** Claims sent to a person (flagged or uncertain; QA samples aside) by each model. */
  reviewLoad: { champion: number; shadow: number };
  /** Up to 20 claims whose route would change, for a look before promoting. */
  examples: Array<{ claimId: string; champion: string; shadow: string }>;
}

/**
 * What the routes would have been had the challenger decided (from its shadow scores, with the same
 * thresholds and the same non-model checks): the what-if shown before a promotion.
 */
export function routeWhatIf(rows: readonly ShadowComparison[]): RouteWhatIf {
  const matrix: Record<string, Record<string, number>> = {};
  for (const from of OUTCOMES) matrix[from] = Object.fromEntries(OUTCOMES.map((to) => [to, 0]));
  let changed = 0;
  const examples: RouteWhatIf['examples'] = [];
  for (const row of rows) {
    matrix[row.championOutcome] ??= Object.fromEntries(OUTCOMES.map((to) => [to, 0]));
    matrix[row.championOutcome][row.shadowOutcome] = (matrix[row.championOutcome][row.shadowOutcome] ?? 0) + 1;
    if (row.championOutcome !== row.shadowOutcome) {
      changed += 1;
      if (examples.length < 20)
        examples.push({ claimId: row.claimId, champion: row.championOutcome, shadow: row.shadowOutcome });
    }
  }
  const toReview = (outcome: string) => outcome !== 'consistent';
  return {
    claims: rows.length,
    changed,
    matrix,
    reviewLoad: {
      champion: rows.filter((row) => toReview(row.championOutcome)).length,
      shadow: rows.filter((row) => toReview(row.shadowOutcome)).length,
    },
    examples,
  };
}

export interface ShadowCheckAgreement {
  kind: string;
  claims: number;
  bothFlagged: number;
  championOnly: number;
  shadowOnly: number;
  neither: number;
  /** Share of claims where both flagged or both did not; null without claims. */
  agreement: number | null;
  /** Claims with a reviewer verdict on this check, and how many each model's flag agreed with. */
  reviewed: number;
  championAgreesWithReviewers: number | null;
  shadowAgreesWithReviewers: number | null;
}

const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((part / whole) * 1000) / 1000);

/** Per model check: agreement of the two models' flags, and of each with the reviewers' verdicts. */
export function shadowAgreement(rows: readonly ShadowComparison[]): {
  claims: number;
  outcomeAgreement: number | null;
  checks: ShadowCheckAgreement[];
} {
  const checks = MODEL_CHECK_KINDS.map((kind): ShadowCheckAgreement => {
    let bothFlagged = 0;
    let championOnly = 0;
    let shadowOnly = 0;
    let neither = 0;
    let reviewed = 0;
    let championAgrees = 0;
    let shadowAgrees = 0;
    let claims = 0;
    for (const row of rows) {
      const champion = row.championChecks.filter((check) => check.kind === kind);
      const shadow = row.shadowChecks.filter((check) => check.kind === kind);
      if (champion.length === 0 && shadow.length === 0) continue;
      claims += 1;
      const a = champion.some((check) => check.flagged);
      const b = shadow.some((check) => check.flagged);
      if (a && b) bothFlagged += 1;
      else if (a) championOnly += 1;
      else if (b) shadowOnly += 1;
      else neither += 1;
      const verdict = row.decision
        ? reviewerVerdict(kind as CheckKind, row.decision.outcome, row.decision.reasonCode)
        : null;
      if (verdict !== null) {
        reviewed += 1;
        if (a === verdict) championAgrees += 1;
        if (b === verdict) shadowAgrees += 1;
      }
    }
    return {
      kind,
      claims,
      bothFlagged,
      championOnly,
      shadowOnly,
      neither,
      agreement: share(bothFlagged + neither, claims),
      reviewed,
      championAgreesWithReviewers: share(championAgrees, reviewed),
      shadowAgreesWithReviewers: share(shadowAgrees, reviewed),
    };
  });
  return {
    claims: rows.length,
    outcomeAgreement: share(rows.filter((row) => row.championOutcome === row.shadowOutcome).length, rows.length),
    checks,
  };
}
