import type { ClaimStatus } from './claim.entity';

/**
 * The claim lifecycle as an explicit transition table (src/claims/README.md):
 *
 *   draft → queued → scoring → consistent | inconsistent | needs_review → decided → closed
 *   consistent | inconsistent | needs_review | decided ──request_info──▶ information_requested
 *   information_requested ──resubmit──▶ queued  |  ──no response──▶ needs_review  |  ──decision──▶ decided
 *
 * - `information_requested`: an adjuster decided `request_info` (or a supervisor overrode a decision with it); the
 *   intake system may add photos and a note, then resubmit (→ queued, rescored). Past the due date unanswered the
 *   claim goes back to `needs_review` (the "no response" job); the adjuster or a supervisor may also decide it
 *   without the answer (→ decided).
 * - `queued → queued`-style self transitions do not exist; a retried job that finds the claim already
 *   `scoring` continues without a transition.
 * - Any scored outcome may be decided (a review task is opened for inconsistent and needs_review
 *   claims, and for a QA sample of consistent ones).
 * - `closed`: the submitting intake system closes a decided claim (POST /v1/claims/:id/close); retention counts
 *   from COALESCE(closed_at, decided_at), so a decided claim not yet closed counts from its decision.
 */
export const CLAIM_TRANSITIONS: Readonly<Record<ClaimStatus, readonly ClaimStatus[]>> = {
  draft: ['queued'],
  queued: ['scoring'],
  scoring: ['consistent', 'inconsistent', 'needs_review'],
  consistent: ['information_requested', 'decided'],
  inconsistent: ['information_requested', 'decided'],
  needs_review: ['information_requested', 'decided'],
  information_requested: ['queued', 'needs_review', 'decided'],
  decided: ['information_requested', 'closed'],
  closed: [],
};

export function canTransition(from: ClaimStatus, to: ClaimStatus): boolean {
  return CLAIM_TRANSITIONS[from]?.includes(to) ?? false;
}

export class IllegalClaimTransition extends Error {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super(`a claim cannot go from ${from} to ${to}`);
    this.name = 'IllegalClaimTransition';
  }
}

/** Throws IllegalClaimTransition unless `from → to` is in the table. */
export function assertTransition(from: ClaimStatus, to: ClaimStatus): void {
  if (!canTransition(from, to)) throw new IllegalClaimTransition(from, to);
}
