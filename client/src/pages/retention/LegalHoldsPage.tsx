import { useState, type FormEvent } from 'react';
import { ApiError, client, unwrap } from '../../api';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DataTable } from '../../components/DataTable';
import { Alert, Loaded } from '../../components/States';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';
import { Link } from '../../router';
import type { LegalHoldView, QueryOf } from '../../api/types';
import { RetentionNav, shortId } from './RetentionNav';

type Status = NonNullable<QueryOf<'Retention_holds'>['status']>;
const STATUSES: Status[] = ['active', 'released', 'all'];
const EMPTY_TEXT: Record<Status, string> = {
  active: 'No active legal holds.',
  released: 'No released holds.',
  all: 'No legal holds yet.',
};
const COLUMNS = ['Claim', 'Reason', 'Placed', 'Released', <span className="sr-only">Actions</span>];

function holdError(error: unknown, action: 'place' | 'release'): string {
  if (error instanceof ApiError && error.status === 409)
    return action === 'place' && /claims have the number/.test(error.message)
      ? `${error.message}.`
      : 'This claim already has an active legal hold.';
  if (error instanceof ApiError && error.status === 404)
    return action === 'place'
      ? 'No claim with that number or id.'
      : 'This claim has no active hold (someone may have released it).';
  return error instanceof Error ? error.message : String(error);
}

export function LegalHoldsPage() {
  const [status, setStatus] = useState<Status>('active');
  const holds = useApi(
    (signal) => client.GET('/v1/retention/holds', { params: { query: { status } }, signal }),
    [status],
  );
  const [claimId, setClaimId] = useState('');
  const [reason, setReason] = useState('');
  const [placing, setPlacing] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [releasing, setReleasing] = useState<LegalHoldView | null>(null);
  const [releaseReason, setReleaseReason] = useState('');
  const [releaseBusy, setReleaseBusy] = useState(false);
  const [releaseError, setReleaseError] = useState<string | null>(null);

  const id = claimId.trim();

  const place = async (event: FormEvent) => {
    event.preventDefault();
    if (id === '' || reason.trim().length < 3) {
      setMessage({
        ok: false,
        text: id === '' ? 'Enter the claim number (or the claim id).' : 'Give a reason of at least 3 characters.',
      });
      return;
    }
    setPlacing(true);
    setMessage(null);
    try {
      // By claim number (what people know) or id: the server resolves it.
      const hold = await unwrap(client.POST('/v1/retention/holds', { body: { claim: id, reason: reason.trim() } }));
      setMessage({
        ok: true,
        text: `Legal hold placed on claim ${hold.claimNumber ?? shortId(hold.claimId)}. It will not be purged until the hold is released.`,
      });
      setClaimId('');
      setReason('');
      holds.reload();
    } catch (error) {
      setMessage({ ok: false, text: holdError(error, 'place') });
    } finally {
      setPlacing(false);
    }
  };

  const release = async () => {
    if (!releasing) return;
    setReleaseBusy(true);
    setReleaseError(null);
    try {
      await unwrap(
        client.DELETE('/v1/claims/{id}/legal-hold', {
          params: { path: { id: releasing.claimId } },
          body: { reason: releaseReason.trim() },
        }),
      );
      setMessage({
        ok: true,
        text: `Legal hold on claim ${shortId(releasing.claimId)} released. The claim is due again at the next run if its retention has ended.`,
      });
      setReleasing(null);
      setReleaseReason('');
      holds.reload();
    } catch (error) {
      setReleaseError(holdError(error, 'release'));
    } finally {
      setReleaseBusy(false);
    }
  };

  return (
    <section aria-labelledby="holds-title">
      <h1 id="holds-title">Legal holds</h1>
      <RetentionNav />
      <form className="card filters" onSubmit={(event) => void place(event)} aria-labelledby="place-title" noValidate>
        <h2 id="place-title" className="full">
          Place a hold on a claim
        </h2>
        <label>
          Claim id or claim number
          <input
            name="claim"
            value={claimId}
            size={38}
            placeholder="e.g. CLM-2026-0042"
            onChange={(event) => setClaimId(event.target.value)}
          />
        </label>
        <label className="grow">
          Reason
          <input
            name="reason"
            value={reason}
            maxLength={1000}
            placeholder="e.g. litigation LIT-2026-04"
            onChange={(event) => setReason(event.target.value)}
          />
        </label>
        <div className="filters__buttons">
          <button type="submit" className="primary" disabled={placing}>
            {placing ? 'Placing…' : 'Place hold'}
          </button>
        </div>
      </form>
      {message && (
        <Alert ok={message.ok} testId="hold-message">
          {message.text}
        </Alert>
      )}

      <div className="tabs" role="group" aria-label="Show holds">
        {STATUSES.map((value) => (
          <button key={value} type="button" aria-pressed={status === value} onClick={() => setStatus(value)}>
            {value === 'active' ? 'Active' : value === 'released' ? 'Released' : 'All'}
          </button>
        ))}
      </div>
      <Loaded state={holds} loading="Loading holds" empty={EMPTY_TEXT[status]}>
        {(data) => (
          <DataTable caption={`Legal holds (${status})`} columns={COLUMNS} testId="hold-table">
            {data.map((hold) => (
              <tr key={hold.id} data-testid="hold-row" data-claim-id={hold.claimId}>
                <th scope="row">
                  <Link to={`/claims/${hold.claimId}`} title={hold.claimId}>
                    {hold.claimNumber ?? shortId(hold.claimId)}
                  </Link>{' '}
                  (<Link to={`/audit/claims/${hold.claimId}`}>history</Link>)
                </th>
                <td>{hold.reason}</td>
                <td>
                  {dateTime(hold.placedAt)} <span className="muted">by {shortId(hold.placedBy)}</span>
                </td>
                <td>
                  {hold.releasedAt ? (
                    <>
                      {dateTime(hold.releasedAt)} <span className="muted">by {shortId(hold.releasedBy)}</span>
                      {hold.releaseReason && <div className="muted">{hold.releaseReason}</div>}
                    </>
                  ) : (
                    <span className="badge badge--flagged">Active</span>
                  )}
                </td>
                <td>
                  {!hold.releasedAt && (
                    <button
                      type="button"
                      aria-label={`Release hold on claim ${shortId(hold.claimId)}`}
                      onClick={() => {
                        setReleaseError(null);
                        setReleaseReason('');
                        setReleasing(hold);
                      }}
                    >
                      Release…
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Loaded>

      <ConfirmDialog
        open={releasing !== null}
        title="Release legal hold"
        confirmLabel="Release hold"
        danger
        busy={releaseBusy}
        confirmDisabled={releaseReason.trim().length < 3}
        onConfirm={() => void release()}
        onCancel={() => setReleasing(null)}
      >
        <p>
          Releasing the hold on claim <code>{releasing?.claimId}</code> lets retention purge it at the next run if its
          period has ended. The release is audited.
        </p>
        <label className="stack">
          Reason for the release (at least 3 characters)
          <textarea
            name="releaseReason"
            rows={3}
            maxLength={1000}
            value={releaseReason}
            onChange={(event) => setReleaseReason(event.target.value)}
          />
        </label>
        {releaseError && (
          <p className="field-error" role="alert">
            {releaseError}
          </p>
        )}
      </ConfirmDialog>
    </section>
  );
}
