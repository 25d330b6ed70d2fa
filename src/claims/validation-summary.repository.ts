import type { Tx } from '../database/transaction-runner';

/*
 * The claims side's read of the validation tables (scoring_runs, checks) for the summary on a staff
 * claim view. Plain functions, read-only, kept in claims/ so that claims need no import of validation/
 * (which depends on claims); validation's ChecksRepository owns every write to these tables.
 */

export interface LatestRunRow {
  id: string;
  outcome: string | null;
  created_at: Date;
  model_id: string;
  prompt_set_version: string;
}

export interface RunFindingRow {
  kind: string;
  severity: string;
  reason: string;
  photo_id: string | null;
  flagged: boolean;
  uncertain: boolean;
}

/** The claim's latest scoring run. */
export async function findLatestRunOfClaim(tx: Tx, claimId: string): Promise<LatestRunRow | undefined> {
  const [run] = (await tx.query(
    `SELECT id, outcome, created_at, model_id, prompt_set_version FROM scoring_runs WHERE claim_id = $1 ORDER BY created_at DESC LIMIT 1`,
    [claimId],
  )) as LatestRunRow[];
  return run;
}

/** The flagged or uncertain checks of a run, by kind and photo. */
export async function findFindingsOfRun(tx: Tx, runId: string): Promise<RunFindingRow[]> {
  return (await tx.query(
    `SELECT kind, severity, reason, photo_id, flagged, uncertain FROM checks WHERE scoring_run_id = $1 AND (flagged OR uncertain) ORDER BY kind, photo_id`,
    [runId],
  )) as RunFindingRow[];
}
