import { useState, type FormEvent } from 'react';
import { client, unwrap } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DataTable } from '../../components/DataTable';
import { Alert, Loaded } from '../../components/States';
import { count, dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import type { ErasureClaimOutcome, ErasureOutcome } from '../../api/types';
import { ClaimHistoryLink, RetentionNav, shortId } from './RetentionNav';

const OUTCOME_COLUMNS = ['Claim', 'Erased', 'Already purged', 'Retained (why)'];
const REQUEST_COLUMNS = ['Requested', 'Claimant reference', 'Status', 'Completed', 'Claims'];

const classes = (list: readonly string[]) => (list.length === 0 ? '—' : list.map(label).join(', '));

function OutcomeTable({ claims }: { claims: readonly ErasureClaimOutcome[] }) {
  return (
    <DataTable caption="Erasure outcome per claim" columns={OUTCOME_COLUMNS} testId="erasure-outcome">
      {claims.map((claim) => (
        <tr key={claim.claimId}>
          <th scope="row">
            <ClaimHistoryLink claimId={claim.claimId} />
          </th>
          <td>{classes(claim.erased)}</td>
          <td>{classes(claim.alreadyPurged)}</td>
          <td>
            {claim.retained.length === 0
              ? '—'
              : claim.retained.map((item) => (
                  <div key={item.dataClass}>
                    {label(item.dataClass)}:{' '}
                    {item.reason === 'legal_hold'
                      ? `legal hold ${shortId(item.holdId)}`
                      : `retention duty (policy ${shortId(item.policyId)}, ${item.until ? `until ${dateTime(item.until)}` : 'claim still open'})`}
                  </div>
                ))}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

function statusText(status: string): string {
  return status === 'nothing_found' ? 'Nothing found' : label(status);
}

export function ErasurePage() {
  const requests = useApi((signal) => client.GET('/v1/retention/erasure-requests', { signal }), []);
  const [claimantRef, setClaimantRef] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<ErasureOutcome | null>(null);

  const ask = (event: FormEvent) => {
    event.preventDefault();
    if (claimantRef.trim() === '') {
      setError('Enter the data subject’s claimant reference.');
      return;
    }
    setError(null);
    setConfirming(true);
  };

  const erase = async () => {
    setBusy(true);
    try {
      const answer = await unwrap(
        client.POST('/v1/retention/erasure-requests', { body: { claimantRef: claimantRef.trim() } }),
      );
      setOutcome(answer);
      setClaimantRef('');
      requests.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <section aria-labelledby="erasure-title">
      <h1 id="erasure-title">Erasure requests</h1>
      <RetentionNav />
      <form className="card filters" onSubmit={ask} aria-labelledby="erasure-form-title" noValidate>
        <h2 id="erasure-form-title" className="full">
          New erasure request
        </h2>
        <p className="help full">
          Purges the data subject’s personal data on all their claims (photos, EXIF/GPS, embeddings; the claim record is
          redacted) unless a legal hold or a keep policy applies; the answer says which applied. Posting the same
          reference again finishes an interrupted request.
        </p>
        <label>
          Claimant reference
          <input
            name="claimantRef"
            value={claimantRef}
            maxLength={200}
            onChange={(event) => setClaimantRef(event.target.value)}
          />
        </label>
        <div className="filters__buttons">
          <button type="submit" className="danger" disabled={busy}>
            Erase…
          </button>
        </div>
      </form>
      {error && <Alert>{error}</Alert>}
      {outcome && (
        <div className="card" data-testid="erasure-result">
          <h2>Request {shortId(outcome.id)}</h2>
          <p role="status">
            {statusText(outcome.status)}: {count(outcome.claims.length, 'claim')} of this data subject.
          </p>
          {outcome.claims.length > 0 && <OutcomeTable claims={outcome.claims} />}
        </div>
      )}

      <h2>Past requests</h2>
      <Loaded state={requests} loading="Loading erasure requests" empty="No erasure requests yet.">
        {(data) => (
          <DataTable caption="Past erasure requests, newest first" columns={REQUEST_COLUMNS} testId="erasure-table">
            {data.map((request) => {
              const claims = Array.isArray(request.outcome.claims)
                ? (request.outcome.claims as ErasureClaimOutcome[])
                : [];
              return (
                <tr key={request.id} data-testid="erasure-row">
                  <td>
                    {dateTime(request.requestedAt)} <span className="muted">by {shortId(request.requestedBy)}</span>
                  </td>
                  <th scope="row">{request.claimantRef}</th>
                  <td>{statusText(request.status)}</td>
                  <td>{dateTime(request.completedAt)}</td>
                  <td>
                    {claims.length === 0 ? (
                      '—'
                    ) : (
                      <details>
                        <summary>{count(claims.length, 'claim')}</summary>
                        <OutcomeTable claims={claims} />
                      </details>
                    )}
                  </td>
                </tr>
              );
            })}
          </DataTable>
        )}
      </Loaded>

      <ConfirmDialog
        open={confirming}
        title="Erase this data subject’s personal data?"
        confirmLabel="Erase now"
        danger
        busy={busy}
        onConfirm={() => void erase()}
        onCancel={() => setConfirming(false)}
      >
        <p>
          Claimant reference <code>{claimantRef.trim()}</code>: personal data on every claim of theirs that no hold or
          retention duty binds is destroyed. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
}
