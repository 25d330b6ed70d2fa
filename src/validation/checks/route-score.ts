/** A threshold pair: flag at or above `flagAt`, review from `uncertainFrom`. */
export interface ScoreThreshold {
  flagAt: number;
  uncertainFrom: number;
}

/** Rounds a score as checks store it (6 decimals): the replay and the live routing compare the same numbers. */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * The route of one thresholded score: flag at or above flagAt, review from uncertainFrom, else clear.
 * Live checks and replays of stored runs (what-if, calibration) both route through this one rule, on the
 * score as stored (clamped to [0, 1], 6 decimals), so a replay cannot disagree with a re-run.
 */
export function routeScore(score: number, threshold: ScoreThreshold): { flagged: boolean; uncertain: boolean } {
  const stored = round6(Math.max(0, Math.min(1, score)));
  const flagged = stored >= threshold.flagAt;
  return { flagged, uncertain: !flagged && stored >= threshold.uncertainFrom };
}
