import { useEffect, useState } from 'react';
import { client, getStaffClaim, unwrap } from '../api';
import { ErrorState, Loading, Empty } from '../components/States';
import { dateTime, label } from '../format';
import { useApi } from '../hooks';
import { Link } from '../router';
import type { AuditEvent } from '../api/types';
import { describeEvent } from '../timeline';

async function eventsFor(resourceId: string): Promise<AuditEvent[]> {
  const all: AuditEvent[] = [];
  for (let page = 1; page <= 10; page += 1) {
    const result = await unwrap(
      client.GET('/v1/audit/events', { params: { query: { resourceId, page, pageSize: 200 } } }),
    );
    all.push(...result.items);
    if (all.length >= result.total || result.items.length === 0) break;
  }
  return all;
}

/** One event in plain words: what happened, what changed (before → after), the facts; the raw event folded away. */
function HistoryItem({ event }: { event: AuditEvent }) {
  const entry = describeEvent(event);
  return (
    <li className={`history__item history__item--${event.action.split('.')[0]}`} data-testid="history-item">
      <div className="history__when">{dateTime(event.occurredAt)}</div>
      <div>
        <p className="history__sentence">{entry.sentence}</p>
        {entry.changes.length > 0 && (
          <ul className="history__changes" aria-label="What changed">
            {entry.changes.map((change) => (
              <li key={change.field}>
                {change.field}: <del>{change.before}</del> → <ins>{change.after}</ins>
              </li>
            ))}
          </ul>
        )}
        {entry.facts.length > 0 && (
          <p className="muted small">{entry.facts.map((fact) => `${fact.name}: ${fact.value}`).join(' · ')}</p>
        )}
        <div className="muted small">
          <strong>{label(event.action.replace('.', ': '))}</strong> #{event.seq}
          {event.actorEmail ? ` · ${event.actorEmail}` : ''}
        </div>
      </div>
    </li>
  );
}

/** Everything the audit trail holds about one claim: its own events, its photos', its scoring run's and its tasks'. */
export function ClaimHistoryPage({ claimId }: { claimId: string }) {
  const claim = useApi((signal) => getStaffClaim(claimId, signal), [claimId]);
  const validation = useApi(
    (signal) => client.GET('/v1/claims/{id}/validation', { params: { path: { id: claimId } }, signal }),
    [claimId],
  );
  const [state, setState] = useState<{ events?: AuditEvent[]; error?: Error }>({});

  useEffect(() => {
    if (!claim.data || validation.loading) return;
    let cancelled = false;
    (async () => {
      const own = await eventsFor(claimId);
      const related = new Set<string>([
        ...claim.data!.photos.map((photo) => photo.id),
        ...(validation.data?.run ? [validation.data.run.id] : []),
      ]);
      for (const event of own) if (typeof event.details.taskId === 'string') related.add(event.details.taskId);
      const more = await Promise.all([...related].map((id) => eventsFor(id)));
      // Task events found through a decision may name further tasks (reopened claims): one more hop.
      const seen = new Map<number, AuditEvent>();
      for (const event of [...own, ...more.flat()]) seen.set(event.seq, event);
      const events = [...seen.values()].filter(
        (event) =>
          event.resourceId === claimId || event.details.claimId === claimId || related.has(event.resourceId ?? ''),
      );
      events.sort((a, b) => a.seq - b.seq);
      if (!cancelled) setState({ events });
    })().catch((error: unknown) => {
      if (!cancelled) setState({ error: error instanceof Error ? error : new Error(String(error)) });
    });
    return () => {
      cancelled = true;
    };
  }, [claimId, claim.data, validation.data, validation.loading]);

  return (
    <section aria-labelledby="history-title">
      <div className="page-head">
        <h1 id="history-title">History of claim {claim.data?.externalReference ?? claimId.slice(0, 8)}</h1>
        <Link to={`/claims/${claimId}`}>Claim evidence</Link>
      </div>
      {claim.error ? (
        <ErrorState error={claim.error} retry={claim.reload} />
      ) : state.error ? (
        <ErrorState error={state.error} />
      ) : !state.events ? (
        <Loading what="Loading the history" />
      ) : state.events.length === 0 ? (
        <Empty>No events.</Empty>
      ) : (
        <ol className="history" data-testid="history">
          {state.events.map((event) => (
            <HistoryItem key={event.seq} event={event} />
          ))}
        </ol>
      )}
    </section>
  );
}
