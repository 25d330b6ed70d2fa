import { CHECK_KINDS, type CheckKind } from './check.entity';
import { CheckQuality } from './validation.views';
export { CheckQuality };

/** Which check a reviewer's reason code confirms; an approval contradicts every flag. */
export const REASON_CONFIRMS: Readonly<Record<string, readonly CheckKind[]>> = {
  excluded_peril: ['exclusion_evident'],
  duplicate_evidence: ['duplicate_photo'],
  object_not_insured: ['object_mismatch'],
  evidence_manipulated: ['exif_anomaly'],
  evidence_contradicts_claim: ['peril_mismatch', 'no_visible_damage'],
  photos_unusable: ['unusable_image'],
};

export interface ReviewedCheck {
  claimId: string;
  kind: CheckKind;
  /** The claim's highest score for this check in its latest run. */
  score: number;
  flagged: boolean;
  outcome: string;
  reasonCode: string;
  decidedAt: Date;
  /** The flagAt that was in force when the claim was scored (thresholded checks only). */
  flagAt: number | null;
}

/** The reviewer's verdict on one check: true (the problem is real), false (it is not), null (no say). */
export function reviewerVerdict(kind: CheckKind, outcome: string, reasonCode: string): boolean | null {
  if (outcome === 'approve') return false;
  if ((REASON_CONFIRMS[reasonCode] ?? []).includes(kind)) return true;
  return null;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : Math.round((numerator / denominator) * 1000) / 1000;
}

/** The threshold (among the observed scores) that maximises agreement with the reviewers. */
function bestThreshold(
  labelled: Array<{ score: number; verdict: boolean }>,
): { flagAt: number; agreement: number } | null {
  if (labelled.length === 0) return null;
  const candidates = [...new Set(labelled.map((item) => item.score))].sort((a, b) => a - b);
  candidates.push(candidates[candidates.length - 1] + 1e-6);
  let best: { flagAt: number; agreement: number } | null = null;
  for (const flagAt of candidates) {
    const agreed = labelled.filter((item) => item.score >= flagAt === item.verdict).length;
    const agreement = agreed / labelled.length;
    if (!best || agreement > best.agreement)
      best = { flagAt: Math.round(flagAt * 1000) / 1000, agreement: Math.round(agreement * 1000) / 1000 };
  }
  return best;
}

/** Agreement between the model's checks and the reviewers' final decisions, per check. */
export function qualityReport(rows: readonly ReviewedCheck[]): CheckQuality[] {
  return CHECK_KINDS.map((kind) => {
    const labelled = rows
      .filter((row) => row.kind === kind)
      .map((row) => ({ ...row, verdict: reviewerVerdict(kind, row.outcome, row.reasonCode) }))
      .filter((row): row is typeof row & { verdict: boolean } => row.verdict !== null);
    const truePositive = labelled.filter((row) => row.flagged && row.verdict).length;
    const falsePositive = labelled.filter((row) => row.flagged && !row.verdict).length;
    const falseNegative = labelled.filter((row) => !row.flagged && row.verdict).length;
    const agreed = labelled.filter((row) => row.flagged === row.verdict).length;
    const days = new Map<string, { agreed: number; disagreed: number }>();
    for (const row of labelled) {
      const day = row.decidedAt.toISOString().slice(0, 10);
      const entry = days.get(day) ?? { agreed: 0, disagreed: 0 };
      if (row.flagged === row.verdict) entry.agreed += 1;
      else entry.disagreed += 1;
      days.set(day, entry);
    }
    const flagAts = labelled.map((row) => row.flagAt).filter((value): value is number => value !== null);
    const best = flagAts.length > 0 ? bestThreshold(labelled) : null;
    return {
      kind,
      reviewed: labelled.length,
      agreed,
      disagreed: labelled.length - agreed,
      truePositive,
      falsePositive,
      falseNegative,
      precision: ratio(truePositive, truePositive + falsePositive),
      recall: ratio(truePositive, truePositive + falseNegative),
      currentFlagAt: flagAts.length > 0 ? flagAts[flagAts.length - 1] : null,
      recommendedFlagAt: best?.flagAt ?? null,
      recommendedAgreement: best?.agreement ?? null,
      series: [...days.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([day, counts]) => ({ day, ...counts })),
    };
  });
}
