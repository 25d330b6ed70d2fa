import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transaction-runner';
import { ScoringRun } from '../scoring/scoring-run.entity';
import { Check } from './check.entity';

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

/**
 * The claim's latest scoring run. A plain function (as well as a method) so that modules validation
 * depends on (claims) can read the summary without a Nest import cycle.
 */
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

/** The validation results: the scoring_runs and checks tables. The only code that reads or writes their rows. */
@Injectable()
export class ChecksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(tx?: Tx): Tx {
    return tx ?? this.dataSource.manager;
  }

  insertRun(tx: Tx, run: Partial<ScoringRun>): Promise<ScoringRun> {
    return tx.save(tx.create(ScoringRun, run));
  }

  async insertChecks(tx: Tx, checks: Array<Partial<Check>>): Promise<void> {
    if (checks.length === 0) return;
    await tx.save(checks.map((check) => tx.create(Check, check)));
  }

  findLatestRun(claimId: string, tx?: Tx): Promise<ScoringRun | null> {
    return this.m(tx).findOne(ScoringRun, { where: { claimId }, order: { createdAt: 'DESC' } });
  }

  checksOfRun(runId: string, tx?: Tx): Promise<Check[]> {
    return this.m(tx).find(Check, { where: { scoringRunId: runId }, order: { createdAt: 'ASC' } });
  }

  /** Retention of scores: `delete` removes a claim's checks and runs, `redact` empties their evidence and scores. */
  async purgeScores(tx: Tx, claimId: string, action: 'delete' | 'redact'): Promise<void> {
    if (action === 'delete') {
      await tx.query(`DELETE FROM checks WHERE claim_id = $1`, [claimId]);
      await tx.query(`DELETE FROM scoring_runs WHERE claim_id = $1`, [claimId]);
    } else {
      await tx.query(`UPDATE checks SET evidence = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
      await tx.query(`UPDATE scoring_runs SET scores = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
    }
  }
}
