import type { ReactNode } from 'react';
import { age, label, money } from '../format';
import { Link } from '../router';
import type { TaskView } from '../api/types';

export type SortKey = 'priority' | 'sla' | 'age' | 'amount' | 'reference';
export interface SortState {
  key: SortKey;
  direction: 'asc' | 'desc';
}

/** Default order of each column when first clicked: most urgent first. */
export const DEFAULT_DIRECTION: Record<SortKey, 'asc' | 'desc'> = {
  priority: 'desc',
  sla: 'asc',
  age: 'desc',
  amount: 'desc',
  reference: 'asc',
};

function compareBy(key: SortKey, a: TaskView, b: TaskView): number {
  switch (key) {
    case 'priority':
      return a.priority - b.priority;
    case 'sla':
      return Date.parse(a.slaDueAt) - Date.parse(b.slaDueAt);
    case 'age':
      return a.ageHours - b.ageHours;
    case 'amount':
      return Number(a.amount) - Number(b.amount);
    case 'reference':
      return a.externalReference.localeCompare(b.externalReference);
  }
}

/**
 * Sorts a copy: by the chosen column, then (as the server does) priority high first, SLA due soonest,
 * oldest created, and id, so that ties never shuffle.
 */
export function sortTasks(tasks: readonly TaskView[], sort: SortState): TaskView[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...tasks].sort(
    (a, b) =>
      sign * compareBy(sort.key, a, b) ||
      b.priority - a.priority ||
      Date.parse(a.slaDueAt) - Date.parse(b.slaDueAt) ||
      Date.parse(a.createdAt) - Date.parse(b.createdAt) ||
      a.id.localeCompare(b.id),
  );
}

export function nextSort(current: SortState, key: SortKey): SortState {
  if (current.key !== key) return { key, direction: DEFAULT_DIRECTION[key] };
  return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
}

interface Column {
  key: SortKey | null;
  title: string;
}

export interface TaskTableProps {
  tasks: readonly TaskView[];
  sort: SortState;
  onSort: (sort: SortState) => void;
  showAssignee?: boolean;
  /** The rows come sorted by the server (by `sort`): shown in the order given, not sorted again here. */
  presorted?: boolean;
  /** Extra cell per row (e.g. the supervisor's reassign control). */
  actions?: (task: TaskView) => ReactNode;
}

export function TaskTable({ tasks, sort, onSort, showAssignee = false, presorted = false, actions }: TaskTableProps) {
  const columns: Column[] = [
    { key: 'reference', title: 'Claim' },
    { key: 'priority', title: 'Priority' },
    { key: null, title: 'Reason' },
    { key: null, title: 'Flags' },
    { key: null, title: 'Line' },
    { key: 'amount', title: 'Amount' },
    { key: 'age', title: 'Age' },
    { key: 'sla', title: 'SLA due' },
    { key: null, title: 'Status' },
    ...(showAssignee ? [{ key: null, title: 'Assignee' }] : []),
    ...(actions ? [{ key: null, title: 'Actions' }] : []),
  ];
  const sorted = presorted ? tasks : sortTasks(tasks, sort);
  return (
    <div className="table-wrap">
      <table className="tasks" aria-label="Review tasks">
        <thead>
          <tr>
            {columns.map((column) => {
              const active = column.key !== null && sort.key === column.key;
              return (
                <th
                  key={column.title}
                  scope="col"
                  aria-sort={active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                >
                  {column.key ? (
                    <button
                      type="button"
                      className="sort"
                      onClick={() => onSort(nextSort(sort, column.key as SortKey))}
                    >
                      {column.title}
                      <span aria-hidden="true">{active ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                    </button>
                  ) : (
                    column.title
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((task) => (
            <tr
              key={task.id}
              className={task.slaBreached ? 'breached' : undefined}
              data-testid="task-row"
              data-task-id={task.id}
            >
              <td>
                <Link to={`/tasks/${task.id}`}>{task.externalReference}</Link>
                <div className="muted">{label(task.claimedPeril)}</div>
              </td>
              <td className="num">{task.priority}</td>
              <td>
                <span className={`badge badge--${task.reason}`}>{label(task.reason)}</span>
              </td>
              <td>
                {task.flags.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  task.flags.map((kind) => (
                    <span key={kind} className="chip">
                      {label(kind)}
                    </span>
                  ))
                )}
              </td>
              <td>{label(task.lineOfBusiness)}</td>
              <td className="num">{money(task.amount, task.currency)}</td>
              <td className="num">{age(task.ageHours)}</td>
              <td>
                {new Date(task.slaDueAt).toISOString().slice(0, 16).replace('T', ' ')}
                {task.slaBreached && <span className="badge badge--breach">SLA breached</span>}
              </td>
              <td>
                {label(task.status)}
                {task.followUp === 'no_response' && (
                  <span className="badge badge--breach" data-testid="no-response">
                    No response
                  </span>
                )}
                {task.followUp === 'information_received' && (
                  <span className="badge badge--uncertain">Information received</span>
                )}
              </td>
              {showAssignee && <td>{task.assigneeName ?? <span className="muted">unassigned</span>}</td>}
              {actions && <td>{actions(task)}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
