import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../api/types';
import { TaskTable, nextSort, sortTasks, type SortState } from './TaskTable';

afterEach(cleanup);

function task(id: string, overrides: Partial<TaskView>): TaskView {
  return {
    id,
    claimId: `claim-${id}`,
    externalReference: `EXT-${id}`,
    claimedPeril: 'collision',
    lineOfBusiness: 'auto',
    amount: '100.00',
    currency: 'EUR',
    claimStatus: 'inconsistent',
    ageHours: 1,
    reason: 'flagged',
    priority: 50,
    slaDueAt: '2026-03-02T10:00:00.000Z',
    slaBreached: false,
    status: 'open',
    team: 'team-a',
    assigneeId: null,
    assigneeName: null,
    escalatedAt: null,
    followUp: null,
    reopenedAt: null,
    createdAt: '2026-03-01T10:00:00.000Z',
    updatedAt: '2026-03-01T10:00:00.000Z',
    version: 1,
    policyNumber: 'POL-1',
    flags: [],
    ...overrides,
  };
}

const tasks = [
  task('a', { priority: 40, slaDueAt: '2026-03-02T08:00:00.000Z', ageHours: 30, amount: '900.00' }),
  task('b', { priority: 80, slaDueAt: '2026-03-03T08:00:00.000Z', ageHours: 2, amount: '50.00' }),
  task('c', { priority: 80, slaDueAt: '2026-03-02T09:00:00.000Z', ageHours: 5, amount: '1200.00', slaBreached: true }),
  task('d', { priority: 10, slaDueAt: '2026-03-01T08:00:00.000Z', ageHours: 50, amount: '300.00' }),
];
const ids = (list: TaskView[]) => list.map((entry) => entry.id);

describe('sortTasks', () => {
  it('sorts by priority (high first), ties by SLA due soonest, like the server', () => {
    expect(ids(sortTasks(tasks, { key: 'priority', direction: 'desc' }))).toEqual(['c', 'b', 'a', 'd']);
  });
  it('sorts by SLA, age and amount in either direction without touching the input', () => {
    const copy = [...tasks];
    expect(ids(sortTasks(tasks, { key: 'sla', direction: 'asc' }))).toEqual(['d', 'a', 'c', 'b']);
    expect(ids(sortTasks(tasks, { key: 'age', direction: 'desc' }))).toEqual(['d', 'a', 'c', 'b']);
    expect(ids(sortTasks(tasks, { key: 'amount', direction: 'asc' }))).toEqual(['b', 'd', 'a', 'c']);
    expect(tasks).toEqual(copy);
  });
  it('flips the direction on a second click and starts a new column in its natural order', () => {
    expect(nextSort({ key: 'priority', direction: 'desc' }, 'priority')).toEqual({ key: 'priority', direction: 'asc' });
    expect(nextSort({ key: 'priority', direction: 'desc' }, 'sla')).toEqual({ key: 'sla', direction: 'asc' });
    expect(nextSort({ key: 'sla', direction: 'asc' }, 'age')).toEqual({ key: 'age', direction: 'desc' });
  });
});

describe('TaskTable', () => {
  function Harness() {
    const [sort, setSort] = useState<SortState>({ key: 'priority', direction: 'desc' });
    return <TaskTable tasks={tasks} sort={sort} onSort={setSort} showAssignee />;
  }
  const rowIds = () => screen.getAllByTestId('task-row').map((row) => row.getAttribute('data-task-id'));

  it('renders the rows sorted and re-sorts when a column header is clicked', () => {
    render(<Harness />);
    expect(rowIds()).toEqual(['c', 'b', 'a', 'd']);
    const header = screen.getByRole('columnheader', { name: /SLA due/ });
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(rowIds()).toEqual(['d', 'a', 'c', 'b']);
    fireEvent.click(within(header).getByRole('button'));
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(rowIds()).toEqual(['b', 'c', 'a', 'd']);
  });

  it('marks tasks that came back after an information request: no response, or information received', () => {
    render(
      <TaskTable
        tasks={[
          task('a', { followUp: 'no_response', status: 'assigned' }),
          task('b', { followUp: 'information_received', status: 'open' }),
          task('c', {}),
        ]}
        sort={{ key: 'priority', direction: 'desc' }}
        onSort={() => undefined}
      />,
    );
    const rows = screen.getAllByTestId('task-row');
    expect(within(rows.find((row) => row.textContent?.includes('EXT-a'))!).getByTestId('no-response').textContent).toBe(
      'No response',
    );
    expect(rows.find((row) => row.textContent?.includes('EXT-b'))!.textContent).toContain('Information received');
    expect(rows.find((row) => row.textContent?.includes('EXT-c'))!.textContent).not.toMatch(
      /No response|Information received/,
    );
  });

  it('highlights SLA breaches and shows who holds a task', () => {
    render(<Harness />);
    const breached = screen.getAllByTestId('task-row').find((row) => row.getAttribute('data-task-id') === 'c')!;
    expect(breached.className).toBe('breached');
    expect(within(breached).getByText('SLA breached')).toBeTruthy();
    expect(screen.getAllByText('unassigned')).toHaveLength(4);
  });

  it('keeps the server order when presorted and shows the flags each row carries', () => {
    render(
      <TaskTable
        tasks={[task('z', { priority: 1, flags: ['exif_anomaly'] }), task('y', { priority: 99 })]}
        sort={{ key: 'priority', direction: 'desc' }}
        onSort={() => undefined}
        presorted
      />,
    );
    expect(rowIds()).toEqual(['z', 'y']);
    expect(screen.getAllByTestId('task-row')[0].textContent).toContain('Exif anomaly');
  });
});
