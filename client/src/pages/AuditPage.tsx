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
  actor: string;
  action: string;
  resourceType: string;
  resourceId: string;
  from: string;
  to: string;
}

const EMPTY: Filters = { actor: '', action: '', resourceType: '', resourceId: '', from: '', to: '' };

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
          <td>
            <span className="muted">{event.actorType}</span>{' '}
            <span title={event.actorId ?? ''}>{event.actorId ? event.actorId.slice(0, 8) : '—'}</span>
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
        params: { query: { ...filters, from: toIso(filters.from), to: toIso(filters.to), page, pageSize: 25 } },
        signal,
      }),
    [filters, page],
  );

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters({
      ...draft,
      actor: draft.actor.trim(),
      action: draft.action.trim(),
      resourceType: draft.resourceType.trim(),
      resourceId: draft.resourceId.trim(),
    });
    setPage(1);
  };

  const download = async (format: 'jsonl' | 'csv') => {
    setExportError(null);
    let file: Blob;
    try {
      file = await unwrap(
        client.GET('/v1/audit/export', {
          params: { query: { format, from: toIso(filters.from), to: toIso(filters.to) } },
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
        {field('actor', 'Actor id', 'text', 'user or client id')}
        {field('action', 'Action', 'text', 'e.g. review.decision_made')}
        {field('resourceType', 'Resource type', 'text', 'e.g. Claim')}
        {field('resourceId', 'Resource id')}
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
