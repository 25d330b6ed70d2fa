import { useState } from 'react';
import { ApiError, client, unwrap } from '../api';
import { DataTable } from '../components/DataTable';
import { ValueSelect } from '../components/Fields';
import { Alert, Loaded, LoadedPage } from '../components/States';
import { count, dateTime, label } from '../format';
import { useApi } from '../hooks';
import { Link, navigate } from '../router';
import type { ReviewReason, TeamMemberStats } from '../api/types';
import { claimNext } from './QueuePage';

const REASONS: ReviewReason[] = ['flagged', 'uncertain', 'qa_sample'];
const WINDOWS = [7, 30, 90] as const;
const PAGE_SIZE = 25;
const MEMBER_COLUMNS = [
  'Person',
  'Role',
  'Assigned',
  'Waiting for claimant',
  'SLA breached',
  'Decisions',
  'Escalations',
  'Overrides made',
  'Agrees with model',
  'Upheld (not overridden)',
];

const percent = (rate: number | null | undefined): string =>
  rate === null || rate === undefined ? '—' : `${Math.round(rate * 100)} %`;

/**
 * The supervisor's workbench: SLA breaches of the team (counted, listed, filtered), workload and decisions per
 * person with their agreement with the model and with overrides, bulk reassignment of breached tasks, and the
 * next escalation. Two requests per load: the dashboard and the breach list.
 */
export function SupervisorPage() {
  const [days, setDays] = useState<number>(30);
  const [reason, setReason] = useState<ReviewReason | ''>('');
  const [assignee, setAssignee] = useState('');
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const dashboard = useApi(
    (signal) => client.GET('/v1/review/dashboard', { params: { query: { days } }, signal }),
    [days],
  );
  const breaches = useApi(
    (signal) =>
      client.GET('/v1/review/tasks', {
        params: {
          query: {
            scope: 'queue',
            breached: 'true',
            sort: 'sla',
            reason: reason || undefined,
            assigneeId: assignee || undefined,
            page,
            pageSize: PAGE_SIZE,
          },
        },
        signal,
      }),
    [reason, assignee, page],
  );
  const members: TeamMemberStats[] = dashboard.data?.members ?? [];
  const active = members.filter((member) => member.role !== null);
  const name = (member: TeamMemberStats) => member.name ?? member.userId.slice(0, 8);

  const reloadAll = () => {
    setSelected(new Set());
    dashboard.reload();
    breaches.reload();
  };

  const reassign = async () => {
    const items = (breaches.data?.items ?? []).filter((task) => selected.has(task.id));
    if (!target || items.length === 0 || busy) return;
    setBusy(true);
    setMessage(null);
    try {
      const result = await unwrap(
        client.POST('/v1/review/tasks/reassign', {
          body: { assigneeId: target, tasks: items.map((task) => ({ id: task.id, version: task.version })) },
        }),
      );
      const who = members.find((member) => member.userId === target);
      setMessage({
        ok: true,
        text: `${count(result.assigned.length, 'task')} reassigned to ${who ? name(who) : 'them'}${
          result.unchanged.length ? ` (${result.unchanged.length} already theirs)` : ''
        }.`,
      });
    } catch (error) {
      setMessage({
        ok: false,
        text:
          error instanceof ApiError && error.status === 409
            ? `Nothing was reassigned: ${error.message} The list is reloaded.`
            : error instanceof Error
              ? error.message
              : 'Could not reassign.',
      });
    } finally {
      setBusy(false);
      reloadAll();
    }
  };

  const nextEscalation = async () => {
    setMessage(null);
    try {
      const id = await claimNext({ escalatedOnly: true });
      if (id) navigate(`/tasks/${id}`);
      else setMessage({ ok: true, text: 'No escalated task is waiting.' });
    } catch (error) {
      setMessage({ ok: false, text: error instanceof Error ? error.message : 'Could not take the escalation.' });
    }
  };

  const toggle = (id: string) =>
    setSelected((current) => {
      const copy = new Set(current);
      if (copy.has(id)) copy.delete(id);
      else copy.add(id);
      return copy;
    });
  const pageItems = breaches.data?.items ?? [];
  const allSelected = pageItems.length > 0 && pageItems.every((task) => selected.has(task.id));

  return (
    <section aria-labelledby="supervisor-title">
      <div className="page-head">
        <h1 id="supervisor-title">Supervisor</h1>
        <button type="button" className="primary" onClick={() => void nextEscalation()}>
          Take next escalation
        </button>
      </div>
      {message && (
        <Alert ok={message.ok} testId="supervisor-message">
          {message.text}
        </Alert>
      )}
      <Loaded state={dashboard} loading="Loading the team's figures" isEmpty={() => false}>
        {(data) => (
          <>
            <div className="stat-cards" data-testid="stat-cards">
              <div className="stat-card" data-testid="breach-count">
                <span>SLA breaches</span>
                <strong>{data.breaches.total}</strong>
                <span className="muted">
                  {data.breaches.open} open · {data.breaches.assigned} assigned · {data.breaches.escalated} escalated
                </span>
              </div>
              <div className="stat-card">
                <span>Unassigned</span>
                <strong>{data.unassigned}</strong>
              </div>
              <div className="stat-card">
                <span>Escalated, waiting</span>
                <strong>{data.escalated}</strong>
              </div>
            </div>
            <h2 id="members-title">Workload and decisions · team {data.team}</h2>
            <div className="filters">
              <label>
                Decisions of the last
                <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
                  {WINDOWS.map((window) => (
                    <option key={window} value={window}>
                      {window} days
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <DataTable caption="Workload and decisions per person" columns={MEMBER_COLUMNS} testId="members">
              {data.members.map((member) => (
                <tr key={member.userId} data-testid="member-row" data-user-id={member.userId}>
                  <td>{name(member)}</td>
                  <td>{member.role ? label(member.role) : <span className="muted">former member</span>}</td>
                  <td className="num">{member.assigned}</td>
                  <td className="num">{member.awaitingInfo}</td>
                  <td className="num">{member.breached}</td>
                  <td className="num">{member.decisions}</td>
                  <td className="num">{member.escalations}</td>
                  <td className="num">{member.overridesMade}</td>
                  <td className="num">
                    {percent(member.modelAgreementRate)}
                    {member.comparable > 0 && (
                      <span className="muted">
                        {' '}
                        ({member.agreeWithModel}/{member.comparable})
                      </span>
                    )}
                  </td>
                  <td className="num">{percent(member.overrideAgreementRate)}</td>
                </tr>
              ))}
            </DataTable>
          </>
        )}
      </Loaded>

      <h2 id="breaches-title">SLA breaches</h2>
      <div className="filters">
        <ValueSelect
          caption="Reason"
          value={reason}
          values={REASONS}
          any="Any"
          onChange={(value) => {
            setReason(value);
            setPage(1);
          }}
        />
        <label>
          Assignee
          <select
            value={assignee}
            onChange={(event) => {
              setAssignee(event.target.value);
              setPage(1);
            }}
          >
            <option value="">Anyone or nobody</option>
            {members.map((member) => (
              <option key={member.userId} value={member.userId}>
                {name(member)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="bulk-bar" role="group" aria-label="Bulk reassignment">
        <span data-testid="selected-count">{count(selected.size, 'task')} selected</span>
        <label>
          Reassign to
          <select value={target} onChange={(event) => setTarget(event.target.value)}>
            <option value="">Choose a person…</option>
            {active.map((member) => (
              <option key={member.userId} value={member.userId}>
                {name(member)} ({label(member.role ?? '')})
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="primary"
          disabled={busy || !target || selected.size === 0}
          onClick={() => void reassign()}
        >
          Reassign selected
        </button>
      </div>
      <LoadedPage state={breaches} loading="Loading breaches" empty="No task is past its SLA." onPage={setPage}>
        {(data) => (
          <DataTable
            caption="Tasks past their SLA"

            testId="breaches"
            columns={[
              <label key="all">
                <span className="sr-only">Select every task on this page</span>
                <input
                  type="checkbox"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(data.items.map((task) => task.id)))}
                />
              </label>,
              'Claim',
              'Reason',
              'Status',
              'Assignee',
              'SLA due',
              'Priority',
            ]}
          >
            {data.items.map((task) => (
              <tr key={task.id} data-testid="breach-row" data-task-id={task.id}>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`Select ${task.externalReference}`}
                    checked={selected.has(task.id)}
                    onChange={() => toggle(task.id)}
                  />
                </td>
                <td>
                  <Link to={`/tasks/${task.id}`}>{task.externalReference}</Link>
                  <div className="muted">{task.policyNumber}</div>
                </td>
                <td>{label(task.reason)}</td>
                <td>{label(task.status)}</td>
                <td>{task.assigneeName ?? <span className="muted">unassigned</span>}</td>
                <td>{dateTime(task.slaDueAt)}</td>
                <td className="num">{task.priority}</td>
              </tr>
            ))}
          </DataTable>
        )}
      </LoadedPage>
    </section>
  );
}
