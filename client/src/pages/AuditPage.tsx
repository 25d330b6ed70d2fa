import { useState, type FormEvent } from 'react';
import { ApiError, client, unwrap } from '../api';
import { DataTable } from '../components/DataTable';
import { FilterButtons } from '../components/Fields';
import { Alert, ErrorState, LoadedPage, Loading } from '../components/States';
import { count, dateTime } from '../format';
import { useApi } from '../hooks';
import { Link } from '../router';
import type { AuditEvent } from '../api/types';

interface Filters {
  actorEmail: string;
  action: string;
  resourceType: string;
  resourceId: string;
  q: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actorEmail: '', action: '', resourceType: '', resourceId: '', q: '', from: '', to: '' };

/** The API query of the filters: empty fields left out, dates as ISO 8601. */
function queryOf(filters: Filters) {
  const text = (value: string) => (value.trim() === '' ? undefined : value.trim());
  return {
    actorEmail: text(filters.actorEmail),
    action: text(filters.action),
    resourceType: text(filters.resourceType),
    resourceId: text(filters.resourceId),
    q: text(filters.q),
    from: toIso(filters.from),
    to: toIso(filters.to),
  };
}

/** Saved filters back into the form (unknown keys ignored). */
function filtersOf(saved: Record<string, unknown>): Filters {
  const out: Filters = { ...EMPTY };
  for (const key of Object.keys(EMPTY) as Array<keyof Filters>) {
    const value = saved[key];
    if (typeof value !== 'string') continue;
    out[key] = key === 'from' || key === 'to' ? toLocal(value) : value;
  }
  return out;
}

/** ISO 8601 to a datetime-local value (local time, minutes). */
function toLocal(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  const date = new Date(time - new Date(time).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

/** Who did it: the name and email resolved when shown, else the kind and id. */
export function ActorCell({ event }: { event: AuditEvent }) {
  if (event.actorName)
    return (
      <span title={event.actorId ?? ''}>
        {event.actorName}
        <div className="muted small">
          {event.actorEmail ?? event.actorType} · {event.actorId?.slice(0, 8)}
        </div>
      </span>
    );
  return (
    <>
      <span className="muted">{event.actorType}</span>{' '}
      <span title={event.actorId ?? ''}>{event.actorId ? event.actorId.slice(0, 8) : '—'}</span>
    </>
  );
}

/** datetime-local (no zone) to ISO 8601 in UTC, as the API wants. */
function toIso(local: string): string | undefined {
  if (!local) return undefined;
  const time = Date.parse(local);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

export function VerifyStatus() {
  const verify = useApi((signal) => client.GET('/v1/audit/verify', { signal }), []);
  if (verify.error) return <ErrorState error={verify.error} retry={verify.reload} />;
  if (!verify.data) return <Loading what="Verifying the audit log" />;
  const report = verify.data;
  return (
    <div className={`alert ${report.ok ? 'alert--ok' : 'alert--error'}`} role="status" data-testid="verify-status">
      {report.ok ? (
        <>
          <strong>Log verified.</strong> {report.eventsChecked} events and {report.treeHeadsChecked} signed tree heads
          checked; tree size {report.treeSize}
          {report.unsequenced > 0 ? ` (${report.unsequenced} events still being sequenced)` : ''}.
        </>
      ) : (
        <>
          <strong>Log verification FAILED</strong> ({report.problem?.kind}
          {report.problem?.logIndex === null ? '' : ` at log index ${report.problem?.logIndex}`}):{' '}
          {report.problem?.message}
        </>
      )}{' '}
      <button type="button" onClick={verify.reload}>
        Verify again
      </button>
    </div>
  );
}

function resourceLink(event: AuditEvent) {
  if (!event.resourceId) return '—';
  const text = `${event.resourceType ?? ''} ${event.resourceId.slice(0, 8)}`;
  if (event.resourceType === 'Claim') return <Link to={`/audit/claims/${event.resourceId}`}>{text}</Link>;
  const claimId = typeof event.details.claimId === 'string' ? event.details.claimId : null;
  return (
    <>
      <span title={event.resourceId}>{text}</span>
      {claimId && (
        <>
          {' '}
          (<Link to={`/audit/claims/${claimId}`}>claim</Link>)
        </>
      )}
    </>
  );
}

const COLUMNS = ['#', 'When', 'Actor', 'Action', 'Resource', 'Details'];

export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <DataTable caption="Audit events, newest first" columns={COLUMNS} className="audit" testId="audit-table">
      {events.map((event) => (
        <tr key={event.seq}>
          <td className="num">{event.seq}</td>
          <td>{dateTime(event.occurredAt)}</td>
          <td data-testid="audit-actor">
            <ActorCell event={event} />
          </td>
          <td>
            <code>{event.action}</code>
          </td>
          <td>{resourceLink(event)}</td>
          <td>
            <code className="details">{JSON.stringify(event.details)}</code>
            {event.justification && <div className="muted">Justification: {event.justification}</div>}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [exportError, setExportError] = useState<string | null>(null);
  const events = useApi(
    (signal) =>
      client.GET('/v1/audit/events', {
        params: { query: { ...queryOf(filters), page, pageSize: 25 } },
        signal,
      }),
    [filters, page],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({ ...draft });
    setPage(1);
  };

  const saved = useApi((signal) => client.GET('/v1/audit/saved-searches', { signal }), []);
  const [saveName, setSaveName] = useState('');
  const [saveMessage, setSaveMessage] = useState<{ ok: boolean; text: string } | null>(null);

  const saveSearch = async () => {
    if (saveName.trim() === '') {
      setSaveMessage({ ok: false, text: 'Name the search to save it.' });
      return;
    }
    try {
      const query = queryOf(draft);
      const filtersToSave = Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined));
      const row = await unwrap(
        client.POST('/v1/audit/saved-searches', { body: { name: saveName.trim(), filters: filtersToSave } }),
      );
      setSaveMessage({ ok: true, text: `Search “${row.name}” saved.` });
      setSaveName('');
      saved.reload();
    } catch (error) {
      setSaveMessage({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  };

  const applySaved = (filters: Record<string, unknown>) => {
    const next = filtersOf(filters);
    setDraft(next);
    setFilters(next);
    setPage(1);
  };

  const deleteSaved = async (id: string) => {
    await unwrap(client.DELETE('/v1/audit/saved-searches/{id}', { params: { path: { id } } })).catch(() => undefined);
    saved.reload();
  };

  const download = async (format: 'jsonl' | 'csv') => {
    setExportError(null);
    let file: Blob;
    try {
      file = await unwrap(
        client.GET('/v1/audit/export', {
          params: { query: { format, ...queryOf(filters) } },
          headers: { Accept: '*/*' },
          parseAs: 'blob',
        }),
      );
    } catch (error) {
      const status = error instanceof ApiError ? error.status : 0;
      setExportError(
        status > 0 ? `Export failed (${status}).` : error instanceof Error ? error.message : 'Export failed.',
      );
      return;
    }
    const url = URL.createObjectURL(file);
    const link = document.createElement('a');
    link.href = url;
    link.download = `audit-export.${format}`;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const field = (key: keyof Filters, text: string, type = 'text', placeholder = '') => (
    <label>
      {text}
      <input
        type={type}
        name={key}
        value={draft[key]}
        placeholder={placeholder}
        onChange={(event) => setDraft({ ...draft, [key]: event.target.value })}
      />
    </label>
  );

  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <VerifyStatus />
      <form className="filters card" onSubmit={submit} aria-label="Search audit events">
        {field('actorEmail', 'Actor email', 'text', 'e.g. ada@ (part of it)')}
        {field('action', 'Action', 'text', 'review. = every review action')}
        {field('resourceType', 'Resource type', 'text', 'e.g. Claim')}
        {field('resourceId', 'Resource id')}
        {field('q', 'Text in details', 'text', 'e.g. LIT-2026-04')}
        {field('from', 'From', 'datetime-local')}
        {field('to', 'To', 'datetime-local')}
        <FilterButtons
          submit="Search"
          onClear={() => {
            setDraft(EMPTY);
            setFilters(EMPTY);
            setPage(1);
          }}
        >
          <button type="button" onClick={() => void download('jsonl')}>
            Export JSONL
          </button>
          <button type="button" onClick={() => void download('csv')}>
            Export CSV
          </button>
        </FilterButtons>
      </form>
      {exportError && <Alert>{exportError}</Alert>}
      <div className="card filters" role="group" aria-label="Saved searches">
        <label>
          Save these filters as
          <input
            name="saveName"
            value={saveName}
            maxLength={100}
            onChange={(event) => setSaveName(event.target.value)}
          />
        </label>
        <div className="filters__buttons">
          <button type="button" onClick={() => void saveSearch()}>
            Save filters
          </button>
        </div>
        {saved.data && saved.data.length > 0 && (
          <ul className="full saved-searches" aria-label="Your saved searches" data-testid="saved-searches">
            {saved.data.map((row) => (
              <li key={row.id}>
                <button type="button" onClick={() => applySaved(row.filters)}>
                  {row.name}
                </button>{' '}
                <button
                  type="button"
                  aria-label={`Delete saved search ${row.name}`}
                  onClick={() => void deleteSaved(row.id)}
                >
                  Delete
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
      {saveMessage && (
        <Alert ok={saveMessage.ok} testId="saved-search-message">
          {saveMessage.text}
        </Alert>
      )}
      <LoadedPage state={events} loading="Searching" empty="No events match." onPage={setPage}>
        {(data) => (
          <>
            <p className="muted" aria-live="polite">
              {count(data.total, 'event')}
            </p>
            <AuditTable events={data.items} />
          </>
        )}
      </LoadedPage>
    </section>
  );
}
