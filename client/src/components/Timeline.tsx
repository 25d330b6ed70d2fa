import { parseLooseDate } from '../format';

export interface TimelinePoint {
  label: string;
  date: string | null | undefined;
  kind: 'policy' | 'incident' | 'capture' | 'filing';
  anomaly?: boolean;
}

const DAY = 86_400_000;

/** Dates on one horizontal line (SVG): policy start, incident, photo capture(s), filing. */
export function Timeline({ points, title }: { points: TimelinePoint[]; title: string }) {
  const dated = points
    .map((point) => ({ ...point, time: parseLooseDate(point.date) }))
    .filter((point): point is TimelinePoint & { time: number } => point.time !== null);
  if (dated.length === 0) return <p className="muted">No dates to show.</p>;
  const min = Math.min(...dated.map((point) => point.time));
  const max = Math.max(...dated.map((point) => point.time));
  const span = Math.max(DAY, max - min);
  const width = 320;
  const left = 20;
  const right = width - 20;
  const x = (time: number) => left + ((time - min) / span) * (right - left);
  const sorted = [...dated].sort((a, b) => a.time - b.time);
  return (
    <figure className="timeline">
      <svg viewBox={`0 0 ${width} ${40 + sorted.length * 18}`} role="img" aria-label={title} width="100%">
        <line x1={left} x2={right} y1={20} y2={20} stroke="#57606a" strokeWidth={2} />
        {sorted.map((point, index) => (
          <g key={`${point.kind}-${index}`}>
            <circle
              cx={x(point.time)}
              cy={20}
              r={6}
              className={`tl-dot tl-${point.kind}${point.anomaly ? ' tl-anomaly' : ''}`}
            />
            <line
              x1={x(point.time)}
              x2={x(point.time)}
              y1={26}
              y2={34 + index * 18}
              stroke="#8c959f"
              strokeDasharray="2 2"
            />
            <text
              x={Math.min(x(point.time), right - 175)}
              y={46 + index * 18}
              fontSize={11}
              fill={point.anomaly ? '#a40e26' : '#24292f'}
            >
              {point.label}: {new Date(point.time).toISOString().slice(0, 10)}
              {point.anomaly ? ' ⚠' : ''}
            </text>
          </g>
        ))}
      </svg>
      <figcaption className="sr-only">
        {sorted
          .map(
            (point) =>
              `${point.label} ${new Date(point.time).toISOString().slice(0, 10)}${point.anomaly ? ' (anomaly)' : ''}`,
          )
          .join('; ')}
      </figcaption>
    </figure>
  );
}
