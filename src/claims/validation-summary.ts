import type { Tx } from '../database/transaction-runner';
import { ValidationSummary } from './claims.views';
import { findFindingsOfRun, findLatestRunOfClaim } from './validation-summary.repository';
export { ValidationSummary };

/** Reads the latest run's summary straight from the tables, so claims need no dependency on validation's services. */
export async function readValidationSummary(tx: Tx, claimId: string): Promise<ValidationSummary | null> {
  const run = await findLatestRunOfClaim(tx, claimId);
  if (!run) return null;
  const checks = await findFindingsOfRun(tx, run.id);
  return {
    outcome: run.outcome,
    scoredAt: new Date(run.created_at).toISOString(),
    modelId: run.model_id,
    promptSetVersion: run.prompt_set_version,
    flags: checks
      .filter((check) => check.flagged)
      .map((check) => ({ kind: check.kind, severity: check.severity, reason: check.reason, photoId: check.photo_id })),
    uncertain: [...new Set(checks.filter((check) => check.uncertain).map((check) => check.kind))],
  };
}
