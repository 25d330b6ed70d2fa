import { retryDelayS, shouldDisable } from './delivery-rules';

describe('webhook delivery rules', () => {
  const schedule = [5, 300, 1800, 7200, 18000, 36000, 36000];

  it('retries on the schedule, then gives up', () => {
    expect([1, 2, 3, 7].map((attempt) => retryDelayS(attempt, schedule))).toEqual([5, 300, 1800, 36000]);
    expect(retryDelayS(8, schedule)).toBeNull();
    expect(retryDelayS(0, schedule)).toBeNull();
    expect(schedule.reduce((sum, s) => sum + s, 0) / 3600).toBeCloseTo(27.6, 1); // "about a day"
  });

  it('disables after the configured days of continuous failure, not before', () => {
    const since = new Date('2026-01-01T00:00:00Z');
    expect(shouldDisable(since, new Date('2026-01-05T23:59:59Z'), 5)).toBe(false);
    expect(shouldDisable(since, new Date('2026-01-06T00:00:00Z'), 5)).toBe(true);
    expect(shouldDisable(null, new Date('2027-01-01T00:00:00Z'), 5)).toBe(false);
  });
});
