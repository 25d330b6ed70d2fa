import { useState, type FormEvent } from 'react';
import { apiRaw, query } from '../api';
import { Empty, ErrorState, Loading, Pager } from '../components/States';
import { dateTime } from '../format';
import { useApi } from '../hooks';
import { Link } from '../router';
import type { AuditEvent, AuditPage as AuditPageData, AuditVerifyReport } from '../api/types';

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
  const verify = useApi<AuditVerifyReport>('/v1/audit/verify');
  if (verify.error) return <ErrorState error={verify.error} retry={verify.reload} />;
  if (!verify.data) return <Loading what="Verifying the audit chain" />;
  const report = verify.data;
  return (
    <div className={`alert ${report.ok ? 'alert--ok' : 'alert--error'}`} role="status" data-testid="verify-status">
      {report.ok ? (
        <>
          <strong>Chain verified.</strong> {report.eventsChecked} events and {report.checkpointsChecked} signed
          checkpoints checked; head at #{report.head.seq}.
        </>
      ) : (
        <>
          <strong>Chain verification FAILED</strong> at #{report.problem?.seq}: {report.problem?.message}
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

export function AuditTable({ events }: { events: AuditEvent[] }) {
  return (
    <div className="table-wrap">
      <table className="audit" data-testid="audit-table">
        <caption className="sr-only">Audit events, newest first</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Resource</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
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
        </tbody>
      </table>
    </div>
  );
}

export function AuditPage() {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [exportError, setExportError] = useState<string | null>(null);
  const events = useApi<AuditPageData>(
    `/v1/audit/events${query({ actor: filters.actor, action: filters.action, resourceType: filters.resourceType, resourceId: filters.resourceId, from: toIso(filters.from), to: toIso(filters.to), page, pageSize: 25 })}`,
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
    const response = await apiRaw(
      `/v1/audit/export${query({ format, from: toIso(filters.from), to: toIso(filters.to) })}`,
      { headers: { Accept: '*/*' } },
    );
    if (!response.ok) {
      setExportError(`Export failed (${response.status}).`);
      return;
    }
    const url = URL.createObjectURL(await response.blob());
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
        <div className="filters__buttons">
          <button type="submit" className="primary">
            Search
          </button>
          <button
            type="button"
            onClick={() => {
              setDraft(EMPTY);
              setFilters(EMPTY);
              setPage(1);
            }}
          >
            Clear
          </button>
          <button type="button" onClick={() => void download('jsonl')}>
            Export JSONL
          </button>
          <button type="button" onClick={() => void download('csv')}>
            Export CSV
          </button>
        </div>
      </form>
      {exportError && (
        <div className="alert alert--error" role="alert">
          {exportError}
        </div>
      )}
      {events.error ? (
        <ErrorState error={events.error} retry={events.reload} />
      ) : !events.data ? (
        <Loading what="Searching" />
      ) : events.data.items.length === 0 ? (
        <Empty>No events match.</Empty>
      ) : (
        <>
          <p className="muted" aria-live="polite">
            {events.data.total} event{events.data.total === 1 ? '' : 's'}
          </p>
          <AuditTable events={events.data.items} />
          <Pager page={events.data.page} pageSize={events.data.pageSize} total={events.data.total} onPage={setPage} />
        </>
      )}
    </section>
  );
}
