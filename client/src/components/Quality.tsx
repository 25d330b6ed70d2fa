import type { ReactNode } from 'react';
import { label } from '../format';
import type { CheckQuality, QualityDay } from '../api/types';

export function percent(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)}%`;
}

export function threshold(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : value.toFixed(3);
}

/** Share of reviewed checks where the model and the reviewer agreed; null without reviews. */
export function agreement(check: Pick<CheckQuality, 'agreed' | 'reviewed'>): number | null {
  return check.reviewed === 0 ? null : check.agreed / check.reviewed;
}

/** Every UTC day from `from` to `to` (inclusive), with the series' counts and zeros elsewhere. */
export function fillDays(series: readonly QualityDay[], from: string, to: string): QualityDay[] {
  const byDay = new Map(series.map((entry) => [entry.day, entry]));
  const start = Date.parse(`${from.slice(0, 10)}T00:00:00Z`);
  const end = Date.parse(`${to.slice(0, 10)}T00:00:00Z`);
  const days: QualityDay[] = [];
  if (Number.isNaN(start) || Number.isNaN(end) || end < start) return [...series];
  for (let time = start; time <= end && days.length < 3700; time += 86_400_000) {
    const day = new Date(time).toISOString().slice(0, 10);
    const entry = byDay.get(day);
    days.push({ day, agreed: entry?.agreed ?? 0, disagreed: entry?.disagreed ?? 0 });
  }
  // Days outside the range (clock skew between client and server) still count.
  for (const entry of series) if (!days.some((day) => day.day === entry.day)) days.push({ ...entry });
  return days.sort((a, b) => a.day.localeCompare(b.day));
}

/** The series of several checks summed per day. */
export function combineSeries(checks: readonly CheckQuality[]): QualityDay[] {
  const byDay = new Map<string, QualityDay>();
  for (const check of checks)
    for (const entry of check.series) {
      const day = byDay.get(entry.day) ?? { day: entry.day, agreed: 0, disagreed: 0 };
      day.agreed += entry.agreed;
      day.disagreed += entry.disagreed;
      byDay.set(entry.day, day);
    }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The chart's text alternative. */
export function describeSeries(days: readonly QualityDay[], subject: string): string {
  const agreed = days.reduce((sum, day) => sum + day.agreed, 0);
  const disagreed = days.reduce((sum, day) => sum + day.disagreed, 0);
  const total = agreed + disagreed;
  const span = days.length > 0 ? ` from ${days[0].day} to ${days[days.length - 1].day}` : '';
  if (total === 0) return `${subject}: no reviewed checks${span}.`;
  const active = days.filter((day) => day.agreed + day.disagreed > 0).length;
  return `${subject}${span}: ${total} reviewed check${total === 1 ? '' : 's'} on ${active} day${active === 1 ? '' : 's'}, ${agreed} agreed (${percent(agreed / total)}), ${disagreed} disagreed.`;
}

export function QualityTable({ checks }: { checks: readonly CheckQuality[] }) {
  return (
    <div className="table-wrap">
      <table data-testid="quality-table">
        <caption className="sr-only">Agreement between the model and reviewers per check</caption>
        <thead>
          <tr>
            <th scope="col">Check</th>
            {['Reviewed', 'Agreed', 'Disagreed', 'Agreement', 'Precision', 'Recall', 'Current flagAt'].map((name) => (
              <NumberHeader key={name}>{name}</NumberHeader>
            ))}
            <th scope="col" className="num">
              Recommended flagAt
              <br />
              <span className="muted">(recommended, not applied)</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {checks.map((check) => (
            <tr key={check.kind} data-testid="quality-row" data-kind={check.kind}>
              <th scope="row">{label(check.kind)}</th>
              <td className="num">{check.reviewed}</td>
              <td className="num">{check.agreed}</td>
              <td className="num">{check.disagreed}</td>
              <td className="num">{percent(agreement(check))}</td>
              <td
                className="num"
                title={
                  check.precision === null
                    ? 'No flags among the reviewed claims'
                    : `${check.truePositive} of ${check.truePositive + check.falsePositive} flags confirmed`
                }
              >
                {percent(check.precision)}
              </td>
              <td
                className="num"
                title={
                  check.recall === null
                    ? 'No confirmed problems among the reviewed claims'
                    : `${check.truePositive} of ${check.truePositive + check.falseNegative} confirmed problems flagged`
                }
              >
                {percent(check.recall)}
              </td>
              <td className="num">{threshold(check.currentFlagAt)}</td>
              <td className="num">
                {check.recommendedFlagAt === null ? (
                  '—'
                ) : (
                  <>
                    <span className="recommended">{threshold(check.recommendedFlagAt)}</span>
                    {check.recommendedAgreement !== null && (
                      <div className="muted small">would agree {percent(check.recommendedAgreement)}</div>
                    )}
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const WIDTH = 720;
const HEIGHT = 200;
const PAD = { left: 36, right: 8, top: 10, bottom: 28 };

/** Agreed (bottom) and disagreed (top) reviewed checks per day as stacked SVG bars, with a text alternative. */
export function AgreementChart({ days, subject }: { days: readonly QualityDay[]; subject: string }) {
  const max = Math.max(1, ...days.map((day) => day.agreed + day.disagreed));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = days.length > 0 ? plotWidth / days.length : plotWidth;
  const barWidth = Math.max(1, Math.min(28, slot * 0.7));
  const y = (value: number) => PAD.top + plotHeight - (value / max) * plotHeight;
  const description = describeSeries(days, subject);
  const labelled =
    days.length <= 1 ? days.map((_, index) => index) : [0, Math.floor((days.length - 1) / 2), days.length - 1];
  return (
    <figure className="chart" data-testid="agreement-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby="agreement-chart-title agreement-chart-desc"
        preserveAspectRatio="xMidYMid meet"
      >
        <title id="agreement-chart-title">Agreement over time</title>
        <desc id="agreement-chart-desc">{description}</desc>
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(0)} y2={y(0)} className="chart__axis" />
        <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max)} y2={y(max)} className="chart__grid" />
        <text x={PAD.left - 6} y={y(0) + 4} textAnchor="end" className="chart__label">
          0
        </text>
        <text x={PAD.left - 6} y={y(max) + 4} textAnchor="end" className="chart__label">
          {max}
        </text>
        {days.map((day, index) => {
          const x = PAD.left + index * slot + (slot - barWidth) / 2;
          const total = day.agreed + day.disagreed;
          return (
            <g key={day.day} data-day={day.day}>
              <title>{`${day.day}: ${day.agreed} agreed, ${day.disagreed} disagreed`}</title>
              {total === 0 ? null : (
                <>
                  <rect
                    className="chart__agreed"
                    x={x}
                    width={barWidth}
                    y={y(day.agreed)}
                    height={y(0) - y(day.agreed)}
                  />
                  <rect
                    className="chart__disagreed"
                    x={x}
                    width={barWidth}
                    y={y(total)}
                    height={y(day.agreed) - y(total)}
                  />
                </>
              )}
            </g>
          );
        })}
        {labelled.map((index) => {
          const first = index === 0 && days.length > 1;
          const last = index === days.length - 1 && days.length > 1;
          return (
            <text
              key={days[index].day}
              x={first ? PAD.left : last ? WIDTH - PAD.right : PAD.left + index * slot + slot / 2}
              y={HEIGHT - 8}
              textAnchor={first ? 'start' : last ? 'end' : 'middle'}
              className="chart__label"
            >
              {days[index].day}
            </text>
          );
        })}
      </svg>
      <figcaption>
        <span className="legend legend--agreed" aria-hidden="true" /> Agreed{' '}
        <span className="legend legend--disagreed" aria-hidden="true" /> Disagreed
        <p className="muted small">{description}</p>
      </figcaption>
      <details>
        <summary>Chart data as a table</summary>
        <table className="compact">
          <caption className="sr-only">Reviewed checks per day</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <NumberHeader>Agreed</NumberHeader>
              <NumberHeader>Disagreed</NumberHeader>
            </tr>
          </thead>
          <tbody>
            {days
              .filter((day) => day.agreed + day.disagreed > 0)
              .map((day) => (
                <tr key={day.day}>
                  <th scope="row">{day.day}</th>
                  <td className="num">{day.agreed}</td>
                  <td className="num">{day.disagreed}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function NumberHeader({ children }: { children: ReactNode }) {
  return (
    <th scope="col" className="num">
      {children}
    </th>
  );
}
