/**
 * Metrics of a binary check against labels (pure functions, no I/O). A check "predicts positive" when it
 * flags; `uncertain` (review band) counts as not flagged for precision and recall, and gets its own
 * column in the confusion matrix so an operator sees how much goes to review.
 */

export interface LabelledScore {
  /** The check's score in [0, 1]. */
  score: number;
  flagged: boolean;
  uncertain: boolean;
  /** The label: should the check flag? */
  expected: boolean;
}

/** Rows: what the labels say; columns: what the check did. */
export interface ConfusionMatrix {
  positive: { flagged: number; uncertain: number; clear: number };
  negative: { flagged: number; uncertain: number; clear: number };
}

export interface CheckMetrics {
  n: number;
  positives: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  trueNegative: number;
  /** null when the check never flagged (no denominator). */
  precision: number | null;
  /** null when there is no positive label. */
  recall: number | null;
  f1: number | null;
  accuracy: number | null;
  /** Expected calibration error of the score read as P(should flag); null on an empty set. */
  ece: number | null;
  confusion: ConfusionMatrix;
}

export function confusionMatrix(items: readonly LabelledScore[]): ConfusionMatrix {
  const matrix: ConfusionMatrix = {
    positive: { flagged: 0, uncertain: 0, clear: 0 },
    negative: { flagged: 0, uncertain: 0, clear: 0 },
  };
  for (const item of items) {
    const row = item.expected ? matrix.positive : matrix.negative;
    if (item.flagged) row.flagged += 1;
    else if (item.uncertain) row.uncertain += 1;
    else row.clear += 1;
  }
  return matrix;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/**
 * Expected calibration error (Guo et al. 2017, binary form): the scores are cut into `bins` equal-width
 * bins over [0, 1]; ECE = Σ_b (|b| / n) · |mean score in b − fraction of positive labels in b|. A score
 * of exactly 1 falls in the last bin. Scores outside [0, 1] are clamped.
 */
export function expectedCalibrationError(
  items: ReadonlyArray<{ score: number; expected: boolean }>,
  bins = 10,
): number | null {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be a positive integer');
  if (items.length === 0) return null;
  const count = new Array<number>(bins).fill(0);
  const scoreSum = new Array<number>(bins).fill(0);
  const positive = new Array<number>(bins).fill(0);
  for (const item of items) {
    const score = Math.min(1, Math.max(0, item.score));
    const bin = Math.min(bins - 1, Math.floor(score * bins));
    count[bin] += 1;
    scoreSum[bin] += score;
    if (item.expected) positive[bin] += 1;
  }
  let ece = 0;
  for (let bin = 0; bin < bins; bin += 1) {
    if (count[bin] === 0) continue;
    ece += (count[bin] / items.length) * Math.abs(scoreSum[bin] / count[bin] - positive[bin] / count[bin]);
  }
  return ece;
}

export function checkMetrics(items: readonly LabelledScore[], bins = 10): CheckMetrics {
  const confusion = confusionMatrix(items);
  const truePositive = confusion.positive.flagged;
  const falseNegative = confusion.positive.uncertain + confusion.positive.clear;
  const falsePositive = confusion.negative.flagged;
  const trueNegative = confusion.negative.uncertain + confusion.negative.clear;
  const precision = ratio(truePositive, truePositive + falsePositive);
  const recall = ratio(truePositive, truePositive + falseNegative);
  const f1 =
    precision === null || recall === null || precision + recall === 0
      ? null
      : (2 * precision * recall) / (precision + recall);
  return {
    n: items.length,
    positives: truePositive + falseNegative,
    truePositive,
    falsePositive,
    falseNegative,
    trueNegative,
    precision,
    recall,
    f1,
    accuracy: ratio(truePositive + trueNegative, items.length),
    ece: expectedCalibrationError(items, bins),
    confusion,
  };
}
