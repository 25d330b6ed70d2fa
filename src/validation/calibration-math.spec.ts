import {
  binomialCdf,
  clopperPearsonLower,
  clopperPearsonUpper,
  learnThenTest,
  precisionRecall,
  reliability,
  routeScore,
  scaledThresholds,
  whatIf,
  type LabelledClaim,
  type StoredCheck,
} from './calibration-math';
import { defaultThresholds, type ThresholdSet } from './default-thresholds';

const BASE: ThresholdSet = {
  peril_mismatch: { flagAt: 0.5, uncertainFrom: 0.25 },
  exclusion_evident: { flagAt: 0.5, uncertainFrom: 0.25 },
  object_mismatch: { flagAt: 0.5, uncertainFrom: 0.25 },
  no_visible_damage: { flagAt: 0.5, uncertainFrom: 0.25 },
  duplicate_photo: { flagAt: 0.9, uncertainFrom: 0.9 },
};

function checks(peril: number, extra: Partial<StoredCheck> = {}): StoredCheck[] {
  return [
    { kind: 'peril_mismatch', score: peril, flagged: false, uncertain: false, ...extra },
    { kind: 'exclusion_evident', score: 0, flagged: false, uncertain: false },
    { kind: 'object_mismatch', score: 0, flagged: false, uncertain: false },
    { kind: 'no_visible_damage', score: 0, flagged: false, uncertain: false },
    { kind: 'duplicate_photo', score: 0.5, flagged: false, uncertain: false },
    { kind: 'exif_anomaly', score: 0, flagged: false, uncertain: false },
  ];
}

function claim(id: string, peril: number, problem: boolean): LabelledClaim {
  return { claimId: id, checks: checks(peril), problem, problems: problem ? ['peril_mismatch'] : [] };
}

describe('binomial tail and Clopper–Pearson bounds', () => {
  it('computes the binomial CDF exactly on small cases', () => {
    expect(binomialCdf(2, 4, 0.5)).toBeCloseTo(11 / 16, 14);
    expect(binomialCdf(0, 3, 0.1)).toBeCloseTo(0.729, 14);
    expect(binomialCdf(3, 3, 0.7)).toBe(1);
    expect(binomialCdf(-1, 3, 0.7)).toBe(0);
  });

  it('gives 1 − δ^(1/n) with no events, and 1 when nothing was observed', () => {
    expect(clopperPearsonUpper(0, 10, 0.95)).toBeCloseTo(1 - Math.pow(0.05, 0.1), 12);
    expect(clopperPearsonUpper(0, 10, 0.95)).toBeCloseTo(0.258866, 6);
    expect(clopperPearsonUpper(0, 0, 0.95)).toBe(1);
    expect(clopperPearsonUpper(5, 5, 0.95)).toBe(1);
  });

  it('solves P(Bin(n, U) ≤ k) = δ for k > 0 (k = 1, n = 10: U = 0.3942)', () => {
    const upper = clopperPearsonUpper(1, 10, 0.95);
    expect(binomialCdf(1, 10, upper)).toBeCloseTo(0.05, 9);
    expect(upper).toBeCloseTo(0.394161, 5);
  });

  it('needs 149 clean auto-cleared claims before a 2% bound at 95% holds', () => {
    expect(clopperPearsonUpper(0, 148, 0.95)).toBeGreaterThan(0.02);
    expect(clopperPearsonUpper(0, 149, 0.95)).toBeLessThanOrEqual(0.02);
    expect(clopperPearsonUpper(1, 201, 0.95)).toBeGreaterThan(0.02);
  });

  it('mirrors the upper bound for the lower one', () => {
    expect(clopperPearsonLower(10, 10, 0.95)).toBeCloseTo(Math.pow(0.05, 0.1), 12);
    expect(clopperPearsonLower(0, 10, 0.95)).toBe(0);
  });
});

describe('routeScore', () => {
  it('routes the stored (6-decimal) score, so a replay of stored rows and the live check agree', () => {
    expect(routeScore(0.3000004, { flagAt: 0.3, uncertainFrom: 0.1 })).toEqual({ flagged: true, uncertain: false });
    expect(routeScore(0.2999994, { flagAt: 0.3, uncertainFrom: 0.1 })).toEqual({ flagged: false, uncertain: true });
    expect(routeScore(0.05, { flagAt: 0.3, uncertainFrom: 0.1 })).toEqual({ flagged: false, uncertain: false });
  });
});

describe('learnThenTest (fixed-sequence, Clopper–Pearson)', () => {
  const grid = [0.2, 0.4, 0.6, 0.8, 1];

  it('widens auto-clear until the bound on false clears among the cleared exceeds α, then stops', () => {
    const claims = [
      ...Array.from({ length: 200 }, (_, index) => claim(`h${index}`, 0, false)),
      claim('p', 0.3, true), // uncertain while uncertainFrom = λ·0.5 ≤ 0.3, i.e. λ ≤ 0.6
    ];
    const result = learnThenTest(claims, BASE, { maxFalseClearRate: 0.02, confidence: 0.95 }, grid);
    expect(result.steps.map((step) => step.rejected)).toEqual([true, true, true, false]);
    expect(result.steps[3]).toMatchObject({ lambda: 0.8, cleared: 201, falseClears: 1 });
    expect(result.lambda).toBe(0.6);
    expect(result).toMatchObject({ cleared: 200, falseClears: 0, calibrationClaims: 201 });
    expect(result.upperBound).toBeCloseTo(1 - Math.pow(0.05, 1 / 200), 6);
    expect(scaledThresholds(BASE, result.lambda).peril_mismatch).toEqual({ flagAt: 0.5, uncertainFrom: 0.3 });
    expect(scaledThresholds(BASE, result.lambda).duplicate_photo).toEqual(BASE.duplicate_photo);
  });

  it('clears nothing (λ = 0) when the first test fails, even if a later λ would pass', () => {
    const claims = Array.from({ length: 100 }, (_, index) => claim(`h${index}`, 0, false));
    const result = learnThenTest(claims, BASE, { maxFalseClearRate: 0.02, confidence: 0.95 }, grid);
    expect(result.lambda).toBe(0);
    expect(result.steps).toHaveLength(1);
    expect(result.cleared).toBe(0);
  });
});

describe('reliability and precision–recall', () => {
  it('computes ECE as the weighted gap between mean score and observed rate', () => {
    const curve = reliability([
      { score: 0.05, positive: false },
      { score: 0.05, positive: false },
      { score: 0.95, positive: true },
      { score: 0.95, positive: false },
    ]);
    expect(curve.ece).toBeCloseTo(0.25, 6);
    expect(curve.bins[9]).toMatchObject({ count: 2, meanScore: 0.95, observedRate: 0.5 });
    expect(reliability([]).ece).toBeNull();
  });

  it('gives precision and recall per distinct threshold', () => {
    expect(
      precisionRecall([
        { score: 0.1, positive: false },
        { score: 0.4, positive: true },
        { score: 0.8, positive: true },
      ]),
    ).toEqual([
      { flagAt: 0.1, flagged: 3, precision: 0.666667, recall: 1 },
      { flagAt: 0.4, flagged: 2, precision: 1, recall: 1 },
      { flagAt: 0.8, flagged: 1, precision: 1, recall: 0.5 },
    ]);
  });
});

describe('whatIf', () => {
  it('counts outcome and check-route changes and lists decided claims routed differently', () => {
    const claims = [
      { claimId: 'a', checks: checks(0.3), decision: 'approve' }, // uncertain → clear with uncertainFrom 0.4
      { claimId: 'b', checks: checks(0.45), decision: null }, // uncertain either way
      { claimId: 'c', checks: checks(0.6), decision: 'deny' }, // flagged either way
      { claimId: 'd', checks: checks(0.3, { forced: true, uncertain: true }), decision: null }, // forced stays
    ];
    const proposed = { ...BASE, peril_mismatch: { flagAt: 0.5, uncertainFrom: 0.4 } };
    const result = whatIf(claims, { thresholds: BASE, safeMode: false }, { thresholds: proposed, safeMode: false });
    expect(result.current).toEqual({ consistent: 0, inconsistent: 1, needs_review: 3 });
    expect(result.proposed).toEqual({ consistent: 1, inconsistent: 1, needs_review: 2 });
    expect(result.outcomeChanges).toEqual([{ from: 'needs_review', to: 'consistent', count: 1 }]);
    expect(result.checkChanges).toEqual([{ kind: 'peril_mismatch', from: 'uncertain', to: 'clear', count: 1 }]);
    expect(result.decidedChanged).toEqual([
      { claimId: 'a', decision: 'approve', from: 'needs_review', to: 'consistent' },
    ]);
  });

  it('in safe mode nothing is auto-cleared', () => {
    const result = whatIf(
      [{ claimId: 'a', checks: checks(0), decision: null }],
      { thresholds: defaultThresholds('auto'), safeMode: true },
      { thresholds: defaultThresholds('auto'), safeMode: false },
    );
    expect(result.outcomeChanges).toEqual([{ from: 'needs_review', to: 'consistent', count: 1 }]);
  });
});
