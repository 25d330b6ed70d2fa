import {
  isPastDue,
  MIN_DUE_LEAD_MS,
  photosNewSince,
  resolveDueAt,
  type DueDateResult,
} from './information-request-policy';

const NOW = new Date('2026-03-02T12:00:00Z');
const RULES = { defaultDays: 14, maxDays: 90 };
const problem = (result: DueDateResult) => (result.ok ? null : result.problem);

describe('information request rules', () => {
  it('defaults the due date to now + the configured days', () => {
    expect(resolveDueAt(undefined, NOW, RULES)).toEqual({ ok: true, dueAt: new Date('2026-03-16T12:00:00Z') });
    expect(resolveDueAt('', NOW, { defaultDays: 3, maxDays: 90 })).toEqual({
      ok: true,
      dueAt: new Date('2026-03-05T12:00:00Z'),
    });
  });

  it('takes a calendar date as the end of that day (UTC) and a date-time with its offset as given', () => {
    expect(resolveDueAt('2026-03-10', NOW, RULES)).toEqual({ ok: true, dueAt: new Date('2026-03-10T23:59:59.999Z') });
    expect(resolveDueAt('2026-03-10T09:30:00+02:00', NOW, RULES)).toEqual({
      ok: true,
      dueAt: new Date('2026-03-10T07:30:00Z'),
    });
    // Today still counts when the end of the day is more than an hour away.
    expect(resolveDueAt('2026-03-02', NOW, RULES).ok).toBe(true);
  });

  it('refuses a due date in the past, too soon, beyond the maximum, malformed or impossible', () => {
    expect(problem(resolveDueAt('2026-03-01', NOW, RULES))).toBe(
      'dueAt must be in the future, at least an hour from now',
    );
    const tooSoon = new Date(NOW.getTime() + MIN_DUE_LEAD_MS - 1).toISOString();
    expect(problem(resolveDueAt(tooSoon, NOW, RULES))).toBe('dueAt must be in the future, at least an hour from now');
    expect(resolveDueAt(new Date(NOW.getTime() + MIN_DUE_LEAD_MS).toISOString(), NOW, RULES).ok).toBe(true);
    expect(problem(resolveDueAt('2026-06-01', NOW, RULES))).toBe('dueAt must be at most 90 days from now');
    expect(resolveDueAt('2026-05-31T12:00:00Z', NOW, RULES).ok).toBe(true);
    expect(problem(resolveDueAt('next week', NOW, RULES))).toMatch(/^dueAt must be a date/);
    expect(problem(resolveDueAt('2026-03-10T09:30:00', NOW, RULES))).toMatch(/with its offset/);
    expect(problem(resolveDueAt('2026-02-30', NOW, RULES))).toBe('dueAt "2026-02-30" is not a valid date');
  });

  it('is past due from the due date on', () => {
    const due = new Date('2026-03-16T12:00:00Z');
    expect(isPastDue(due, new Date('2026-03-16T11:59:59.999Z'))).toBe(false);
    expect(isPastDue(due, due)).toBe(true);
    expect(isPastDue(due, new Date('2026-04-01T00:00:00Z'))).toBe(true);
  });

  it('names the photos added since the request, in order', () => {
    expect(photosNewSince(['a', 'b', 'c', 'd'], ['a', 'c'])).toEqual(['b', 'd']);
    expect(photosNewSince(['a'], ['a'])).toEqual([]);
    expect(photosNewSince([], [])).toEqual([]);
  });
});
