import type { CheckKind, Severity } from '../check.entity';

/** What one check concludes about a claim or one of its photos, before it is stored. */
export interface CheckResult {
  kind: CheckKind;
  photoId: string | null;
  /** The check's own measure, in [0, 1]: how strongly the evidence points at the problem. */
  score: number;
  /** How sure the check is of its conclusion, in [0, 1]. */
  confidence: number;
  flagged: boolean;
  uncertain: boolean;
  severity: Severity;
  /** Plain language, for the adjuster. */
  reason: string;
  evidence: Record<string, unknown>;
}
