import { useState } from 'react';
import { query } from '../../api';
import { Empty, ErrorState, Loading, Pager } from '../../components/States';
import { dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import { Link } from '../../router';
import type { ReceiptPage } from '../../api/types';
import { RetentionNav, UUID, shortId } from './RetentionNav';

export function ReceiptsPage() {
  const [page, setPage] = useState(1);
  const [draft, setDraft] = useState('');
  const [claimId, setClaimId] = useState('');
  const receipts = useApi<ReceiptPage>(`/v1/retention/receipts${query({ claimId, page, pageSize: 25 })}`);
  const draftError = draft.trim() !== '' && !UUID.test(draft.trim()) ? 'A claim id is a UUID.' : null;

  return (
    <section aria-labelledby="receipts-title">
      <h1 id="receipts-title">Purge receipts</h1>
      <RetentionNav />
      <p className="help">
        One receipt per claim and data class purged: what, when and under which policy or erasure request. Receipts
        never hold content.
      </p>
      <form
        className="filters card"
        aria-label="Filter receipts"
        onSubmit={(event) => {
          event.preventDefault();
          if (draftError) return;
          setClaimId(draft.trim());
          setPage(1);
        }}
      >
        <label>
          Claim id
          <input
            value={draft}
            size={38}
            placeholder="all claims"
            aria-invalid={draftError ? true : undefined}
            onChange={(event) => setDraft(event.target.value)}
          />
        </label>
        <div className="filters__buttons">
          <button type="submit" className="primary">
            Filter
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft('');
              setClaimId('');
              setPage(1);
            }}
          >
            Clear
          </button>
        </div>
        {draftError && <p className="field-error full">{draftError}</p>}
      </form>
      {receipts.error ? (
        <ErrorState error={receipts.error} retry={receipts.reload} />
      ) : !receipts.data ? (
        <Loading what="Loading receipts" />
      ) : receipts.data.items.length === 0 ? (
        <Empty>No purge receipts{claimId ? ' for this claim' : ''} yet.</Empty>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {receipts.data.total} receipt{receipts.data.total === 1 ? '' : 's'}, newest first
          </p>
          <div className="table-wrap">
            <table data-testid="receipt-table">
              <caption className="sr-only">Purge receipts, newest first</caption>
              <thead>
                <tr>
                  <th scope="col">Purged</th>
                  <th scope="col">Claim</th>
                  <th scope="col">Data class</th>
                  <th scope="col">Under</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {receipts.data.items.map((receipt) => (
                  <tr key={receipt.id}>
                    <td>{dateTime(receipt.purgedAt)}</td>
                    <th scope="row">
                      <Link to={`/audit/claims/${receipt.claimId}`} title={receipt.claimId}>
                        {shortId(receipt.claimId)}
                      </Link>
                    </th>
                    <td>{label(receipt.dataClass)}</td>
                    <td>
                      {receipt.erasureRequestId
                        ? `Erasure request ${shortId(receipt.erasureRequestId)}`
                        : `Policy ${shortId(receipt.policyId)}`}
                    </td>
                    <td>
                      <code className="details">{JSON.stringify(receipt.details)}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager
            page={receipts.data.page}
            pageSize={receipts.data.pageSize}
            total={receipts.data.total}
            onPage={setPage}
          />
        </>
      )}
    </section>
  );
}
