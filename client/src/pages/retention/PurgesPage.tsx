import { useState } from 'react';
import { api, query } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Empty, ErrorState, Loading } from '../../components/States';
import { dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import { Link } from '../../router';
import type { PurgeItem, RetentionRunResult, UpcomingPurges } from '../../api/types';
import { RetentionNav, shortId } from './RetentionNav';

const HORIZONS = [0, 7, 30, 90, 365] as const;

export function PurgeItemsTable({
  items,
  caption,
  testId,
}: {
  items: ReadonlyArray<PurgeItem & { legalHold?: boolean }>;
  caption: string;
  testId: string;
}) {
  return (
    <div className="table-wrap">
      <table data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Claim</th>
            <th scope="col">Data class</th>
            <th scope="col">Action</th>
            <th scope="col">Due</th>
            <th scope="col">Policy</th>
          </tr>
        </thead>
        <tbody>
          {items.map((item) => (
            <tr key={`${item.claimId}:${item.dataClass}`} data-testid="purge-item" data-claim-id={item.claimId}>
              <th scope="row">
                <Link to={`/audit/claims/${item.claimId}`} title={item.claimId}>
                  {shortId(item.claimId)}
                </Link>
                {item.legalHold && <span className="badge badge--flagged">Legal hold: not purged</span>}
              </th>
              <td>{label(item.dataClass)}</td>
              <td>
                <span className={`badge badge--action-${item.action}`}>{label(item.action)}</span>
              </td>
              <td>{dateTime(item.dueAt)}</td>
              <td title={item.policyId ?? ''}>{shortId(item.policyId)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function RunResultView({ result }: { result: RetentionRunResult }) {
  const claims = new Set(result.items.map((item) => item.claimId)).size;
  const heading =
    result.status === 'already_running'
      ? 'Another run is in progress; this one did nothing.'
      : result.dryRun
        ? `Dry run as of ${dateTime(result.asOf)}: a real run now would purge ${result.items.length} item${result.items.length === 1 ? '' : 's'} of ${claims} claim${claims === 1 ? '' : 's'}. Nothing was changed.`
        : `Run completed as of ${dateTime(result.asOf)}: purged ${result.items.length} item${result.items.length === 1 ? '' : 's'} of ${claims} claim${claims === 1 ? '' : 's'}.`;
  return (
    <div className="card" data-testid="run-result" data-dry-run={result.dryRun ? 'true' : 'false'}>
      <h2>{result.dryRun ? 'Dry run result' : 'Run result'}</h2>
      <p role="status">{heading}</p>
      {result.items.length > 0 && (
        <PurgeItemsTable
          items={result.items}
          caption={result.dryRun ? 'What a real run would purge' : 'What the run purged'}
          testId="run-items"
        />
      )}
      {result.skipped.length > 0 && (
        <p className="help">
          Skipped: {result.skipped.map((skip) => `${shortId(skip.claimId)} (${label(skip.reason)})`).join(', ')}
        </p>
      )}
    </div>
  );
}

export function PurgesPage() {
  const [days, setDays] = useState<number>(30);
  const upcoming = useApi<UpcomingPurges>(`/v1/retention/upcoming${query({ days })}`);
  const [running, setRunning] = useState<'dry' | 'real' | null>(null);
  const [result, setResult] = useState<RetentionRunResult | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const run = async (dryRun: boolean) => {
    setRunning(dryRun ? 'dry' : 'real');
    setRunError(null);
    try {
      const answer = await api<RetentionRunResult>('/v1/retention/run', { method: 'POST', body: { dryRun } });
      setResult(answer);
      setConfirming(false);
      if (!dryRun) upcoming.reload();
    } catch (error) {
      setRunError(error instanceof Error ? error.message : String(error));
      setConfirming(false);
    } finally {
      setRunning(null);
    }
  };

  const held = upcoming.data?.items.filter((item) => item.legalHold).length ?? 0;

  return (
    <section aria-labelledby="purges-title">
      <h1 id="purges-title">Upcoming purges and runs</h1>
      <RetentionNav />
      <div className="card">
        <h2>Run the purge</h2>
        <p className="help">
          A dry run reports exactly what a real run would purge now and changes nothing. A real run crypto-shreds photo
          keys, deletes blobs and rows, and leaves purge receipts; it cannot be undone. The daily job runs at 03:00 UTC.
        </p>
        <div className="filters__buttons">
          <button type="button" className="primary" onClick={() => void run(true)} disabled={running !== null}>
            {running === 'dry' ? 'Running dry run…' : 'Dry run'}
          </button>
          <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={running !== null}>
            Run purge now…
          </button>
        </div>
      </div>
      {runError && (
        <div className="alert alert--error" role="alert">
          {runError}
        </div>
      )}
      {result && <RunResultView result={result} />}

      <div className="page-head">
        <h2>Upcoming</h2>
        <label className="inline">
          Due within{' '}
          <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
            {HORIZONS.map((value) => (
              <option key={value} value={value}>
                {value === 0 ? 'already due' : `${value} days`}
              </option>
            ))}
          </select>
        </label>
      </div>
      {upcoming.error ? (
        <ErrorState error={upcoming.error} retry={upcoming.reload} />
      ) : !upcoming.data ? (
        <Loading what="Loading upcoming purges" />
      ) : upcoming.data.items.length === 0 ? (
        <Empty>Nothing falls due by {dateTime(upcoming.data.until)}.</Empty>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {upcoming.data.items.length} item{upcoming.data.items.length === 1 ? '' : 's'} due by{' '}
            {dateTime(upcoming.data.until)}
            {held > 0 ? ` (${held} on legal hold, not purged)` : ''}
          </p>
          <PurgeItemsTable items={upcoming.data.items} caption="Upcoming purges" testId="upcoming-table" />
        </>
      )}

      <ConfirmDialog
        open={confirming}
        title="Run the purge now?"
        confirmLabel="Purge now"
        danger
        busy={running === 'real'}
        onConfirm={() => void run(false)}
        onCancel={() => setConfirming(false)}
      >
        <p>
          This permanently destroys everything that is due now: photo keys are crypto-shredded, blobs and rows deleted.
          Held claims are skipped. Run a dry run first to see the list.
        </p>
      </ConfirmDialog>
    </section>
  );
}
