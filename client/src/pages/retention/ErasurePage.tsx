import { useState, type FormEvent } from 'react';
import { client, unwrap } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DataTable } from '../../components/DataTable';
import { Alert, Loaded } from '../../components/States';
import { count, dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import type { ErasureClaimOutcome, ErasureOutcome, ErasureRequestView } from '../../api/types';
import { Link } from '../../router';
import { ClaimHistoryLink, RetentionNav, shortId } from './RetentionNav';

const OUTCOME_COLUMNS = ['Claim', 'Erased', 'Already purged', 'Retained (why)'];
const REQUEST_COLUMNS = [
  'Received',
  'Claimant reference',
  'Claims on file',
  'Status',
  'Due',
  'Completed',
  'Outcome',
  <span className="sr-only">Actions</span>,
];

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
  const [overdueOnly, setOverdueOnly] = useState(false);
  const requests = useApi(
    (signal) => client.GET('/v1/retention/erasure-requests', { params: { query: { overdue: overdueOnly } }, signal }),
    [overdueOnly],
  );
  const [claimantRef, setClaimantRef] = useState('');
  const [receivedOn, setReceivedOn] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<ErasureRequestView | null>(null);
  const [rejectReason, setRejectReason] = useState('');
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

  const receivedAt = receivedOn ? new Date(`${receivedOn}T00:00:00Z`).toISOString() : undefined;

  /** Registers the request without erasing: it waits (received) with its due date. */
  const register = async () => {
    if (claimantRef.trim() === '') {
      setError('Enter the data subject’s claimant reference.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const answer = await unwrap(
        client.POST('/v1/retention/erasure-requests', {
          body: { claimantRef: claimantRef.trim(), receivedAt, execute: false },
        }),
      );
      setNotice(`Request ${shortId(answer.id)} registered.`);
      setOutcome(null);
      setClaimantRef('');
      setReceivedOn('');
      requests.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  /** Moves an open request on: start work, carry it out, or reject it with a reason. */
  const act = async (request: ErasureRequestView, action: 'start' | 'execute' | 'reject') => {
    setBusy(true);
    setError(null);
    try {
      if (action === 'execute') {
        setOutcome(
          await unwrap(
            client.POST('/v1/retention/erasure-requests/{id}/execute', { params: { path: { id: request.id } } }),
          ),
        );
        setNotice(null);
      } else {
        await unwrap(
          client.POST('/v1/retention/erasure-requests/{id}/status', {
            params: { path: { id: request.id } },
            body: action === 'start' ? { status: 'in_progress' } : { status: 'rejected', reason: rejectReason.trim() },
          }),
        );
        setNotice(`Request ${shortId(request.id)} ${action === 'start' ? 'in progress' : 'rejected'}.`);
        setRejecting(null);
        setRejectReason('');
      }
      requests.reload();
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  const erase = async () => {
    setBusy(true);
    try {
      const answer = await unwrap(
        client.POST('/v1/retention/erasure-requests', { body: { claimantRef: claimantRef.trim(), receivedAt } }),
      );
      setOutcome(answer);
      setNotice(null);
      setClaimantRef('');
      setReceivedOn('');
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
        <label>
          Received on (optional)
          <input
            name="receivedOn"
            type="date"
            value={receivedOn}
            onChange={(event) => setReceivedOn(event.target.value)}
          />
        </label>
        <div className="filters__buttons">
          <button type="button" disabled={busy} onClick={() => void register()}>
            Register only
          </button>
          <button type="submit" className="danger" disabled={busy}>
            Erase…
          </button>
        </div>
        <p className="help full">
          A request is due within the configured number of days (ERASURE_DUE_DAYS) of receipt; open requests past it are
          listed under Overdue.
        </p>
      </form>
      {error && <Alert>{error}</Alert>}
      {notice && (
        <Alert ok testId="erasure-message">
          {notice}
        </Alert>
      )}
      {outcome && (
        <div className="card" data-testid="erasure-result">
          <h2>Request {shortId(outcome.id)}</h2>
          <p role="status">
            {statusText(outcome.status)}: {count(outcome.claims.length, 'claim')} of this data subject.
          </p>
          {outcome.claims.length > 0 && <OutcomeTable claims={outcome.claims} />}
        </div>
      )}

      <h2>Requests</h2>
      <div className="tabs" role="group" aria-label="Show requests">
        <button type="button" aria-pressed={!overdueOnly} onClick={() => setOverdueOnly(false)}>
          All
        </button>
        <button type="button" aria-pressed={overdueOnly} onClick={() => setOverdueOnly(true)}>
          Overdue
        </button>
      </div>
      <Loaded
        state={requests}
        loading="Loading erasure requests"
        empty={overdueOnly ? 'No overdue erasure requests.' : 'No erasure requests yet.'}
      >
        {(data) => (
          <DataTable
            caption={overdueOnly ? 'Overdue erasure requests, most overdue first' : 'Erasure requests, newest first'}
            columns={REQUEST_COLUMNS}
            testId="erasure-table"
          >
            {data.map((request) => {
              const claims = Array.isArray(request.outcome.claims)
                ? (request.outcome.claims as ErasureClaimOutcome[])
                : [];
              return (
                <tr key={request.id} data-testid="erasure-row" data-overdue={request.overdue || undefined}>
                  <td>
                    {dateTime(request.receivedAt)} <span className="muted">by {shortId(request.requestedBy)}</span>
                  </td>
                  <th scope="row">{request.claimantRef}</th>
                  <td>
                    {request.claims.length === 0
                      ? '—'
                      : request.claims.map((claim) => (
                          <div key={claim.claimId}>
                            <Link to={`/claims/${claim.claimId}`} title={claim.claimId}>
                              {claim.claimNumber}
                            </Link>
                          </div>
                        ))}
                  </td>
                  <td>
                    {statusText(request.status)}
                    {request.rejectionReason && <div className="muted">{request.rejectionReason}</div>}
                  </td>
                  <td>
                    {dateTime(request.dueAt)}
                    {request.overdue && <span className="badge badge--flagged"> Overdue</span>}
                  </td>
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
                  <td>
                    {request.open && (
                      <span className="row-actions">
                        {request.status === 'received' && (
                          <button
                            type="button"
                            disabled={busy}
                            aria-label={`Start work on request ${shortId(request.id)}`}
                            onClick={() => void act(request, 'start')}
                          >
                            Start
                          </button>
                        )}{' '}
                        <button
                          type="button"
                          disabled={busy}
                          aria-label={`Erase now for request ${shortId(request.id)}`}
                          onClick={() => void act(request, 'execute')}
                        >
                          Erase now
                        </button>{' '}
                        <button
                          type="button"
                          disabled={busy}
                          aria-label={`Reject request ${shortId(request.id)}`}
                          onClick={() => {
                            setRejectReason('');
                            setRejecting(request);
                          }}
                        >
                          Reject…
                        </button>
                      </span>
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
      <ConfirmDialog
        open={rejecting !== null}
        title="Reject the erasure request"
        confirmLabel="Reject request"
        busy={busy}
        confirmDisabled={rejectReason.trim().length < 3}
        onConfirm={() => rejecting && void act(rejecting, 'reject')}
        onCancel={() => setRejecting(null)}
      >
        <label className="stack">
          Reason (given to the data subject)
          <textarea
            name="rejectReason"
            rows={3}
            maxLength={1000}
            value={rejectReason}
            onChange={(event) => setRejectReason(event.target.value)}
          />
        </label>
      </ConfirmDialog>
    </section>
  );
}
