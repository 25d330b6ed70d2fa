import type { EntityManager } from 'typeorm';
import { ValidationSummary } from './claims.views';
export { ValidationSummary };

/** Reads the latest run's summary straight from the tables, so claims need no dependency on validation's services. */
export async function readValidationSummary(
  manager: EntityManager,
  claimId: string,
): Promise<ValidationSummary | null> {
  const [run] = (await manager.query(
    `SELECT id, outcome, created_at, model_id, prompt_set_version FROM scoring_runs WHERE claim_id = $1 ORDER BY created_at DESC LIMIT 1`,
    [claimId],
  )) as Array<{ id: string; outcome: string | null; created_at: Date; model_id: string; prompt_set_version: string }>;
  if (!run) return null;
  const checks = (await manager.query(
    `SELECT kind, severity, reason, photo_id, flagged, uncertain FROM checks WHERE scoring_run_id = $1 AND (flagged OR uncertain) ORDER BY kind, photo_id`,
    [run.id],
  )) as Array<{
    kind: string;
    severity: string;
    reason: string;
    photo_id: string | null;
    flagged: boolean;
    uncertain: boolean;
  }>;
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
