import { useMemo, useState } from 'react';
import { client, ApiError, unwrap } from '../api';
import { ValueSelect } from '../components/Fields';
import { Loaded, Pager } from '../components/States';
import { TaskTable, type SortState } from '../components/TaskTable';
import { count, label } from '../format';
import { useApi, useSession, useShortcut } from '../hooks';
import { navigate } from '../router';
import { CHECK_KINDS, LINES_OF_BUSINESS, type QueryOf, type ReviewReason, type TaskView } from '../api/types';

type LineOfBusiness = (typeof LINES_OF_BUSINESS)[number];
type CheckKind = (typeof CHECK_KINDS)[number];

const REASONS: ReviewReason[] = ['flagged', 'uncertain', 'qa_sample'];
type StatusFilter = NonNullable<QueryOf<'Review_list'>['status']>;

const STATUSES: StatusFilter[] = ['undecided', 'open', 'assigned', 'escalated', 'decided', 'all'];
const PAGE_SIZE = 25;

/** Claims the highest-priority waiting task and opens it; shared by the button and the `n` shortcut. */
export async function claimNext(options: { escalatedOnly?: boolean } = {}): Promise<string | null> {
  const task = await unwrap(
    client.POST('/v1/review/tasks/next', {
      params: { query: options.escalatedOnly ? { status: 'escalated' } : {} },
    }),
  );
  return task ? task.id : null;
}

/**
 * A queue: filtering, sorting and paging are done by the API, so a load is ONE request
 * (`GET /v1/review/tasks`) that brings the page's rows with their display fields (flags included) and the
 * counts per reason tab. Changing a filter or a column sort asks the server again from page 1.
 */
export function QueuePage({ scope }: { scope: 'mine' | 'queue' }) {
  const session = useSession();
  const supervisor = session?.user.role === 'supervisor';
  const [reason, setReason] = useState<ReviewReason | ''>('');
  const [status, setStatus] = useState<StatusFilter>('undecided');
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState<SortState>({ key: 'priority', direction: 'desc' });
  const [line, setLine] = useState<LineOfBusiness | ''>('');
  const [minAge, setMinAge] = useState(0);
  const [check, setCheck] = useState<CheckKind | ''>('');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const filters = [scope, reason, status, sort.key, sort.direction, line, minAge, check] as const;
  const filterKey = JSON.stringify(filters);
  const [seenFilters, setSeenFilters] = useState(filterKey);
  if (seenFilters !== filterKey) {
    // A new filter or order starts from the first page (in the same render: one request, not two).
    setSeenFilters(filterKey);
    if (page !== 1) setPage(1);
  }
  const currentPage = seenFilters === filterKey ? page : 1;
  const tasks = useApi(
    (signal) =>
      client.GET('/v1/review/tasks', {
        params: {
          query: {
            scope,
            reason: reason || undefined,
            status,
            sort: sort.key,
            direction: sort.direction,
            lineOfBusiness: line || undefined,
            check: check || undefined,
            minAgeHours: minAge || undefined,
            page: currentPage,
            pageSize: PAGE_SIZE,
          },
        },
        signal,
      }),
    [filterKey, currentPage],
  );

  const items = tasks.data?.items ?? [];
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
        <ValueSelect caption="Line of business" value={line} values={LINES_OF_BUSINESS} onChange={setLine} any="Any" />
        <ValueSelect caption="Check" value={check} values={CHECK_KINDS} onChange={setCheck} any="Any" />
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
        isEmpty={(data) => data.items.length === 0}
        empty={
          !reason && !line && !check && !minAge && status === 'undecided'
            ? scope === 'mine'
              ? 'No tasks are assigned to you. Press n to claim the next one.'
              : 'The queue is empty.'
            : 'No task matches these filters.'
        }
      >
        {(data) => (
          <>
            <p className="muted" aria-live="polite">
              Showing {data.items.length} of {count(data.total, 'task')}
              {tasks.loading ? ' (refreshing…)' : ''}
            </p>
            <TaskTable
              tasks={data.items}
              sort={sort}
              onSort={setSort}
              presorted
              showAssignee={scope === 'queue' || supervisor}
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
