import type { Threshold } from '../api/types';

export interface ScoreBarProps {
  label: string;
  score: number;
  threshold?: Threshold;
  flagged: boolean;
  uncertain: boolean;
  reason?: string;
}

export function scoreStatus(
  score: number,
  threshold: Threshold | undefined,
  flagged: boolean,
  uncertain: boolean,
): 'flagged' | 'uncertain' | 'clear' {
  if (flagged) return 'flagged';
  if (uncertain) return 'uncertain';
  if (threshold && score >= threshold.flagAt) return 'flagged';
  return 'clear';
}

const pct = (value: number) => `${Math.round(Math.max(0, Math.min(1, value)) * 1000) / 10}%`;

/** One check's score as a bar with its thresholds marked; the status is in words too, never colour alone. */
export function ScoreBar({ label, score, threshold, flagged, uncertain, reason }: ScoreBarProps) {
  const status = scoreStatus(score, threshold, flagged, uncertain);
  const describe = threshold
    ? `${score.toFixed(2)} — flags at ${threshold.flagAt.toFixed(2)}, review from ${threshold.uncertainFrom.toFixed(2)}`
    : `${score.toFixed(2)}`;
  return (
    <div className={`scorebar scorebar--${status}`} data-testid="score-bar" data-status={status}>
      <div className="scorebar__head">
        <span className="scorebar__label">{label}</span>
        <span className={`badge badge--${status}`}>
          {status === 'flagged' ? 'Flagged' : status === 'uncertain' ? 'Needs review' : 'Clear'}
        </span>
      </div>
      <div
        className="scorebar__track"
        role="meter"
        aria-label={`${label} score`}
        aria-valuemin={0}
        aria-valuemax={1}
        aria-valuenow={Math.round(score * 1000) / 1000}
        aria-valuetext={describe}
      >
        {threshold && (
          <span
            className="scorebar__band"
            style={{ left: pct(threshold.uncertainFrom), width: pct(threshold.flagAt - threshold.uncertainFrom) }}
            aria-hidden="true"
          />
        )}
        <span className="scorebar__fill" style={{ width: pct(score) }} aria-hidden="true" />
        {threshold && (
          <span
            className="scorebar__mark"
            style={{ left: pct(threshold.flagAt) }}
            title={`flags at ${threshold.flagAt}`}
            aria-hidden="true"
          />
        )}
      </div>
      <div className="scorebar__numbers">{describe}</div>
      {reason && <p className="scorebar__reason">{reason}</p>}
    </div>
  );
}
