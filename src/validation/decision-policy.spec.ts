import { randomUUID } from 'node:crypto';
import type { CheckResult } from './checks/check-result';
import { decideOutcome, isQaSample, reviewPriority, reviewReasonFor, slaDueAt } from './decision-policy';

function check(overrides: Partial<CheckResult>): CheckResult {
  return {
    kind: 'peril_mismatch',
    photoId: null,
    score: 0,
    confidence: 1,
    flagged: false,
    uncertain: false,
    severity: 'info',
    reason: '',
    evidence: {},
    ...overrides,
  };
}

describe('decision policy', () => {
  it('flags beat uncertainty, uncertainty beats a clean result', () => {
    expect(decideOutcome([check({}), check({ uncertain: true }), check({ flagged: true, severity: 'high' })])).toBe(
      'inconsistent',
    );
    expect(decideOutcome([check({}), check({ uncertain: true })])).toBe('needs_review');
    expect(decideOutcome([check({}), check({ kind: 'exif_anomaly' })])).toBe('consistent');
  });

  it('draws about the configured share of cleared claims for QA, the same way every time', () => {
    const ids = Array.from({ length: 20_000 }, () => randomUUID());
    const drawn = ids.filter((id) => isQaSample(id, 0.02)).length / ids.length;
    expect(drawn).toBeGreaterThan(0.015);
    expect(drawn).toBeLessThan(0.025);
    expect(ids.slice(0, 500).map((id) => isQaSample(id, 0.02))).toEqual(
      ids.slice(0, 500).map((id) => isQaSample(id, 0.02)),
    );
    expect(isQaSample(ids[0], 0)).toBe(false);
    expect(isQaSample(ids[0], 1)).toBe(true);
  });

  it('routes each outcome to its review reason', () => {
    expect(reviewReasonFor('inconsistent', 'x', 0)).toBe('flagged');
    expect(reviewReasonFor('needs_review', 'x', 0)).toBe('uncertain');
    expect(reviewReasonFor('consistent', 'x', 0)).toBeNull();
    expect(reviewReasonFor('consistent', 'x', 1)).toBe('qa_sample');
  });

  it('puts severe, uncertain, expensive and old claims first', () => {
    /** A flagged claim's priority: one low-severity flag on a 500 claim an hour old, unless told otherwise. */
    const flagged = (change: { severity?: 'low' | 'high'; amount?: number; ageHours?: number }) =>
      reviewPriority({
        reason: 'flagged',
        checks: [check({ flagged: true, severity: change.severity ?? 'low' })],
        amount: change.amount ?? 500,
        ageHours: change.ageHours ?? 1,
      });
    const low = flagged({});
    const high = flagged({ severity: 'high' });
    const richer = flagged({ amount: 50_000 });
    const older = flagged({ ageHours: 40 });
    const qa = reviewPriority({ reason: 'qa_sample', checks: [], amount: 500, ageHours: 1 });
    expect(high).toBeGreaterThan(low);
    expect(richer).toBeGreaterThan(low);
    expect(older).toBeGreaterThan(low);
    expect(qa).toBeLessThan(low);
    expect(Math.max(high, richer, older)).toBeLessThanOrEqual(1000);
  });

  it('sets the SLA due time per reason', () => {
    const from = new Date('2026-03-01T00:00:00Z');
    expect(slaDueAt('flagged', from).toISOString()).toBe('2026-03-02T00:00:00.000Z');
    expect(slaDueAt('qa_sample', from).toISOString()).toBe('2026-03-06T00:00:00.000Z');
  });
});
