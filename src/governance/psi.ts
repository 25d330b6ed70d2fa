/**
 * Population stability index (pure): how far a current score distribution has moved from a reference.
 * PSI = Σ_i (c_i − r_i) · ln(c_i / r_i) over bins, with c_i and r_i the fractions of each sample in bin
 * i. Empty bins would make the logarithm infinite, so every fraction is floored at `epsilon` (1e-4), the
 * usual practice. Common reading: < 0.1 stable, 0.1–0.2 some shift, > 0.2 a significant shift.
 */

/** Equal-width bin edges over [0, 1]: the check scores' range. */
export function uniformEdges(bins = 10): number[] {
  if (!Number.isInteger(bins) || bins < 1) throw new RangeError('bins must be a positive integer');
  return Array.from({ length: bins + 1 }, (_, index) => index / bins);
}

/** Counts per bin; a value equal to the last edge (or above) goes to the last bin, below the first to the first. */
export function histogram(values: readonly number[], edges: readonly number[]): number[] {
  if (edges.length < 2) throw new RangeError('need at least two edges');
  const bins = edges.length - 1;
  const counts = new Array<number>(bins).fill(0);
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    let bin = 0;
    while (bin < bins - 1 && value >= edges[bin + 1]) bin += 1;
    counts[bin] += 1;
  }
  return counts;
}

export function psiFromCounts(reference: readonly number[], current: readonly number[], epsilon = 1e-4): number | null {
  if (reference.length !== current.length) throw new RangeError('reference and current need the same bins');
  const referenceTotal = reference.reduce((sum, count) => sum + count, 0);
  const currentTotal = current.reduce((sum, count) => sum + count, 0);
  if (referenceTotal === 0 || currentTotal === 0) return null;
  let psi = 0;
  for (let bin = 0; bin < reference.length; bin += 1) {
    const r = Math.max(epsilon, reference[bin] / referenceTotal);
    const c = Math.max(epsilon, current[bin] / currentTotal);
    psi += (c - r) * Math.log(c / r);
  }
  return psi;
}

/** PSI of two samples of scores over the same edges; null when either sample is empty. */
export function populationStabilityIndex(
  reference: readonly number[],
  current: readonly number[],
  edges: readonly number[] = uniformEdges(10),
): number | null {
  return psiFromCounts(histogram(reference, edges), histogram(current, edges));
}
