import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

/** The check_thresholds table (admin overrides of the decision thresholds): the only code that reads or writes its rows. */
@Injectable()
export class ThresholdsRepository extends OwnedTableRepository {
  async overridesForLine(
    line: string,
    tx?: Tx,
  ): Promise<Array<{ kind: string; flag_at: number; uncertain_from: number }>> {
    return (await this.m(tx).query(
      `SELECT kind, flag_at, uncertain_from FROM check_thresholds WHERE line_of_business = $1`,
      [line],
    )) as Array<{ kind: string; flag_at: number; uncertain_from: number }>;
  }

  async upsert(
    tx: Tx,
    input: { line: string; kind: string; flagAt: number; uncertainFrom: number; updatedBy: string | null },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO check_thresholds (line_of_business, kind, flag_at, uncertain_from, updated_by, updated_at)
       VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (line_of_business, kind) DO UPDATE SET flag_at = EXCLUDED.flag_at, uncertain_from = EXCLUDED.uncertain_from, updated_by = EXCLUDED.updated_by, updated_at = now()`,
      [input.line, input.kind, input.flagAt, input.uncertainFrom, input.updatedBy],
    );
  }
}
