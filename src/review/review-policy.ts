import type { DecisionOutcome, ReviewReason } from './review-task.entity';
import { ReasonCodeCatalogue } from './review.views';
export { ReasonCodeCatalogue };

/**
 * The fixed catalogue of reason codes per outcome. A decision's `reasonCode` must be one of its
 * outcome's codes; adding a code is a code change (reviewed), so reports can rely on the set.
 */
export const REASON_CODES: Readonly<Record<DecisionOutcome, readonly string[]>> = {
  approve: ['evidence_consistent', 'minor_discrepancy_explained', 'model_false_positive'],
  deny: [
    'evidence_contradicts_claim',
    'excluded_peril',
    'duplicate_evidence',
    'object_not_insured',
    'evidence_manipulated',
  ],
  request_info: ['need_more_photos', 'photos_unusable', 'need_documents'],
  escalate: ['possible_fraud', 'complex_case', 'high_value'],
};

export const REASON_CODE_LABELS: Readonly<Record<string, string>> = {
  evidence_consistent: 'The photos show what the claim says',
  minor_discrepancy_explained: 'A minor discrepancy, explained by the claim or the photos',
  model_false_positive: 'The model flagged something the photos do not show',
  evidence_contradicts_claim: 'The photos contradict the claim',
  excluded_peril: 'The damage comes from a peril the policy excludes',
  duplicate_evidence: 'The photos were already used in another claim or come from elsewhere',
  object_not_insured: 'The photos show an object other than the insured one',
  evidence_manipulated: 'The photos were edited or their metadata does not fit the incident',
  need_more_photos: 'More photos are needed to judge the claim',
  photos_unusable: 'The photos are too dark, blurred or small to judge',
  need_documents: 'Documents (invoice, police report) are needed',
  possible_fraud: 'Signs of fraud: a supervisor should decide',
  complex_case: 'Too complex for a first-line decision',
  high_value: 'The amount at stake needs a supervisor',
};

/** The smallest note a decision or override must carry (it is the reviewer's reasoning, kept forever). */
export const NOTE_MIN_LENGTH = 10;
export const NOTE_MAX_LENGTH = 5000;

export function isReasonCodeFor(outcome: DecisionOutcome, reasonCode: string): boolean {
  return REASON_CODES[outcome].includes(reasonCode);
}

export function reasonCodeCatalogue(): ReasonCodeCatalogue {
  return {
    outcomes: (Object.keys(REASON_CODES) as DecisionOutcome[]).map((outcome) => ({
      outcome,
      reasonCodes: REASON_CODES[outcome].map((code) => ({ code, label: REASON_CODE_LABELS[code] ?? code })),
    })),
    noteMinLength: NOTE_MIN_LENGTH,
  };
}

/**
 * Whether a reviewer's outcome agrees with the model, from why the task was opened:
 * - the model did NOT clear the claim (`flagged`: a check flagged it; `uncertain`: the evidence fell in
 *   a check's uncertain band, so the model raised a doubt it could not settle): `deny` agrees, `approve`
 *   disagrees;
 * - the model cleared it (`qa_sample`, an auto-cleared claim drawn for quality review): `approve`
 *   agrees, `deny` disagrees;
 * - `request_info` and `escalate` give no verdict on the claim, so there is nothing to agree with: null.
 * Null rows are left out of agreement rates; calibration reads the outcome and the checks directly.
 */
export function agreesWithModel(reason: ReviewReason, outcome: DecisionOutcome): boolean | null {
  if (outcome !== 'approve' && outcome !== 'deny') return null;
  const modelCleared = reason === 'qa_sample';
  return modelCleared ? outcome === 'approve' : outcome === 'deny';
}
