import { DECISION_OUTCOMES } from './review-task.entity';
import {
  agreesWithModel,
  isReasonCodeFor,
  REASON_CODE_LABELS,
  REASON_CODES,
  reasonCodeCatalogue,
} from './review-policy';

describe('review policy', () => {
  it('agreement: flagged or uncertain + deny agrees, + approve disagrees', () => {
    expect(agreesWithModel('flagged', 'deny')).toBe(true);
    expect(agreesWithModel('flagged', 'approve')).toBe(false);
    expect(agreesWithModel('uncertain', 'deny')).toBe(true);
    expect(agreesWithModel('uncertain', 'approve')).toBe(false);
  });

  it('agreement: an auto-cleared QA sample approved agrees, denied disagrees', () => {
    expect(agreesWithModel('qa_sample', 'approve')).toBe(true);
    expect(agreesWithModel('qa_sample', 'deny')).toBe(false);
  });

  it('agreement: request_info and escalate give no verdict (null)', () => {
    for (const reason of ['flagged', 'uncertain', 'qa_sample'] as const) {
      expect(agreesWithModel(reason, 'request_info')).toBeNull();
      expect(agreesWithModel(reason, 'escalate')).toBeNull();
    }
  });

  it('reason codes belong to one outcome each, all labelled', () => {
    expect(isReasonCodeFor('deny', 'excluded_peril')).toBe(true);
    expect(isReasonCodeFor('approve', 'excluded_peril')).toBe(false);
    expect(isReasonCodeFor('approve', 'nonsense')).toBe(false);
    const all = DECISION_OUTCOMES.flatMap((outcome) => REASON_CODES[outcome]);
    expect(new Set(all).size).toBe(all.length);
    for (const code of all) expect(REASON_CODE_LABELS[code]).toBeDefined();
    expect(reasonCodeCatalogue().outcomes.map((entry) => entry.outcome)).toEqual([...DECISION_OUTCOMES]);
  });
});
