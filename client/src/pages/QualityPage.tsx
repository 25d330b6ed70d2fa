import { useMemo, useState } from 'react';
import { client } from '../api';
import { AgreementChart, QualityTable, combineSeries, fillDays } from '../components/Quality';
import { CalibrationPanel } from '../components/CalibrationPanel';
import { ModelHealth } from '../components/ModelHealth';
import { Empty, ErrorState, Loading } from '../components/States';
import { dateTime, label } from '../format';
import { useApi } from '../hooks';

const PERIODS = [7, 30, 90] as const;
type Period = (typeof PERIODS)[number];

/** Model–reviewer agreement per check (GET /v1/metrics/quality), for supervisors and admins. */
export function QualityPage() {
  const [days, setDays] = useState<Period>(30);
  const [refreshed, setRefreshed] = useState(0);
  const [chartKind, setChartKind] = useState<string>('all');
  // The period ends now (when picked or refreshed); fixed per pick so the request stays the same.
  const range = useMemo(() => {
    void refreshed;
    const to = new Date();
    return { from: new Date(to.getTime() - days * 86_400_000).toISOString(), to: to.toISOString() };
  }, [days, refreshed]); // `refreshed` moves the end of the period to now
  const report = useApi((signal) => client.GET('/v1/metrics/quality', { params: { query: range }, signal }), [range]);

  const reviewed = report.data?.checks.filter((check) => check.reviewed > 0) ?? [];
  const unreviewed = report.data?.checks.filter((check) => check.reviewed === 0) ?? [];
  const selected = reviewed.find((check) => check.kind === chartKind);
  const series = report.data
    ? fillDays(selected ? selected.series : combineSeries(reviewed), report.data.from, report.data.to)
    : [];

  return (
    <section aria-labelledby="quality-title">
      <div className="page-head">
        <h1 id="quality-title">Model quality</h1>
        <div className="tabs" role="group" aria-label="Period">
          {PERIODS.map((period) => (
            <button
              key={period}
              type="button"
              aria-pressed={days === period}
              onClick={() => (days === period ? setRefreshed((value) => value + 1) : setDays(period))}
            >
              Last {period} days
            </button>
          ))}
        </div>
      </div>
      <p className="help">
        How often each check agreed with the reviewers' final decisions (an approval says a flag was wrong; a denial's
        reason code confirms the checks it names). Thresholds in the last column are{' '}
        <strong>recommended, not applied</strong>: an admin changes thresholds in the calibration panel (admins only).
      </p>
      {report.error ? (
        <ErrorState error={report.error} retry={report.reload} />
      ) : !report.data ? (
        <Loading what="Loading the quality report" />
      ) : (
        <>
          <p className="muted" aria-live="polite" data-testid="quality-period">
            {dateTime(report.data.from)} to {dateTime(report.data.to)}
            {report.loading ? ' · refreshing…' : ''}
          </p>
          {reviewed.length === 0 ? (
            <Empty>No reviewed decisions in this period, so there is nothing to compare yet.</Empty>
          ) : (
            <>
              <QualityTable checks={reviewed} />
              {unreviewed.length > 0 && (
                <p className="help">
                  Not reviewed in this period: {unreviewed.map((check) => label(check.kind)).join(', ')}.
                </p>
              )}
              <div className="card chart-card">
                <div className="page-head">
                  <h2>Agreement over time</h2>
                  <label className="inline">
                    Check{' '}
                    <select
                      value={selected ? selected.kind : 'all'}
                      onChange={(event) => setChartKind(event.target.value)}
                    >
                      <option value="all">All checks</option>
                      {reviewed.map((check) => (
                        <option key={check.kind} value={check.kind}>
                          {label(check.kind)}
                        </option>
                      ))}
                    </select>
                  </label>
                </div>
                <AgreementChart days={series} subject={selected ? label(selected.kind) : 'All checks'} />
              </div>
            </>
          )}
        </>
      )}
      <CalibrationPanel recommendations={report.data?.checks} />
      <ModelHealth />
    </section>
  );
}
