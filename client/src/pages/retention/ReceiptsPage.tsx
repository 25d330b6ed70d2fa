import { useState } from 'react';
import { client } from '../../api';
import { DataTable } from '../../components/DataTable';
import { FilterButtons } from '../../components/Fields';
import { LoadedPage } from '../../components/States';
import { count, dateTime, label } from '../../format';
import { useApi } from '../../hooks';
import { ClaimHistoryLink, ClaimIdField, RetentionNav, UUID, shortId } from './RetentionNav';

const COLUMNS = ['Purged', 'Claim', 'Data class', 'Under', 'Details'];

export function ReceiptsPage() {
  const [page, setPage] = useState(1);
  const [draft, setDraft] = useState('');
  const [claimId, setClaimId] = useState('');
  const receipts = useApi(
    (signal) => client.GET('/v1/retention/receipts', { params: { query: { claimId, page, pageSize: 25 } }, signal }),
    [claimId, page],
  );
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
        <ClaimIdField value={draft} placeholder="all claims" invalid={draftError !== null} onChange={setDraft} />
        <FilterButtons
          submit="Filter"
          onClear={() => {
            setDraft('');
            setClaimId('');
            setPage(1);
          }}
        />
        {draftError && <p className="field-error full">{draftError}</p>}
      </form>
      <LoadedPage
        state={receipts}
        loading="Loading receipts"
        onPage={setPage}
        empty={`No purge receipts${claimId ? ' for this claim' : ''} yet.`}
      >
        {(data) => (
          <>
            <p className="muted" aria-live="polite">
              {count(data.total, 'receipt')}, newest first
            </p>
            <DataTable caption="Purge receipts, newest first" columns={COLUMNS} testId="receipt-table">
              {data.items.map((receipt) => (
                <tr key={receipt.id}>
                  <td>{dateTime(receipt.purgedAt)}</td>
                  <th scope="row">
                    <ClaimHistoryLink claimId={receipt.claimId} />
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
            </DataTable>
          </>
        )}
      </LoadedPage>
    </section>
  );
}
