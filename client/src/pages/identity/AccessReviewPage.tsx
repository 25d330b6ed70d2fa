import { useState } from 'react';
import { client, unwrap } from '../../api';
import { Alert, Loaded } from '../../components/States';
import { dateTime } from '../../format';
import { useApi } from '../../hooks';

const COLUMNS = ['Email', 'Role', 'Team', 'Status', 'Created', 'Created by', 'Last sign-in', 'Two-factor'];

/** The access review for compliance and admins: who holds which role and team; exportable as CSV. */
export function AccessReviewPage() {
  const review = useApi((signal) => client.GET('/v1/users/access-review', { signal }), []);
  const [error, setError] = useState<string | null>(null);

  const download = async () => {
    setError(null);
    try {
      const file = await unwrap(client.GET('/v1/users/access-review.csv', { parseAs: 'blob' }));
      const url = URL.createObjectURL(file as Blob);
      const anchor = document.createElement('a');
      anchor.href = url;
      anchor.download = `access-review-${new Date().toISOString().slice(0, 10)}.csv`;
      anchor.click();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  return (
    <section aria-labelledby="review-title">
      <div className="page-head">
        <h1 id="review-title">Access review</h1>
        <button type="button" onClick={() => void download()}>
          Export CSV
        </button>
      </div>
      <p className="muted">Every staff account, its role and team, who created it and when it last signed in.</p>
      {error && <Alert>{error}</Alert>}
      <Loaded
        state={review}
        loading="Loading accounts"
        isEmpty={(data) => data.items.length === 0}
        empty="No accounts."
      >
        {(data) => (
          // Eight columns scroll sideways on a tablet: the region takes focus so keyboards can scroll it.
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Staff accounts (scrolls sideways)">
            <table data-testid="review-table">
              <caption className="sr-only">Staff accounts</caption>
              <thead>
                <tr>
                  {COLUMNS.map((column) => (
                    <th key={column} scope="col">
                      {column}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.items.map((row) => (
                  <tr key={row.id}>
                    <td>{row.email}</td>
                    <td>{row.role}</td>
                    <td>{row.team}</td>
                    <td>{row.status}</td>
                    <td>{dateTime(row.createdAt)}</td>
                    <td>{row.createdBy ?? '—'}</td>
                    <td>{row.lastLoginAt ? dateTime(row.lastLoginAt) : 'never'}</td>
                    <td>{row.mfaEnabled ? 'on' : 'off'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Loaded>
    </section>
  );
}
