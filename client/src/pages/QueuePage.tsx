import { useEffect, useMemo, useState } from 'react';
import { client, getStaffClaim, ApiError, unwrap } from '../api';
import { ValueSelect } from '../components/Fields';
import { Loaded, Pager } from '../components/States';
import { TaskTable, type SortState } from '../components/TaskTable';
import { count, label } from '../format';
import { useApi, useSession, useShortcut } from '../hooks';
import { navigate } from '../router';
import type { QueryOf, ReviewReason, TaskView } from '../api/types';

const REASONS: ReviewReason[] = ['flagged', 'uncertain', 'qa_sample'];
type StatusFilter = NonNullable<QueryOf<'Review_list'>['status']>;
type ServerSort = NonNullable<QueryOf<'Review_list'>['sort']>;

const STATUSES: StatusFilter[] = ['undecided', 'open', 'assigned', 'escalated', 'decided', 'all'];
const PAGE_SIZE = 25;

/** Claims the highest-priority waiting task and opens it; shared by the button and the `n` shortcut. */
export async function claimNext(): Promise<string | null> {
  const task = await unwrap(client.POST('/v1/review/tasks/next'));
  return task ? task.id : null;
}

export function QueuePage({ scope }: { scope: 'mine' | 'queue' }) {
  const session = useSession();
  const supervisor = session?.user.role === 'supervisor';
  const [reason, setReason] = useState<ReviewReason | ''>('');
  const [status, setStatus] = useState<StatusFilter>('undecided');
  const [serverSort, setServerSort] = useState<ServerSort>('priority');
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<SortState>({ key: 'priority', direction: 'desc' });
  const [line, setLine] = useState('');
  const [minAge, setMinAge] = useState(0);
  const [check, setCheck] = useState('');
  const [flags, setFlags] = useState<Record<string, string[] | undefined>>({});
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => setPage(1), [scope, reason, status, serverSort]);
  const tasks = useApi(
    (signal) =>
      client.GET('/v1/review/tasks', {
        params: { query: { scope, reason: reason || undefined, status, sort: serverSort, page, pageSize: PAGE_SIZE } },
        signal,
      }),
    [scope, reason, status, serverSort, page],
  );

  // The flags of each listed claim (for the "check" filter and the Flags column).
  useEffect(() => {
    const items = tasks.data?.items ?? [];
    let cancelled = false;
    for (const task of items) {
      if (flags[task.claimId] !== undefined) continue;
      unwrap(getStaffClaim(task.claimId))
        .then((claim) => {
          if (cancelled) return;
          const kinds = [
            ...new Set([
              ...(claim.validation?.flags ?? []).map((flag) => flag.kind),
              ...(claim.validation?.uncertain ?? []),
            ]),
          ];
          setFlags((current) => ({ ...current, [task.claimId]: kinds }));
        })
        .catch(() => {
          if (!cancelled) setFlags((current) => ({ ...current, [task.claimId]: [] }));
        });
    }
    return () => {
      cancelled = true;
    };
  }, [tasks.data]);

  const items = tasks.data?.items ?? [];
  const lines = useMemo(() => [...new Set(items.map((task) => task.lineOfBusiness))].sort(), [items]);
  const checks = useMemo(() => [...new Set(Object.values(flags).flatMap((kinds) => kinds ?? []))].sort(), [flags]);
  const visible = items.filter(
    (task) =>
      (!line || task.lineOfBusiness === line) &&
      task.ageHours >= minAge &&
      (!check || (flags[task.claimId] ?? []).includes(check)),
  );
  const people = useMemo(() => {
    const map = new Map<string, string>();
    if (session) map.set(session.user.id, `${session.user.email} (me)`);
    for (const task of items) if (task.assigneeId && task.assigneeName) map.set(task.assigneeId, task.assigneeName);
    return [...map.entries()];
  }, [items, session]);

  const next = async () => {
    if (busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const id = await claimNext();
      if (id) navigate(`/tasks/${id}`);
      else setMessage({ kind: 'ok', text: 'No task is waiting in your queue.' });
    } catch (error) {
      setMessage({ kind: 'error', text: error instanceof Error ? error.message : 'Could not claim a task.' });
    } finally {
      setBusy(false);
    }
  };
  useShortcut({ n: () => void next() });

  const reassign = async (task: TaskView, assigneeId: string) => {
    setMessage(null);
    try {
      await unwrap(
        client.POST('/v1/review/tasks/{id}/assign', {
          params: { path: { id: task.id } },
          body: { assigneeId, version: task.version },
        }),
      );
      setMessage({ kind: 'ok', text: `${task.externalReference} assigned.` });
      tasks.reload();
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 409
          ? 'Someone else changed this task since the list loaded; the list is reloaded.'
          : error instanceof Error
            ? error.message
            : 'Could not assign.';
      setMessage({ kind: 'error', text });
      tasks.reload();
    }
  };

  const counts = tasks.data?.countsByReason;
  const all = counts ? REASONS.reduce((sum, key) => sum + (counts[key] ?? 0), 0) : undefined;

  return (
    <section aria-labelledby="queue-title">
      <div className="page-head">
        <h1 id="queue-title">{scope === 'mine' ? 'My tasks' : 'Team queue'}</h1>
        <button type="button" className="primary" onClick={() => void next()} disabled={busy} aria-keyshortcuts="n">
          Claim next task <kbd aria-hidden="true">n</kbd>
        </button>
      </div>
      {message && (
        <div className={`alert alert--${message.kind}`} role={message.kind === 'error' ? 'alert' : 'status'}>
          {message.text}
        </div>
      )}
      <div className="tabs" role="group" aria-label="Reason">
        <button type="button" aria-pressed={reason === ''} onClick={() => setReason('')}>
          All <span className="count">{all ?? '…'}</span>
        </button>
        {REASONS.map((key) => (
          <button
            key={key}
            type="button"
            aria-pressed={reason === key}
            onClick={() => setReason(key)}
            data-testid={`tab-${key}`}
          >
            {label(key)} <span className="count">{counts ? (counts[key] ?? 0) : '…'}</span>
          </button>
        ))}
      </div>
      <div className="filters">
        {supervisor && <ValueSelect caption="Status" value={status} values={STATUSES} onChange={setStatus} />}
        <label>
          Order from server
          <select value={serverSort} onChange={(event) => setServerSort(event.target.value as ServerSort)}>
            <option value="priority">Priority, then SLA</option>
            <option value="sla">SLA, then priority</option>
          </select>
        </label>
        <ValueSelect caption="Line of business" value={line} values={lines} onChange={setLine} any="Any" />
        <ValueSelect caption="Check" value={check} values={checks} onChange={setCheck} any="Any" />
        <label>
          Age
          <select value={minAge} onChange={(event) => setMinAge(Number(event.target.value))}>
            <option value={0}>Any</option>
            <option value={24}>Older than 1 day</option>
            <option value={72}>Older than 3 days</option>
            <option value={168}>Older than 7 days</option>
          </select>
        </label>
      </div>
      <Loaded
        state={tasks}
        loading="Loading tasks"
        isEmpty={() => visible.length === 0}
        empty={
          items.length === 0
            ? scope === 'mine'
              ? 'No tasks are assigned to you. Press n to claim the next one.'
              : 'The queue is empty.'
            : 'No task matches these filters.'
        }
      >
        {(data) => (
          <>
            <p className="muted" aria-live="polite">
              Showing {visible.length} of {count(data.total, 'task')}
              {tasks.loading ? ' (refreshing…)' : ''}
            </p>
            <TaskTable
              tasks={visible}
              sort={sort}
              onSort={setSort}
              showAssignee={scope === 'queue' || supervisor}
              flags={flags}
              actions={
                supervisor
                  ? (task) =>
                      task.status === 'decided' ? null : (
                        <label className="inline">
                          <span className="sr-only">Assign {task.externalReference} to</span>
                          <select
                            value=""
                            onChange={(event) => {
                              if (event.target.value) void reassign(task, event.target.value);
                            }}
                          >
                            <option value="">{task.assigneeId ? 'Reassign…' : 'Assign…'}</option>
                            {people
                              .filter(([id]) => id !== task.assigneeId)
                              .map(([id, name]) => (
                                <option key={id} value={id}>
                                  {name}
                                </option>
                              ))}
                          </select>
                        </label>
                      )
                  : undefined
              }
            />
            <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />
          </>
        )}
      </Loaded>
    </section>
  );
}
