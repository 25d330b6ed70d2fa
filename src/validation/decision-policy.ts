import { createHash } from 'node:crypto';
import type { ReviewReason } from '../review/review-task.entity';
import type { Severity } from './check.entity';
import type { CheckResult } from './checks/check-result';

export type ClaimOutcome = 'consistent' | 'inconsistent' | 'needs_review';

/**
 * The claim's outcome from its checks: any flag makes it inconsistent (the reasons are the flags);
 * otherwise any check whose evidence fell inside its uncertain band sends it to review; else it is
 * consistent and auto-cleared. In safe mode (no calibration for the model and prompt set) nothing is
 * auto-cleared: what would have been consistent goes to review as uncertain.
 */
export function decideOutcome(
  checks: ReadonlyArray<Pick<CheckResult, 'flagged' | 'uncertain'>>,
  options: { safeMode?: boolean } = {},
): ClaimOutcome {
  if (checks.some((check) => check.flagged)) return 'inconsistent';
  if (checks.some((check) => check.uncertain)) return 'needs_review';
  return options.safeMode ? 'needs_review' : 'consistent';
}

/**
 * Whether an auto-cleared claim is drawn for quality review. Deterministic per claim id (a hash, not a
 * random draw), so re-scoring the same claim never changes the draw and an auditor can recompute it.
 */
export function isQaSample(claimId: string, rate: number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  const draw = createHash('sha256').update(`qa-sample:${claimId}`).digest().readUInt32BE(0) / 0x1_0000_0000;
  return draw < rate;
}

export function reviewReasonFor(outcome: ClaimOutcome, claimId: string, qaRate: number): ReviewReason | null {
  if (outcome === 'inconsistent') return 'flagged';
  if (outcome === 'needs_review') return 'uncertain';
  return isQaSample(claimId, qaRate) ? 'qa_sample' : null;
}

const SEVERITY_WEIGHT: Record<Severity, number> = { info: 0, low: 1, medium: 2, high: 3 };

export interface PriorityInput {
  reason: ReviewReason;
  checks: readonly CheckResult[];
  /** Claimed amount in the policy's currency. */
  amount: number;
  /** How long ago the claim was filed, in hours. */
  ageHours: number;
}

/**
 * Review priority, 0–1000, higher first: severity of the worst flag weighs most, then how uncertain
 * the evidence is, the money at stake (log scale, so one huge claim does not drown the queue) and age.
 */
export function reviewPriority(input: PriorityInput): number {
  const worst = Math.max(
    0,
    ...input.checks.filter((check) => check.flagged).map((check) => SEVERITY_WEIGHT[check.severity]),
  );
  const uncertainty = Math.max(
    0,
    ...input.checks.filter((check) => check.uncertain).map((check) => 1 - Math.abs(check.score - 0.5) * 2),
  );
  const reasonBase = input.reason === 'flagged' ? 400 : input.reason === 'uncertain' ? 250 : 50;
  const severity = worst * 100;
  const uncertain = uncertainty * 100;
  const money = Math.min(100, Math.log10(Math.max(1, input.amount)) * 15);
  const age = Math.min(100, input.ageHours);
  return Math.round(Math.min(1000, reasonBase + severity + uncertain + money + age));
}

export interface SlaHours {
  flagged: number;
  uncertain: number;
  qa_sample: number;
}

export const DEFAULT_SLA_HOURS: SlaHours = { flagged: 24, uncertain: 48, qa_sample: 120 };

export function slaDueAt(reason: ReviewReason, from: Date, hours: SlaHours = DEFAULT_SLA_HOURS): Date {
  return new Date(from.getTime() + hours[reason] * 3600 * 1000);
}
