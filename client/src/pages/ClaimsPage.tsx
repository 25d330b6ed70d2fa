import { useState } from 'react';
import { client } from '../api';
import { DataTable } from '../components/DataTable';
import { ValueSelect } from '../components/Fields';
import { LoadedPage } from '../components/States';
import { dateTime, label, money } from '../format';
import { useApi } from '../hooks';
import { Link } from '../router';
import type { QueryOf } from '../api/types';

/** The claim list's status filter (the contract's values). */
type Status = NonNullable<QueryOf<'Claims_list'>['status']>;
const STATUSES: Status[] = ['queued', 'scoring', 'consistent', 'inconsistent', 'needs_review', 'decided', 'closed'];
const COLUMNS = ['Reference', 'Peril', 'Status', 'Amount', 'Filed', 'History'];

export function ClaimsPage() {
  const [status, setStatus] = useState<Status | ''>('');
  const [page, setPage] = useState(1);
  const claims = useApi(
    (signal) =>
      client.GET('/v1/claims', { params: { query: { status: status || undefined, page, pageSize: 25 } }, signal }),
    [status, page],
  );
  return (
    <section aria-labelledby="claims-title">
      <h1 id="claims-title">Claims</h1>
      <div className="filters">
        <ValueSelect
          caption="Status"
          value={status}
          values={STATUSES}
          any="Any"
          onChange={(value) => {
            setStatus(value);
            setPage(1);
          }}
        />
      </div>
      <LoadedPage state={claims} loading="Loading claims" empty="No claims." onPage={setPage}>
        {(data) => (
          <DataTable caption="Claims" columns={COLUMNS}>
            {data.items.map((claim) => (
              <tr key={claim.id}>
                <td>
                  <Link to={`/claims/${claim.id}`}>{claim.externalReference}</Link>
                </td>
                <td>{label(claim.claimedPeril)}</td>
                <td>{label(claim.status)}</td>
                <td className="num">{money(claim.amount, claim.currency)}</td>
                <td>{dateTime(claim.submittedAt)}</td>
                <td>
                  <Link to={`/audit/claims/${claim.id}`}>History</Link>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </LoadedPage>
    </section>
  );
}
