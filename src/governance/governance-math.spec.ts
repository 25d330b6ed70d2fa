import { checkMetrics, confusionMatrix, expectedCalibrationError } from './evaluation-metrics';
import { expectedFlags } from './labelled-set';
import {
  blurTensor,
  cellCoverage,
  cellRect,
  heatmapFromWindowScores,
  heatmapRegionIou,
  iou,
  preservationBatch,
  slidingWindows,
  topCells,
} from './occlusion';
import { summariseReviews } from './model-evaluation';
import { routeWhatIf, shadowAgreement } from './shadow-report';
import { histogram, populationStabilityIndex, psiFromCounts, uniformEdges } from './psi';

const item = (score: number, flagged: boolean, expected: boolean, uncertain = false) => ({
  score,
  flagged,
  uncertain,
  expected,
});

describe('evaluation metrics', () => {
  it('precision, recall and the confusion matrix (uncertain counts as not flagged)', () => {
    const items = [
      item(0.9, true, true),
      item(0.8, true, false),
      item(0.4, false, true, true),
      item(0.1, false, true),
      item(0.1, false, false),
      item(0.3, false, false, true),
    ];
    const m = checkMetrics(items);
    expect(m.confusion).toEqual({
      positive: { flagged: 1, uncertain: 1, clear: 1 },
      negative: { flagged: 1, uncertain: 1, clear: 1 },
    });
    expect(m.precision).toBeCloseTo(0.5);
    expect(m.recall).toBeCloseTo(1 / 3);
    expect(m.f1).toBeCloseTo(0.4);
    expect(m.accuracy).toBeCloseTo(3 / 6);
    expect(m.positives).toBe(3);
  });

  it('precision and recall are null without a denominator', () => {
    const m = checkMetrics([item(0.1, false, false)]);
    expect(m.precision).toBeNull();
    expect(m.recall).toBeNull();
    expect(checkMetrics([]).ece).toBeNull();
    expect(confusionMatrix([]).positive.flagged).toBe(0);
  });

  it('ECE: 0 for perfect calibration, the gap otherwise', () => {
    // bin [0.2, 0.3): mean score 0.25, 1 of 4 positive -> calibrated
    const calibrated = [0.25, 0.25, 0.25, 0.25].map((score, index) => ({ score, expected: index === 0 }));
    expect(expectedCalibrationError(calibrated)).toBeCloseTo(0);
    // all scores 0.95 but half positive: gap 0.45
    const over = [0.95, 0.95].map((score, index) => ({ score, expected: index === 0 }));
    expect(expectedCalibrationError(over)).toBeCloseTo(0.45);
    // two bins weighted by size: 0.9 all positive (gap 0.1, weight 1/2) and 0.1 all negative (gap 0.1)
    expect(
      expectedCalibrationError([
        { score: 0.9, expected: true },
        { score: 0.1, expected: false },
      ]),
    ).toBeCloseTo(0.1);
    // a score of exactly 1 is in the last bin
    expect(expectedCalibrationError([{ score: 1, expected: true }])).toBeCloseTo(0);
    expect(() => expectedCalibrationError([], 0)).toThrow(RangeError);
  });

  it('the scene labels follow the checks’ meaning', () => {
    const exclusions = ['wear_and_tear'];
    expect(expectedFlags('hail', 'hail', exclusions, 'sedan', 'sedan')).toEqual([]);
    expect(expectedFlags('hail', 'fire', exclusions, 'sedan', 'sedan')).toEqual(['peril_mismatch']);
    expect(expectedFlags('wear_and_tear', 'fire', exclusions, 'sedan', 'suv')).toEqual([
      'exclusion_evident',
      'object_mismatch',
    ]);
    expect(expectedFlags('none', 'fire', exclusions, 'sedan', 'sedan')).toEqual(['no_visible_damage']);
  });
});

describe('population stability index', () => {
  it('is 0 for the same distribution and grows with the shift', () => {
    const reference = [0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95];
    expect(populationStabilityIndex(reference, reference)).toBeCloseTo(0);
    const small = populationStabilityIndex(reference, [...reference, 0.05, 0.05])!;
    const large = populationStabilityIndex(reference, [0.95, 0.95, 0.95, 0.85])!;
    expect(small).toBeGreaterThan(0);
    expect(large).toBeGreaterThan(small);
    expect(large).toBeGreaterThan(0.2);
  });

  it('matches the formula on counts, with empty bins floored', () => {
    // r = (0.5, 0.5), c = (0.25, 0.75): (0.25-0.5) ln(0.5) + (0.75-0.5) ln(1.5)
    expect(psiFromCounts([5, 5], [1, 3])).toBeCloseTo(-0.25 * Math.log(0.5) + 0.25 * Math.log(1.5));
    const floored = psiFromCounts([10, 0], [5, 5])!;
    expect(Number.isFinite(floored)).toBe(true);
    expect(floored).toBeCloseTo((0.5 - 1) * Math.log(0.5) + (0.5 - 1e-4) * Math.log(0.5 / 1e-4));
    expect(psiFromCounts([0, 0], [1, 1])).toBeNull();
    expect(() => psiFromCounts([1], [1, 2])).toThrow(RangeError);
  });

  it('bins edges inclusive on the left, the top edge in the last bin', () => {
    expect(uniformEdges(4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(histogram([0, 0.25, 0.49, 1, 1.2, -0.1, Number.NaN], uniformEdges(4))).toEqual([2, 2, 0, 2]);
  });
});

describe('occlusion', () => {
  it('cuts the input into grid cells that tile it exactly', () => {
    let area = 0;
    for (let cell = 0; cell < 49; cell += 1) {
      const r = cellRect(cell, 7, 224);
      area += (r.x1 - r.x0) * (r.y1 - r.y0);
    }
    expect(area).toBe(224 * 224);
    expect(cellRect(8, 7, 224)).toEqual({ x0: 32, x1: 64, y0: 32, y1: 64 });
  });

  it('blurs a tensor: a flat image stays flat, a spike spreads, the total is kept away from the edges', () => {
    const size = 16;
    expect(
      [...blurTensor(new Float32Array(3 * size * size).fill(0.5), size, 2)].every((v) => Math.abs(v - 0.5) < 1e-6),
    ).toBe(true);
    const spike = new Float32Array(3 * size * size);
    spike[8 * size + 8] = 1;
    const blurred = blurTensor(spike, size, 2);
    expect(blurred[8 * size + 8]).toBeLessThan(0.2);
    expect(blurred[8 * size + 9]).toBeGreaterThan(0);
    expect(blurred.subarray(0, size * size).reduce((sum, v) => sum + v, 0)).toBeCloseTo(1, 5);
    expect(blurred.subarray(size * size).every((v) => v === 0)).toBe(true);
    expect(() => blurTensor(new Float32Array(5), size, 2)).toThrow(RangeError);
  });

  it('slides one-cell windows by half a cell: (2·grid − 1)² of them, every half cell covered', () => {
    const windows = slidingWindows(2);
    expect(windows).toHaveLength(9);
    expect(windows[0]).toEqual({ r0: 0, c0: 0, r1: 2, c1: 2 });
    expect(windows[4]).toEqual({ r0: 1, c0: 1, r1: 3, c1: 3 });
    expect(slidingWindows(7)).toHaveLength(169);
  });

  it('builds one batch: the input, the blurred input, then the blurred input showing one window each', () => {
    const size = 4;
    const pixels = new Float32Array(3 * size * size).fill(1);
    const blurred = new Float32Array(3 * size * size).fill(0.25);
    const batch = preservationBatch(pixels, blurred, size, 1);
    // grid 1: half cells are 2 × 2 pixels, one window (the whole input)
    expect(batch.length).toBe(3 * 3 * size * size);
    const copy = (n: number) => batch.subarray(n * 48, (n + 1) * 48);
    expect([...copy(0)].every((v) => v === 1)).toBe(true);
    expect([...copy(1)].every((v) => v === 0.25)).toBe(true);
    expect([...copy(2)].every((v) => v === 1)).toBe(true);
    const grid2 = preservationBatch(new Float32Array(3 * 64).fill(1), new Float32Array(3 * 64), 8, 2);
    // window 4 (the centre one) shows pixels 2–5 of rows 2–5, in every channel
    const centre = grid2.subarray(6 * 192, 7 * 192);
    for (let channel = 0; channel < 3; channel += 1)
      for (let y = 0; y < 8; y += 1)
        for (let x = 0; x < 8; x += 1)
          expect(centre[channel * 64 + y * 8 + x]).toBe(y >= 2 && y < 6 && x >= 2 && x < 6 ? 1 : 0);
    expect(() => preservationBatch(new Float32Array(5), blurred, size, 1)).toThrow(RangeError);
    expect(() => preservationBatch(pixels, blurred, size, 3)).toThrow(RangeError);
  });

  it('credits each cell with the mean gain over the blurred input of the windows covering it', () => {
    // grid 2, 9 windows: only the top-left window (cell 0 exactly) raises the score
    const scores = [0.9, 0.1, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const heatmap = heatmapFromWindowScores(scores, 2);
    expect(heatmap.baseline).toBe(0.9);
    expect(heatmap.reference).toBe(0.1);
    // cell 0: its top-left half cell is covered by that window alone (0.4), the other three by 2 or 4 windows
    expect(heatmap.drops[0]).toBeCloseTo((0.4 + 0.2 + 0.2 + 0.1) / 4);
    // the window covers cell 0 only: the other cells gain nothing
    expect(heatmap.drops.slice(1).map((d) => Math.abs(d) < 1e-9)).toEqual([true, true, true]);
    expect(() => heatmapFromWindowScores([0.1, 0.2], 2)).toThrow(RangeError);
  });

  it('top cells and IoU against a region', () => {
    const drops = [0, 0.7, 0.1, 0.8];
    expect([...topCells(drops, 2)].sort()).toEqual([1, 3]);
    expect(iou(new Set([1, 3]), new Set([3]))).toBeCloseTo(0.5);
    expect(iou(new Set(), new Set())).toBe(0);
    // region: the right half covered
    const region = heatmapRegionIou(drops, [0, 1, 0, 1]);
    expect(region).toEqual({ iou: 1, regionCells: [1, 3], topCells: [1, 3] });
    // a tiny region still has its most covered cell
    expect(heatmapRegionIou(drops, [0, 0, 0, 0.01]).regionCells).toEqual([3]);
  });

  it('maps a mask of the original picture onto the centre crop', () => {
    // 6 wide, 4 high: the crop is columns 1-4; the mask covers column 1-2 of rows 0-1 (the crop's top-left cell)
    const mask = new Uint8Array(24);
    for (const [x, y] of [
      [1, 0],
      [2, 0],
      [1, 1],
      [2, 1],
      [0, 3],
    ])
      mask[y * 6 + x] = 1;
    expect(cellCoverage(mask, 6, 4, 2)).toEqual([1, 0, 0, 0]);
  });
});

describe('shadow reports', () => {
  const row = (
    claimId: string,
    championOutcome: string,
    shadowOutcome: string,
    champion: string[],
    shadow: string[],
    decision: { outcome: string; reasonCode: string } | null = null,
  ) => ({
    claimId,
    championOutcome,
    shadowOutcome,
    championChecks: MODEL_KINDS.map((kind) => ({ kind, flagged: champion.includes(kind) })),
    shadowChecks: MODEL_KINDS.map((kind) => ({ kind, flagged: shadow.includes(kind) })),
    decision,
  });
  const MODEL_KINDS = ['peril_mismatch', 'exclusion_evident', 'object_mismatch', 'no_visible_damage'];
  const rows = [
    row('a', 'consistent', 'consistent', [], []),
    row('b', 'inconsistent', 'consistent', ['peril_mismatch'], [], { outcome: 'approve', reasonCode: 'other' }),
    row('c', 'needs_review', 'inconsistent', [], ['exclusion_evident'], {
      outcome: 'deny',
      reasonCode: 'excluded_peril',
    }),
  ];

  it('the what-if counts the routes the challenger would change', () => {
    const whatIf = routeWhatIf(rows);
    expect(whatIf.claims).toBe(3);
    expect(whatIf.changed).toBe(2);
    expect(whatIf.matrix.inconsistent.consistent).toBe(1);
    expect(whatIf.matrix.needs_review.inconsistent).toBe(1);
    expect(whatIf.matrix.consistent.consistent).toBe(1);
    expect(whatIf.reviewLoad).toEqual({ champion: 2, shadow: 1 });
    expect(whatIf.examples.map((e) => e.claimId)).toEqual(['b', 'c']);
  });

  it('agreement between the models and with the reviewers, per check', () => {
    const report = shadowAgreement(rows);
    expect(report.outcomeAgreement).toBeCloseTo(0.333, 3);
    const peril = report.checks.find((c) => c.kind === 'peril_mismatch')!;
    expect(peril).toMatchObject({ claims: 3, bothFlagged: 0, championOnly: 1, shadowOnly: 0, neither: 2 });
    expect(peril.agreement).toBeCloseTo(0.667, 3);
    // b approved: every flag is wrong; c denied for an excluded peril: says nothing about peril_mismatch
    expect(peril).toMatchObject({ reviewed: 1, championAgreesWithReviewers: 0, shadowAgreesWithReviewers: 1 });
    const exclusion = report.checks.find((c) => c.kind === 'exclusion_evident')!;
    expect(exclusion).toMatchObject({ reviewed: 2, championAgreesWithReviewers: 0.5, shadowAgreesWithReviewers: 1 });
    expect(shadowAgreement([]).outcomeAgreement).toBeNull();
  });
});

describe('metrics from reviews', () => {
  const reviewed = (claimId: string, kind: string, flagged: boolean, outcome: string, reasonCode: string) => ({
    claimId,
    kind,
    score: flagged ? 0.8 : 0.1,
    flagged,
    uncertain: false,
    outcome,
    reasonCode,
  });

  it('labels a check only where the final decision speaks to it', () => {
    const result = summariseReviews([
      // approved: the flag was wrong, the clear check right
      reviewed('a', 'peril_mismatch', true, 'approve', 'consistent'),
      reviewed('a', 'object_mismatch', false, 'approve', 'consistent'),
      // denied for an excluded peril: confirms exclusion_evident, says nothing of peril_mismatch
      reviewed('b', 'exclusion_evident', true, 'deny', 'excluded_peril'),
      reviewed('b', 'peril_mismatch', false, 'deny', 'excluded_peril'),
      // not a model check
      reviewed('c', 'duplicate_photo', true, 'deny', 'duplicate_evidence'),
    ]);
    expect(result.claims).toBe(2);
    expect(result.checks.peril_mismatch).toMatchObject({ n: 1, falsePositive: 1, precision: 0 });
    expect(result.checks.exclusion_evident).toMatchObject({ n: 1, truePositive: 1, recall: 1 });
    expect(result.checks.object_mismatch).toMatchObject({ n: 1, trueNegative: 1 });
    expect(result.checks.no_visible_damage.n).toBe(0);
  });
});
