import { CLAIM_STATUSES, type ClaimStatus } from './claim.entity';
import { assertTransition, canTransition, CLAIM_TRANSITIONS, IllegalClaimTransition } from './claim-lifecycle';

describe('claim lifecycle', () => {
  it('has a row for every status, naming only known statuses', () => {
    expect(Object.keys(CLAIM_TRANSITIONS).sort()).toEqual([...CLAIM_STATUSES].sort());
    for (const targets of Object.values(CLAIM_TRANSITIONS))
      for (const to of targets) expect(CLAIM_STATUSES).toContain(to);
  });

  it('allows the path intake → scoring → outcome → decision → closing', () => {
    const path: ClaimStatus[] = ['draft', 'queued', 'scoring', 'needs_review', 'decided', 'closed'];
    for (let i = 1; i < path.length; i += 1) expect(canTransition(path[i - 1], path[i])).toBe(true);
    for (const outcome of ['consistent', 'inconsistent', 'needs_review'] as const) {
      expect(canTransition('scoring', outcome)).toBe(true);
      expect(canTransition(outcome, 'decided')).toBe(true);
    }
  });

  it('allows the information request loop: request → resubmit → rescoring → outcome → decision', () => {
    const path: ClaimStatus[] = ['inconsistent', 'information_requested', 'queued', 'scoring', 'consistent', 'decided'];
    for (let i = 1; i < path.length; i += 1) expect(canTransition(path[i - 1], path[i])).toBe(true);
    for (const from of ['consistent', 'inconsistent', 'needs_review', 'decided'] as const)
      expect(canTransition(from, 'information_requested')).toBe(true);
    // No answer by the due date: back to review; or decided without the answer.
    expect(canTransition('information_requested', 'needs_review')).toBe(true);
    expect(canTransition('information_requested', 'decided')).toBe(true);
  });

  it('never asks a claim for information before it was scored, nor after it was closed', () => {
    for (const from of ['draft', 'queued', 'scoring', 'closed'] as const)
      expect(canTransition(from, 'information_requested')).toBe(false);
    expect(canTransition('information_requested', 'scoring')).toBe(false);
    expect(canTransition('information_requested', 'closed')).toBe(false);
    expect(canTransition('information_requested', 'draft')).toBe(false);
  });

  it('refuses skipping, going back and leaving closed', () => {
    expect(canTransition('draft', 'scoring')).toBe(false);
    expect(canTransition('queued', 'decided')).toBe(false);
    expect(canTransition('decided', 'needs_review')).toBe(false);
    expect(canTransition('decided', 'queued')).toBe(false);
    expect(canTransition('scoring', 'queued')).toBe(false);
    expect(canTransition('consistent', 'inconsistent')).toBe(false);
    for (const to of CLAIM_STATUSES) expect(canTransition('closed', to)).toBe(false);
    for (const status of CLAIM_STATUSES) expect(canTransition(status, status)).toBe(false);
  });

  it('assertTransition names both ends when it refuses', () => {
    expect(() => assertTransition('draft', 'decided')).toThrow(IllegalClaimTransition);
    expect(() => assertTransition('draft', 'decided')).toThrow('a claim cannot go from draft to decided');
    expect(() => assertTransition('draft', 'queued')).not.toThrow();
  });
});
