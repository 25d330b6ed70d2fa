import type { ClaimStatus } from './claim.entity';

/**
 * The claim lifecycle as an explicit transition table (src/claims/README.md):
 *
 *   draft → queued → scoring → consistent | inconsistent | needs_review → decided → closed
 *
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
  consistent: ['decided'],
  inconsistent: ['decided'],
  needs_review: ['decided'],
  decided: ['closed'],
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
