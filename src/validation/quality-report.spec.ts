import { qualityReport, reviewerVerdict, type ReviewedCheck } from './quality-report';

function row(overrides: Partial<ReviewedCheck>): ReviewedCheck {
  return {
    claimId: 'c',
    kind: 'duplicate_photo',
    score: 0.5,
    flagged: false,
    outcome: 'approve',
    reasonCode: 'evidence_consistent',
    decidedAt: new Date('2026-03-01T10:00:00Z'),
    flagAt: 0.9,
    ...overrides,
  };
}

describe('quality report', () => {
  it('reads the reviewer verdict per check from the outcome and reason code', () => {
    expect(reviewerVerdict('duplicate_photo', 'deny', 'duplicate_evidence')).toBe(true);
    expect(reviewerVerdict('duplicate_photo', 'approve', 'model_false_positive')).toBe(false);
    expect(reviewerVerdict('duplicate_photo', 'deny', 'excluded_peril')).toBeNull();
  });

  it('counts agreement, precision and recall, and recommends the threshold that agreed most', () => {
    const rows = [
      row({ claimId: 'a', score: 0.95, flagged: true, outcome: 'deny', reasonCode: 'duplicate_evidence' }),
      row({ claimId: 'b', score: 0.92, flagged: true, outcome: 'approve', reasonCode: 'model_false_positive' }),
      row({
        claimId: 'c',
        score: 0.85,
        flagged: false,
        outcome: 'deny',
        reasonCode: 'duplicate_evidence',
        decidedAt: new Date('2026-03-02T10:00:00Z'),
      }),
      row({ claimId: 'd', score: 0.3, flagged: false, outcome: 'approve' }),
      row({ claimId: 'e', score: 0.97, flagged: true, outcome: 'deny', reasonCode: 'excluded_peril' }),
    ];
    const duplicate = qualityReport(rows).find((entry) => entry.kind === 'duplicate_photo')!;
    expect(duplicate).toMatchObject({
      reviewed: 4,
      agreed: 2,
      disagreed: 2,
      truePositive: 1,
      falsePositive: 1,
      falseNegative: 1,
      precision: 0.5,
      recall: 0.5,
      currentFlagAt: 0.9,
    });
    // The current 0.9 agrees on 2 of 4; flagging at 0.85 (or 0.95) would have agreed on 3 of 4.
    expect(duplicate.recommendedAgreement).toBe(0.75);
    expect([0.85, 0.95]).toContain(duplicate.recommendedFlagAt);
    expect(duplicate.series).toEqual([
      { day: '2026-03-01', agreed: 2, disagreed: 1 },
      { day: '2026-03-02', agreed: 0, disagreed: 1 },
    ]);
  });
});
