import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transaction-runner';

/** The validation results: the scoring_runs and checks tables. The only code that reads or writes their rows. */
@Injectable()
export class ChecksRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(tx?: Tx): Tx {
    return tx ?? this.dataSource.manager;
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
