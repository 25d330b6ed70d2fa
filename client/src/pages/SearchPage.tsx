import { useState, type FormEvent } from 'react';
import { client } from '../api';
import { DataTable } from '../components/DataTable';
import { FilterButtons, ValueSelect } from '../components/Fields';
import { LoadedPage } from '../components/States';
import { count, dateTime, label } from '../format';
import { useApi, useSession } from '../hooks';
import { Link, navigate, useLocation } from '../router';
import { CHECK_KINDS, CLAIM_STATUSES, LINES_OF_BUSINESS, type QueryOf } from '../api/types';

type Query = QueryOf<'Claims_list'>;
type Status = NonNullable<Query['status']>;
const STATUSES: readonly Status[] = CLAIM_STATUSES;
const PAGE_SIZE = 25;
const FIELDS = ['q', 'status', 'peril', 'lineOfBusiness', 'team', 'createdFrom', 'createdTo', 'check'] as const;
type Field = (typeof FIELDS)[number];
const COLUMNS = ['Claim', 'Policy', 'Claimant', 'Peril', 'Line', 'Status', 'Team', 'Filed'];

function fromUrl(search: string): Partial<Record<Field, string>> & { page: number } {
  const params = new URLSearchParams(search);
  const values: Partial<Record<Field, string>> = {};
  for (const field of FIELDS) {
    const value = params.get(field);
    if (value) values[field] = value;
  }
  return { ...values, page: Math.max(1, Number(params.get('page')) || 1) };
}

function toUrl(values: Partial<Record<Field, string>>, page = 1): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) if (values[field]) params.set(field, values[field]!);
  if (page > 1) params.set('page', String(page));
  return `/search?${params.toString()}`;
}

/**
 * Claim search: one paged request (`GET /v1/claims?q=…`) under the caller's access rules; the query and
 * filters live in the URL, so a search can be shared and the back button works.
 */
export function SearchPage() {
  const { search } = useLocation();
  const session = useSession();
  const current = fromUrl(search);
  const [draft, setDraft] = useState<Partial<Record<Field, string>>>(current);
  const key = JSON.stringify(current);
  const [seenKey, setSeenKey] = useState(key);
  if (seenKey !== key) {
    setSeenKey(key);
    setDraft(current);
  }
  const claims = useApi(
    (signal) =>
      client.GET('/v1/claims', {
        params: {
          query: {
            q: current.q,
            status: current.status as Status | undefined,
            peril: current.peril,
            lineOfBusiness: current.lineOfBusiness,
            team: current.team,
            createdFrom: current.createdFrom,
            createdTo: current.createdTo,
            check: current.check,
            page: current.page,
            pageSize: PAGE_SIZE,
          },
        },
        signal,
      }),
    [key],
  );
  const set = (field: Field) => (value: string) => setDraft((values) => ({ ...values, [field]: value }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(toUrl({ ...draft, q: draft.q?.trim() }));
  };
  const compliance = session?.user.role === 'compliance';
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search claims</h1>
      <form className="filters" onSubmit={submit} aria-label="Search filters">
        <label className="grow">
          Claim id, reference, policy number or claimant
          <input
            type="search"
            value={draft.q ?? ''}
            maxLength={100}
            onChange={(event) => set('q')(event.target.value)}
          />
        </label>
        <ValueSelect
          caption="Status"
          value={(draft.status ?? '') as Status | ''}
          values={STATUSES}
          any="Any"
          onChange={set('status')}
        />
        <label>
          Peril
          <input value={draft.peril ?? ''} maxLength={64} onChange={(event) => set('peril')(event.target.value)} />
        </label>
        <ValueSelect
          caption="Line of business"
          value={(draft.lineOfBusiness ?? '') as (typeof LINES_OF_BUSINESS)[number] | ''}
          values={LINES_OF_BUSINESS}
          any="Any"
          onChange={set('lineOfBusiness')}
        />
        <ValueSelect
          caption="Flagged check"
          value={(draft.check ?? '') as (typeof CHECK_KINDS)[number] | ''}
          values={CHECK_KINDS}
          any="Any"
          onChange={set('check')}
        />
        {compliance && (
          <label>
            Team
            <input value={draft.team ?? ''} maxLength={100} onChange={(event) => set('team')(event.target.value)} />
          </label>
        )}
        <label>
          Filed from
          <input
            type="date"
            value={draft.createdFrom ?? ''}
            onChange={(event) => set('createdFrom')(event.target.value)}
          />
        </label>
        <label>
          Filed to
          <input type="date" value={draft.createdTo ?? ''} onChange={(event) => set('createdTo')(event.target.value)} />
        </label>
        <FilterButtons submit="Search" onClear={() => navigate('/search')} />
      </form>
      <LoadedPage
        state={claims}
        loading="Searching claims"
        empty="No claim matches this search."
        onPage={(page) => navigate(toUrl(current, page))}
      >
        {(data) => (
          <>
            <p className="muted" aria-live="polite" data-testid="search-total">
              {count(data.total, 'claim')} found
            </p>
            <DataTable caption="Search results" columns={COLUMNS} testId="search-results">
              {data.items.map((claim) => {
                const staff = 'team' in claim ? claim : null;
                return (
                  <tr key={claim.id} data-testid="search-row">
                    <td>
                      <Link to={`/claims/${claim.id}`}>{claim.externalReference}</Link>
                      <div className="muted">{claim.id.slice(0, 8)}</div>
                    </td>
                    <td>{staff?.policyNumber ?? '—'}</td>
                    <td>{claim.claimantRef ?? <span className="muted">—</span>}</td>
                    <td>{label(claim.claimedPeril)}</td>
                    <td>{staff?.lineOfBusiness ? label(staff.lineOfBusiness) : '—'}</td>
                    <td>{label(claim.status)}</td>
                    <td>{staff?.team ?? '—'}</td>
                    <td>{dateTime(claim.createdAt)}</td>
                  </tr>
                );
              })}
            </DataTable>
          </>
        )}
      </LoadedPage>
    </section>
  );
}
