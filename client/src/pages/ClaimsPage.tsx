import { useState } from 'react';
import { query } from '../api';
import { Empty, ErrorState, Loading, Pager } from '../components/States';
import { dateTime, label, money } from '../format';
import { useApi } from '../hooks';
import { Link } from '../router';
import type { StaffClaim } from '../api/types';

const STATUSES = ['', 'queued', 'scoring', 'consistent', 'inconsistent', 'needs_review', 'decided', 'closed'];

export function ClaimsPage() {
  const [status, setStatus] = useState('');
  const [page, setPage] = useState(1);
  const claims = useApi<{ items: StaffClaim[]; page: number; pageSize: number; total: number }>(
    `/v1/claims${query({ status, page, pageSize: 25 })}`,
  );
  return (
    <section aria-labelledby="claims-title">
      <h1 id="claims-title">Claims</h1>
      <div className="filters">
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value);
              setPage(1);
            }}
          >
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value ? label(value) : 'Any'}
              </option>
            ))}
          </select>
        </label>
      </div>
      {claims.error ? (
        <ErrorState error={claims.error} retry={claims.reload} />
      ) : !claims.data ? (
        <Loading what="Loading claims" />
      ) : claims.data.items.length === 0 ? (
        <Empty>No claims.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table>
              <caption className="sr-only">Claims</caption>
              <thead>
                <tr>
                  <th scope="col">Reference</th>
                  <th scope="col">Peril</th>
                  <th scope="col">Status</th>
                  <th scope="col">Amount</th>
                  <th scope="col">Filed</th>
                  <th scope="col">History</th>
                </tr>
              </thead>
              <tbody>
                {claims.data.items.map((claim) => (
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
              </tbody>
            </table>
          </div>
          <Pager page={claims.data.page} pageSize={claims.data.pageSize} total={claims.data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}
