import { useState } from 'react';
import { client, unwrap } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DataTable } from '../../components/DataTable';
import { Alert, Loaded } from '../../components/States';
import { count, dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import type { PurgeItem, RetentionRunResult } from '../../api/types';
import { ClaimHistoryLink, RetentionNav, shortId } from './RetentionNav';

const HORIZONS = [0, 7, 30, 90, 365] as const;
const COLUMNS = ['Claim', 'Data class', 'Action', 'Due', 'Policy'];

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
    <DataTable caption={caption} columns={COLUMNS} testId={testId}>
      {items.map((item) => (
        <tr key={`${item.claimId}:${item.dataClass}`} data-testid="purge-item" data-claim-id={item.claimId}>
          <th scope="row">
            <ClaimHistoryLink claimId={item.claimId} />
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
    </DataTable>
  );
}

function RunResultView({ result }: { result: RetentionRunResult }) {
  const claims = new Set(result.items.map((item) => item.claimId)).size;
  const heading =
    result.status === 'already_running'
      ? 'Another run is in progress; this one did nothing.'
      : result.dryRun
        ? `Dry run as of ${dateTime(result.asOf)}: a real run now would purge ${count(result.items.length, 'item')} of ${count(claims, 'claim')}. Nothing was changed.`
        : `Run completed as of ${dateTime(result.asOf)}: purged ${count(result.items.length, 'item')} of ${count(claims, 'claim')}.`;
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
  const upcoming = useApi(
    (signal) => client.GET('/v1/retention/upcoming', { params: { query: { days } }, signal }),
    [days],
  );
  const [running, setRunning] = useState<'dry' | 'real' | null>(null);
  const [result, setResult] = useState<RetentionRunResult | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);

  const run = async (dryRun: boolean) => {
    setRunning(dryRun ? 'dry' : 'real');
    setRunError(null);
    try {
      const answer = await unwrap(client.POST('/v1/retention/run', { body: { dryRun } }));
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
      {runError && <Alert>{runError}</Alert>}
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
      <Loaded
        state={upcoming}
        loading="Loading upcoming purges"
        isEmpty={(data) => data.items.length === 0}
        empty={(data) => `Nothing falls due by ${dateTime(data.until)}.`}
      >
        {(data) => (
          <>
            <p className="muted" aria-live="polite">
              {count(data.items.length, 'item')} due by {dateTime(data.until)}
              {held > 0 ? ` (${held} on legal hold, not purged)` : ''}
            </p>
            <PurgeItemsTable items={data.items} caption="Upcoming purges" testId="upcoming-table" />
          </>
        )}
      </Loaded>

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
