import type { CheckKind } from './check.entity';
import { round6, routeScore } from './checks/route-score';
import { decideOutcome, type ClaimOutcome } from './decision-policy';
import { THRESHOLDED_KINDS, type ThresholdedKind, type ThresholdSet } from './default-thresholds';

/**
 * The mathematics of calibration, as pure functions: exact binomial tail bounds (Clopper–Pearson), the
 * Learn-then-Test choice of thresholds, reliability (ECE) and precision–recall curves, and the replay of
 * stored check scores through the routing rule. No I/O here; CalibrationService feeds it stored rows.
 */

export { round6, routeScore };

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

const LOG_FACTORIALS: number[] = [0];
function logFactorial(n: number): number {
  for (let i = LOG_FACTORIALS.length; i <= n; i++) LOG_FACTORIALS[i] = LOG_FACTORIALS[i - 1] + Math.log(i);
  return LOG_FACTORIALS[n];
}

/** P(X ≤ k) for X ~ Binomial(n, p), summed term by term in log space (exact up to floating point). */
export function binomialCdf(k: number, n: number, p: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p <= 0) return 1;
  if (p >= 1) return 0;
  let sum = 0;
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  for (let i = 0; i <= k; i++) sum += Math.exp(logChoose(n, i) + i * logP + (n - i) * logQ);
  return Math.min(1, sum);
}

/**
 * One-sided Clopper–Pearson upper confidence bound for a binomial proportion: the largest p with
 * P(Binomial(n, p) ≤ k) ≥ 1 − confidence. With k = 0 it is 1 − (1 − confidence)^(1/n) exactly. n = 0 gives 1.
 * Found by bisection on the exact binomial tail to 1e-12.
 */
export function clopperPearsonUpper(k: number, n: number, confidence: number): number {
  if (n === 0 || k >= n) return 1;
  const delta = 1 - confidence;
  if (k === 0) return 1 - Math.pow(delta, 1 / n);
  let low = k / n;
  let high = 1;
  for (let step = 0; step < 200 && high - low > 1e-12; step++) {
    const mid = (low + high) / 2;
    if (binomialCdf(k, n, mid) > delta) low = mid;
    else high = mid;
  }
  return high;
}

/** One-sided Clopper–Pearson lower bound: the smallest p with P(Binomial(n, p) ≥ k) ≥ 1 − confidence. */
export function clopperPearsonLower(k: number, n: number, confidence: number): number {
  if (n === 0 || k === 0) return 0;
  return 1 - clopperPearsonUpper(n - k, n, confidence);
}

/** What a stored check needs for a replay: its kind, score and stored route; `forced` keeps its route whatever the thresholds. */
export interface StoredCheck {
  kind: CheckKind;
  score: number;
  flagged: boolean;
  uncertain: boolean;
  /** Uncertain by construction (e.g. a claimed peril the prompts do not describe), not by its score. */
  forced?: boolean;
}

/**
 * The checks of a stored run routed again under other thresholds: thresholded checks from their stored
 * score, the others (EXIF, image quality) as they were. The same `routeScore` the live checks use.
 */
export function rerouteChecks(checks: readonly StoredCheck[], thresholds: ThresholdSet): StoredCheck[] {
  return checks.map((check) => {
    if (check.forced || !(THRESHOLDED_KINDS as readonly string[]).includes(check.kind)) return check;
    return { ...check, ...routeScore(check.score, thresholds[check.kind as ThresholdedKind]) };
  });
}

/** A claim's outcome from stored checks under a threshold set, calibrated or in safe mode. */
export function replayOutcome(
  checks: readonly StoredCheck[],
  thresholds: ThresholdSet,
  options: { safeMode: boolean },
): ClaimOutcome {
  return decideOutcome(rerouteChecks(checks, thresholds), options);
}

/** One claim with a ground truth: its stored checks and whether (and which) problems it has. */
export interface LabelledClaim {
  claimId: string;
  checks: StoredCheck[];
  /** True when the claim should not be paid as filed (a reviewer denied it, or a labelled file says so). */
  problem: boolean;
  /** The check kinds whose problem is real, where known (per-check curves). */
  problems: CheckKind[];
}

export interface CalibrationTarget {
  /** α: the most false clears among auto-cleared claims that is acceptable (e.g. 0.02). */
  maxFalseClearRate: number;
  /** 1 − δ: the probability, over the calibration sample, that the guarantee holds (e.g. 0.95). */
  confidence: number;
}

/** One step of the fixed-sequence test: the band scale λ tried, and what it would auto-clear. */
export interface LttStep {
  lambda: number;
  cleared: number;
  falseClears: number;
  /** Clopper–Pearson upper bound on P(problem | auto-cleared) at the target's confidence. */
  upperBound: number;
  rejected: boolean;
}

export interface LttResult {
  /** The chosen scale: each model check's uncertainFrom = λ × its flagAt (0: nothing is auto-cleared). */
  lambda: number;
  steps: LttStep[];
  /** At the chosen thresholds, on the calibration claims. */
  cleared: number;
  falseClears: number;
  upperBound: number;
  calibrationClaims: number;
}

/** The model checks whose review band the fit sets; duplicates keep theirs (a hash distance has no meaningful band). */
export const BANDED_KINDS = [
  'peril_mismatch',
  'exclusion_evident',
  'object_mismatch',
  'no_visible_damage',
] as const satisfies readonly ThresholdedKind[];

/** The thresholds with every banded check's uncertainFrom at λ × its flagAt. */
export function scaledThresholds(base: ThresholdSet, lambda: number): ThresholdSet {
  const result = structuredClone(base);
  for (const kind of BANDED_KINDS) result[kind].uncertainFrom = round6(lambda * base[kind].flagAt);
  return result;
}

/** The fixed grid of λ, ascending: 0.01, 0.02, …, 1. Fixed before seeing data, as the test requires. */
export const LAMBDA_GRID: readonly number[] = Array.from({ length: 100 }, (_, index) => (index + 1) / 100);

/**
 * Learn then Test (Angelopoulos, Bates, Candès, Jordan, Lei 2021) with fixed-sequence testing, for the
 * conditional false-clear rate. For each λ of a grid fixed in advance, ascending (wider auto-clear region
 * as λ grows), the null hypothesis H_λ: P(problem | auto-cleared under λ) > α is tested with the exact
 * binomial test — rejected when the one-sided Clopper–Pearson upper bound of the false clears among the
 * n_λ calibration claims auto-cleared is ≤ α. Testing stops at the first λ not rejected; the largest
 * rejected λ is chosen (none rejected: λ = 0, nothing auto-cleared). Fixed-sequence testing controls the
 * family-wise error at δ = 1 − confidence, so with probability ≥ 1 − δ over the calibration sample the
 * chosen thresholds give P(problem | auto-cleared) ≤ α on new claims exchangeable with it.
 */
export function learnThenTest<C extends LabelledClaim>(
  claims: readonly C[],
  base: ThresholdSet | ((claim: C) => ThresholdSet),
  target: CalibrationTarget,
  grid: readonly number[] = LAMBDA_GRID,
): LttResult {
  const baseOf = typeof base === 'function' ? base : () => base;
  const clearedAt = (lambda: number) =>
    claims.filter(
      (claim) =>
        replayOutcome(claim.checks, scaledThresholds(baseOf(claim), lambda), { safeMode: false }) === 'consistent',
    );
  const steps: LttStep[] = [];
  let chosen = 0;
  for (const lambda of grid) {
    const cleared = clearedAt(lambda);
    const falseClears = cleared.filter((claim) => claim.problem).length;
    const upperBound = clopperPearsonUpper(falseClears, cleared.length, target.confidence);
    const rejected = upperBound <= target.maxFalseClearRate;
    steps.push({ lambda, cleared: cleared.length, falseClears, upperBound: round6(upperBound), rejected });
    if (!rejected) break;
    chosen = lambda;
  }
  const cleared = clearedAt(chosen);
  const falseClears = cleared.filter((claim) => claim.problem).length;
  return {
    lambda: chosen,
    steps,
    cleared: cleared.length,
    falseClears,
    upperBound: round6(clopperPearsonUpper(falseClears, cleared.length, target.confidence)),
    calibrationClaims: claims.length,
  };
}

export interface ReliabilityBin {
  from: number;
  to: number;
  count: number;
  meanScore: number | null;
  observedRate: number | null;
}

/**
 * Reliability curve of a check's score read as a probability of its problem: equal-width bins over [0, 1],
 * mean score against the observed rate per bin, and the expected calibration error
 * ECE = Σ_b (n_b / n) · |observed_b − meanScore_b|.
 */
export function reliability(
  pairs: ReadonlyArray<{ score: number; positive: boolean }>,
  bins = 10,
): { bins: ReliabilityBin[]; ece: number | null } {
  const result: ReliabilityBin[] = Array.from({ length: bins }, (_, index) => ({
    from: index / bins,
    to: (index + 1) / bins,
    count: 0,
    meanScore: null,
    observedRate: null,
  }));
  const sums = result.map(() => ({ score: 0, positive: 0 }));
  for (const pair of pairs) {
    const index = Math.min(bins - 1, Math.max(0, Math.floor(pair.score * bins)));
    result[index].count += 1;
    sums[index].score += pair.score;
    sums[index].positive += pair.positive ? 1 : 0;
  }
  let ece = 0;
  result.forEach((bin, index) => {
    if (bin.count === 0) return;
    bin.meanScore = round6(sums[index].score / bin.count);
    bin.observedRate = round6(sums[index].positive / bin.count);
    ece += (bin.count / pairs.length) * Math.abs(sums[index].positive / bin.count - sums[index].score / bin.count);
  });
  return { bins: result, ece: pairs.length === 0 ? null : round6(ece) };
}

export interface PrPoint {
  flagAt: number;
  precision: number | null;
  recall: number | null;
  flagged: number;
}

/** Precision and recall of "flag at score ≥ t" at each distinct observed score (ascending t). */
export function precisionRecall(pairs: ReadonlyArray<{ score: number; positive: boolean }>): PrPoint[] {
  const positives = pairs.filter((pair) => pair.positive).length;
  const thresholds = [...new Set(pairs.map((pair) => round6(pair.score)))].sort((a, b) => a - b);
  return thresholds.map((flagAt) => {
    const flagged = pairs.filter((pair) => round6(pair.score) >= flagAt);
    const truePositive = flagged.filter((pair) => pair.positive).length;
    return {
      flagAt,
      flagged: flagged.length,
      precision: flagged.length === 0 ? null : round6(truePositive / flagged.length),
      recall: positives === 0 ? null : round6(truePositive / positives),
    };
  });
}

/** Route of a claim in a what-if: the claim outcome and each check kind's route (its worst over photos). */
export type CheckRoute = 'flagged' | 'uncertain' | 'clear';

export function checkRoutes(checks: readonly StoredCheck[]): Partial<Record<CheckKind, CheckRoute>> {
  const routes: Partial<Record<CheckKind, CheckRoute>> = {};
  const rank: Record<CheckRoute, number> = { clear: 0, uncertain: 1, flagged: 2 };
  for (const check of checks) {
    const route: CheckRoute = check.flagged ? 'flagged' : check.uncertain ? 'uncertain' : 'clear';
    const before = routes[check.kind];
    if (!before || rank[route] > rank[before]) routes[check.kind] = route;
  }
  return routes;
}

export interface WhatIfClaim {
  claimId: string;
  checks: StoredCheck[];
  /** The final human decision, when the claim was decided. */
  decision: string | null;
}

export interface WhatIfResult {
  claims: number;
  outcomeChanges: Array<{ from: ClaimOutcome; to: ClaimOutcome; count: number }>;
  checkChanges: Array<{ kind: CheckKind; from: CheckRoute; to: CheckRoute; count: number }>;
  /** Outcome counts under the current and the proposed thresholds. */
  current: Record<ClaimOutcome, number>;
  proposed: Record<ClaimOutcome, number>;
  /** Decided claims the proposed thresholds would have routed differently. */
  decidedChanged: Array<{ claimId: string; decision: string; from: ClaimOutcome; to: ClaimOutcome }>;
}

function outcomeCounts(): Record<ClaimOutcome, number> {
  return { consistent: 0, inconsistent: 0, needs_review: 0 };
}

/** Replays stored checks under the current and the proposed thresholds (no inference) and counts what moves. */
export function whatIf(
  claims: readonly WhatIfClaim[],
  current: { thresholds: ThresholdSet; safeMode: boolean },
  proposed: { thresholds: ThresholdSet; safeMode: boolean },
): WhatIfResult {
  const outcomes = new Map<string, number>();
  const checks = new Map<string, number>();
  const result: WhatIfResult = {
    claims: claims.length,
    outcomeChanges: [],
    checkChanges: [],
    current: outcomeCounts(),
    proposed: outcomeCounts(),
    decidedChanged: [],
  };
  for (const claim of claims) {
    const before = rerouteChecks(claim.checks, current.thresholds);
    const after = rerouteChecks(claim.checks, proposed.thresholds);
    const from = decideOutcome(before, { safeMode: current.safeMode });
    const to = decideOutcome(after, { safeMode: proposed.safeMode });
    result.current[from] += 1;
    result.proposed[to] += 1;
    if (from !== to) {
      outcomes.set(`${from}|${to}`, (outcomes.get(`${from}|${to}`) ?? 0) + 1);
      if (claim.decision) result.decidedChanged.push({ claimId: claim.claimId, decision: claim.decision, from, to });
    }
    const routesBefore = checkRoutes(before);
    const routesAfter = checkRoutes(after);
    for (const kind of Object.keys(routesBefore) as CheckKind[]) {
      if (routesBefore[kind] !== routesAfter[kind])
        checks.set(
          `${kind}|${routesBefore[kind]}|${routesAfter[kind]}`,
          (checks.get(`${kind}|${routesBefore[kind]}|${routesAfter[kind]}`) ?? 0) + 1,
        );
    }
  }
  result.outcomeChanges = [...outcomes.entries()]
    .map(([key, count]) => {
      const [from, to] = key.split('|') as [ClaimOutcome, ClaimOutcome];
      return { from, to, count };
    })
    .sort((a, b) => b.count - a.count);
  result.checkChanges = [...checks.entries()]
    .map(([key, count]) => {
      const [kind, from, to] = key.split('|') as [CheckKind, CheckRoute, CheckRoute];
      return { kind, from, to, count };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind) || b.count - a.count);
  return result;
}
