import { useId, useState } from 'react';
import { client, unwrap } from '../api';
import type { CheckDrift, Promotion, RouteWhatIf, ShadowReport } from '../api/types';
import { label } from '../format';
import { useApi, useSession } from '../hooks';
import { ConfirmDialog } from './ConfirmDialog';
import { percent } from './Quality';
import { Empty, ErrorState, Loading } from './States';

const OUTCOMES = ['consistent', 'needs_review', 'inconsistent'] as const;

function psiText(value: number | null): string {
  return value === null ? '—' : value.toFixed(3);
}

/** The text alternative of one check's drift chart. */
export function describeDrift(check: CheckDrift): string {
  if (check.n === 0) return `${label(check.kind)}: no scores this week.`;
  const busiest = (shares: readonly number[]) => {
    const index = shares.indexOf(Math.max(...shares));
    return `${check.edges[index]?.toFixed(1)}–${check.edges[index + 1]?.toFixed(1)}`;
  };
  return `${label(check.kind)}: ${check.n} scores this week, most in ${busiest(check.current)}; the reference has most in ${busiest(check.reference)}. PSI ${psiText(check.psi)}.`;
}

/** Reference and this week's share per score bin, side by side (bars), with its data in a table. */
export function DriftChart({ check }: { check: CheckDrift }) {
  const titleId = useId();
  const bins = check.reference.length;
  const width = 320;
  const height = 90;
  const slot = width / Math.max(1, bins);
  const max = Math.max(0.01, ...check.reference, ...check.current);
  const h = (value: number) => (value / max) * (height - 14);
  return (
    <figure className="chart drift-chart" data-testid="drift-chart" data-kind={check.kind}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={titleId} preserveAspectRatio="xMidYMid meet">
        <title id={titleId}>{describeDrift(check)}</title>
        <line x1={0} x2={width} y1={height - 12} y2={height - 12} className="chart__axis" />
        {check.reference.map((share, index) => (
          <g key={index}>
            <rect
              className="chart__grid-bar"
              x={index * slot + slot * 0.1}
              width={slot * 0.38}
              y={height - 12 - h(share)}
              height={h(share)}
            />
            <rect
              className="chart__agreed"
              x={index * slot + slot * 0.52}
              width={slot * 0.38}
              y={height - 12 - h(check.current[index] ?? 0)}
              height={h(check.current[index] ?? 0)}
            />
          </g>
        ))}
        <text x={0} y={height - 1} className="chart__label">
          0
        </text>
        <text x={width} y={height - 1} textAnchor="end" className="chart__label">
          1
        </text>
      </svg>
      <figcaption className="muted">
        Left bar of each pair: reference; right bar: this week. Score bins from 0 to 1.
      </figcaption>
      <details>
        <summary>Data table</summary>
        <table>
          <caption className="sr-only">{`${label(check.kind)} score distribution`}</caption>
          <thead>
            <tr>
              <th scope="col">Score bin</th>
              <th scope="col" className="num">
                Reference
              </th>
              <th scope="col" className="num">
                This week
              </th>
            </tr>
          </thead>
          <tbody>
            {check.reference.map((share, index) => (
              <tr key={index}>
                <th scope="row">{`${check.edges[index]?.toFixed(1)}–${check.edges[index + 1]?.toFixed(1)}`}</th>
                <td className="num">{percent(share)}</td>
                <td className="num">{percent(check.current[index] ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

export function WhatIfTable({ whatIf }: { whatIf: RouteWhatIf }) {
  return (
    <div className="table-wrap">
      <table data-testid="what-if">
        <caption>
          Routes the challenger would have given ({whatIf.changed} of {whatIf.claims} claims change; review load{' '}
          {whatIf.reviewLoad.champion} → {whatIf.reviewLoad.shadow})
        </caption>
        <thead>
          <tr>
            <th scope="col">Champion ↓ / challenger →</th>
            {OUTCOMES.map((outcome) => (
              <th key={outcome} scope="col" className="num">
                {label(outcome)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {OUTCOMES.map((from) => (
            <tr key={from}>
              <th scope="row">{label(from)}</th>
              {OUTCOMES.map((to) => (
                <td key={to} className="num">
                  {whatIf.matrix[from]?.[to] ?? 0}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ShadowSection({ report, onPromoted }: { report: ShadowReport; onPromoted: (p: Promotion) => void }) {
  const session = useSession();
  const admin = session?.user.role === 'admin';
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const shadow = report.shadow;
  if (!shadow)
    return <Empty>No challenger model: set SHADOW_MODEL to score claims with one beside the champion.</Empty>;
  const promote = async () => {
    setBusy(true);
    setError(null);
    try {
      onPromoted(await unwrap(client.POST('/v1/models/shadow/promote', { body: { modelHash: shadow.hash } })));
      setConfirming(false);
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <p>
        Champion <strong>{report.champion.name}</strong> ({report.champion.hash.slice(0, 12)}), challenger{' '}
        <strong>{shadow.name}</strong> ({shadow.hash.slice(0, 12)}): {report.agreement.claims} claims shadowed, same
        outcome in {percent(report.agreement.outcomeAgreement)}. The challenger never routes a claim.
      </p>
      <div className="table-wrap">
        <table data-testid="shadow-agreement">
          <caption className="sr-only">Agreement of the challenger with the champion and the reviewers</caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              {['Claims', 'Both flag', 'Champion only', 'Challenger only', 'Agreement', 'Reviewed'].map((name) => (
                <th key={name} scope="col" className="num">
                  {name}
                </th>
              ))}
              <th scope="col" className="num">
                Champion vs reviewers
              </th>
              <th scope="col" className="num">
                Challenger vs reviewers
              </th>
            </tr>
          </thead>
          <tbody>
            {report.agreement.checks.map((check) => (
              <tr key={check.kind}>
                <th scope="row">{label(check.kind)}</th>
                <td className="num">{check.claims}</td>
                <td className="num">{check.bothFlagged}</td>
                <td className="num">{check.championOnly}</td>
                <td className="num">{check.shadowOnly}</td>
                <td className="num">{percent(check.agreement)}</td>
                <td className="num">{check.reviewed}</td>
                <td className="num">{percent(check.championAgreesWithReviewers)}</td>
                <td className="num">{percent(check.shadowAgreesWithReviewers)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {admin && (
        <p>
          <button type="button" onClick={() => setConfirming(true)}>
            Promote {shadow.name}…
          </button>
        </p>
      )}
      <ConfirmDialog
        open={confirming}
        title={`Promote ${shadow.name}?`}
        confirmLabel="Promote"
        busy={busy}
        onConfirm={() => void promote()}
        onCancel={() => setConfirming(false)}
      >
        <p>What would have changed had the challenger decided the claims it shadowed:</p>
        <WhatIfTable whatIf={report.whatIf} />
        {error && <ErrorState error={error} />}
      </ConfirmDialog>
    </>
  );
}

/**
 * Model health on the quality page: score drift per check (PSI) and the shadow model (challenger). Loaded
 * when opened, so the agreement report above stays the page's one request.
 */
export function ModelHealth() {
  const [open, setOpen] = useState(false);
  return (
    <section aria-labelledby="model-health-title" className="card" data-testid="model-health">
      <div className="page-head">
        <h2 id="model-health-title">Model health</h2>
        <button type="button" aria-expanded={open} aria-controls="model-health-body" onClick={() => setOpen(!open)}>
          {open ? 'Hide' : 'Show'} drift and shadow model
        </button>
      </div>
      <div id="model-health-body">{open && <ModelHealthBody />}</div>
    </section>
  );
}

function ModelHealthBody() {
  const drift = useApi((signal) => client.GET('/v1/models/drift', { signal }), []);
  const shadow = useApi((signal) => client.GET('/v1/models/shadow', { signal }), []);
  const [promotion, setPromotion] = useState<Promotion | null>(null);
  return (
    <>
      <h3>Score drift this week</h3>
      {drift.error ? (
        <ErrorState error={drift.error} retry={drift.reload} />
      ) : !drift.data ? (
        <Loading what="Loading drift" />
      ) : drift.data.referenceSource === null ? (
        <Empty>
          No reference for {drift.data.model.name}: run{' '}
          <code>npm run cli -- models:evaluate --model {drift.data.model.name} --scenes 500</code> to capture one.
        </Empty>
      ) : (
        <>
          <p className="help">
            Population stability index of each check&apos;s scores from {drift.data.from.slice(0, 10)} to{' '}
            {drift.data.to.slice(0, 10)} against {drift.data.referenceSource}; above {drift.data.threshold} is an alert.
          </p>
          <div className="table-wrap">
            <table data-testid="drift-table">
              <caption className="sr-only">Score drift per check</caption>
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col" className="num">
                    Scores
                  </th>
                  <th scope="col" className="num">
                    PSI
                  </th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {drift.data.checks.map((check) => (
                  <tr key={check.kind} data-kind={check.kind}>
                    <th scope="row">{label(check.kind)}</th>
                    <td className="num">{check.n}</td>
                    <td className="num">{psiText(check.psi)}</td>
                    <td>
                      {check.psi === null ? (
                        'no data'
                      ) : check.alert ? (
                        <span className="badge badge--flagged">drift</span>
                      ) : (
                        <span className="badge badge--clear">stable</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="drift-charts">
            {drift.data.checks
              .filter((check) => check.n > 0)
              .map((check) => (
                <DriftChart key={check.kind} check={check} />
              ))}
          </div>
        </>
      )}
      <h3>Shadow model</h3>
      {promotion && (
        <div className="alert alert--ok" role="status">
          <p>
            {promotion.model.name} promoted (recorded and audited). Next: {promotion.nextStep}.
          </p>
        </div>
      )}
      {shadow.error ? (
        <ErrorState error={shadow.error} retry={shadow.reload} />
      ) : !shadow.data ? (
        <Loading what="Loading the shadow report" />
      ) : (
        <ShadowSection report={shadow.data} onPromoted={setPromotion} />
      )}
    </>
  );
}
