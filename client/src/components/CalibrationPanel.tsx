import { useEffect, useState } from 'react';
import { client, unwrap } from '../api';
import type { components } from '../api/schema';
import { dateTime, label } from '../format';
import { useApi, useSession } from '../hooks';
import { ErrorState, Loading } from './States';

type Schemas = components['schemas'];
type Line = Schemas['LineOfBusiness'];
type ThresholdSet = Schemas['ThresholdSetDto'];
type Kind = keyof ThresholdSet;
type FitReport = Schemas['FitReportView'];
type WhatIf = Schemas['WhatIfView'];

const KINDS: readonly Kind[] = [
  'peril_mismatch',
  'exclusion_evident',
  'object_mismatch',
  'no_visible_damage',
  'duplicate_photo',
];
const LINES: readonly Line[] = ['auto', 'property'];
/** The two editable bounds of a check's thresholds, in column order, with the words their inputs are labelled by. */
const BOUNDS = [
  { field: 'flagAt', name: 'flag at' },
  { field: 'uncertainFrom', name: 'review from' },
] as const;

/** What the quality report recommends per check (its flagAt that agreed most with reviewers). */
export interface QualityRecommendation {
  kind: string;
  recommendedFlagAt: number | null;
}

function copy(set: Schemas['ThresholdSetView']): ThresholdSet {
  const result = {} as ThresholdSet;
  for (const kind of KINDS) result[kind] = { flagAt: set[kind].flagAt, uncertainFrom: set[kind].uncertainFrom };
  return result;
}

function fmt(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : String(Math.round(value * 1000) / 1000);
}

/**
 * The calibration of the decision thresholds for the configured model (GET/POST /v1/calibrations…): the version in
 * force per line (or safe mode), the quality report's and the fit's recommendations side by side with editable
 * proposed values, a what-if replay over stored scores, apply (a new audited version) and rollback. Admins edit;
 * supervisors see what is in force (or safe mode) and the history, read-only; other roles see nothing.
 */
export function CalibrationPanel({ recommendations = [] }: { recommendations?: readonly QualityRecommendation[] }) {
  const session = useSession();
  const role = session?.user.role;
  if (role !== 'admin' && role !== 'supervisor') return null;
  return <Calibration recommendations={recommendations} editable={role === 'admin'} />;
}

function Calibration({
  recommendations,
  editable,
}: {
  recommendations: readonly QualityRecommendation[];
  editable: boolean;
}) {
  const [line, setLine] = useState<Line>('auto');
  const status = useApi((signal) => client.GET('/v1/calibrations', { signal }), []);
  const current = status.data?.lines.find((entry) => entry.line === line);
  const [proposed, setProposed] = useState<ThresholdSet | null>(null);
  const [target, setTarget] = useState('2');
  const [confidence, setConfidence] = useState('95');
  const [fit, setFit] = useState<FitReport | null>(null);
  const [whatIf, setWhatIf] = useState<WhatIf | null>(null);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  // The proposal starts from what is in force, again whenever the line or the version in force changes.
  const version = current?.current.calibration?.version ?? null;
  useEffect(() => {
    if (current) setProposed(copy(current.current.thresholds));
    setWhatIf(null);
  }, [line, version, current?.safeMode]);

  async function act(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await work();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  }

  if (status.error) return <ErrorState error={status.error} retry={status.reload} />;
  if (!status.data || !current || !proposed) return <Loading what="Loading the calibration" />;
  const fitProposal = fit?.proposals.find((entry) => entry.line === line)?.proposed;

  const runFit = () =>
    act(async () => {
      const report = await unwrap(
        client.POST('/v1/calibrations/fit', {
          body: { maxFalseClearRate: Number(target) / 100, confidence: Number(confidence) / 100 },
        }),
      );
      setFit(report);
    });
  const runWhatIf = () =>
    act(async () => {
      setWhatIf(await unwrap(client.POST('/v1/calibrations/what-if', { body: { line, thresholds: proposed } })));
    });
  const apply = () =>
    act(async () => {
      const usedFit = fitProposal !== undefined && JSON.stringify(fitProposal) === JSON.stringify(proposed);
      const applied = await unwrap(
        client.POST('/v1/calibrations/{line}/versions', {
          params: { path: { line } },
          body: {
            thresholds: proposed,
            source: usedFit ? 'fit' : 'manual',
            ...(usedFit && fit ? { method: { name: fit.method, target: fit.target, lambda: fit.ltt.lambda } } : {}),
            ...(note ? { note } : {}),
          },
        }),
      );
      setMessage(`Applied ${label(line)} version ${applied.calibration?.version ?? '?'}.`);
      setNote('');
      status.reload();
    });
  const rollback = (to: number) =>
    act(async () => {
      const applied = await unwrap(
        client.POST('/v1/calibrations/{line}/rollback', { params: { path: { line } }, body: { version: to } }),
      );
      setMessage(`Rolled ${label(line)} back to version ${to} (now version ${applied.calibration?.version ?? '?'}).`);
      status.reload();
    });
  const setValue = (kind: Kind, field: (typeof BOUNDS)[number]['field'], value: string) =>
    setProposed({ ...proposed, [kind]: { ...proposed[kind], [field]: Number(value) } });

  const inForce = current.current.calibration;
  return (
    <section className="card calibration" aria-labelledby="calibration-title" data-testid="calibration-panel">
      <div className="page-head">
        <h2 id="calibration-title">Thresholds and calibration</h2>
        <div className="tabs" role="group" aria-label="Line of business">
          {LINES.map((entry) => (
            <button key={entry} type="button" aria-pressed={entry === line} onClick={() => setLine(entry)}>
              {label(entry)}
            </button>
          ))}
        </div>
      </div>
      <p className="muted">
        Model <strong>{status.data.model.name}</strong> ({status.data.model.hash.slice(0, 12)}…), prompt templates{' '}
        {status.data.promptSetVersion}.
      </p>
      {current.safeMode ? (
        <div className="alert alert--error" role="status" data-testid="safe-mode">
          <p>
            Safe mode: this model and prompt set have no calibration for {label(line)}. Nothing is auto-cleared; every
            claim goes to review until a calibration is applied.
          </p>
        </div>
      ) : (
        <p data-testid="calibration-version">
          In force: version {inForce?.version} ({inForce?.source}
          {inForce?.createdAt ? `, ${dateTime(inForce.createdAt)}` : ''}
          {inForce?.createdBy ? ` by ${inForce.createdBy}` : ''}).
        </p>
      )}

      <div className="table-wrap">
        <table data-testid="calibration-table">
          <caption className="muted">
            Flag at or above “flag at”; review from “review from”; below it the check clears.
          </caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Current</th>
              <th scope="col">Quality report recommends flag at</th>
              {editable && (
                <>
                  <th scope="col">Fit proposes</th>
                  <th scope="col">Proposed flag at</th>
                  <th scope="col">Proposed review from</th>
                </>
              )}
            </tr>
          </thead>
          <tbody>
            {KINDS.map((kind) => {
              const now = current.current.thresholds[kind];
              const recommended = recommendations.find((entry) => entry.kind === kind)?.recommendedFlagAt;
              return (
                <tr key={kind}>
                  <th scope="row">{label(kind)}</th>
                  <td>
                    {fmt(now.uncertainFrom)} – {fmt(now.flagAt)}
                  </td>
                  <td>{fmt(recommended)}</td>
                  {editable && (
                    <>
                      <td>
                        {fitProposal
                          ? `${fmt(fitProposal[kind].uncertainFrom)} – ${fmt(fitProposal[kind].flagAt)}`
                          : '—'}
                      </td>
                      {BOUNDS.map(({ field, name }) => (
                        <td key={field}>
                          <input
                            type="number"
                            min={0}
                            max={1}
                            step={0.001}
                            aria-label={`${label(kind)}: proposed ${name}`}
                            value={proposed[kind][field]}
                            onChange={(event) => setValue(kind, field, event.target.value)}
                          />
                        </td>
                      ))}
                    </>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>

      {editable && (
        <>
          <div className="calibration__actions">
            <label className="inline">
              False clears at most (%){' '}
              <input
                type="number"
                min={0.01}
                max={50}
                step={0.5}
                value={target}
                onChange={(e) => setTarget(e.target.value)}
              />
            </label>
            <label className="inline">
              Confidence (%){' '}
              <input
                type="number"
                min={50}
                max={99.99}
                step={1}
                value={confidence}
                onChange={(e) => setConfidence(e.target.value)}
              />
            </label>
            <button type="button" disabled={busy} onClick={runFit}>
              Fit from reviewer decisions
            </button>
            {fitProposal && (
              <button type="button" disabled={busy} onClick={() => setProposed(structuredClone(fitProposal))}>
                Use the fit's proposal
              </button>
            )}
            <button type="button" disabled={busy} onClick={() => setProposed(copy(current.current.thresholds))}>
              Reset to current
            </button>
          </div>

          {fit && (
            <div className="help" data-testid="fit-result">
              <p>
                {fit.method}. {fit.claims} labelled claims ({fit.positives} with a problem); λ = {fit.ltt.lambda}:
                auto-clears {fit.ltt.cleared} with {fit.ltt.falseClears} false (upper bound {fmt(fit.ltt.upperBound)}).
              </p>
              <p>{fit.guarantee}</p>
              <p>
                ECE per check: {fit.checks.map((check) => `${label(check.kind)} ${fmt(check.ece)}`).join(', ') || '—'}
              </p>
            </div>
          )}

          <div className="calibration__actions">
            <button type="button" disabled={busy} onClick={runWhatIf}>
              What if? (replay stored scores)
            </button>
            <label className="inline">
              Note <input type="text" maxLength={500} value={note} onChange={(event) => setNote(event.target.value)} />
            </label>
            <button type="button" className="primary" disabled={busy} onClick={apply}>
              Apply as a new version
            </button>
          </div>
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {message && (
        <p className="alert alert--ok" role="status">
          {message}
        </p>
      )}

      {whatIf && (
        <div data-testid="what-if-result">
          <h3>What if, over {whatIf.claims} stored claims</h3>
          <p>
            Now: {whatIf.current.consistent} cleared, {whatIf.current.needs_review} to review,{' '}
            {whatIf.current.inconsistent} flagged. Proposed: {whatIf.proposed.consistent} cleared,{' '}
            {whatIf.proposed.needs_review} to review, {whatIf.proposed.inconsistent} flagged.
          </p>
          {whatIf.outcomeChanges.length === 0 ? (
            <p>No claim would be routed differently.</p>
          ) : (
            <ul>
              {whatIf.outcomeChanges.map((change) => (
                <li key={`${change.from}-${change.to}`}>
                  {change.count} from {label(change.from)} to {label(change.to)}
                </li>
              ))}
              {whatIf.checkChanges.map((change) => (
                <li key={`${change.kind}-${change.from}-${change.to}`}>
                  {label(change.kind)}: {change.count} from {change.from} to {change.to}
                </li>
              ))}
            </ul>
          )}
          <p>{whatIf.decidedChanged.length} decided claim(s) would have been routed differently.</p>
        </div>
      )}

      <h3>Versions</h3>
      {current.versions.length === 0 ? (
        <p className="muted">No version applied yet for this model and line.</p>
      ) : (
        <ul data-testid="calibration-versions">
          {current.versions.map((entry) => (
            <li key={entry.id}>
              Version {entry.version} ({entry.source}
              {entry.rolledBackTo !== null ? ` of version ${entry.rolledBackTo}` : ''}), {dateTime(entry.createdAt)}
              {entry.createdBy ? ` by ${entry.createdBy}` : ''}
              {entry.note ? `: ${entry.note}` : ''}{' '}
              {editable && entry.version !== inForce?.version && (
                <button type="button" disabled={busy} onClick={() => rollback(entry.version)}>
                  Roll back to version {entry.version}
                </button>
              )}
            </li>
          ))}
          {editable && current.committedCalibration && inForce?.version !== 0 && (
            <li>
              Version 0 (committed with the code){' '}
              <button type="button" disabled={busy} onClick={() => rollback(0)}>
                Roll back to version 0
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
