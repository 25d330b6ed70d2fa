import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

export type CalibrationSource = 'fit' | 'manual' | 'rollback';

export interface CalibrationKey {
  modelHash: string;
  promptSetVersion: string;
  line: string;
}

export interface CalibrationRow {
  id: string;
  model_hash: string;
  prompt_set_version: string;
  line_of_business: string;
  version: number;
  thresholds: Record<string, { flagAt: number; uncertainFrom: number }>;
  source: CalibrationSource;
  method: Record<string, unknown>;
  note: string | null;
  rolled_back_to: number | null;
  created_by: string | null;
  created_at: Date;
}

/** The threshold_calibrations table (versions of thresholds per model, prompt templates and line): the only code that reads or writes its rows. */
@Injectable()
export class CalibrationsRepository extends OwnedTableRepository {
  async latest(key: CalibrationKey, tx?: Tx): Promise<CalibrationRow | null> {
    const rows = (await this.m(tx).query(
      `SELECT * FROM threshold_calibrations WHERE model_hash = $1 AND prompt_set_version = $2 AND line_of_business = $3
        ORDER BY version DESC LIMIT 1`,
      [key.modelHash, key.promptSetVersion, key.line],
    )) as CalibrationRow[];
    return rows[0] ?? null;
  }

  async versions(key: CalibrationKey, limit = 50, tx?: Tx): Promise<CalibrationRow[]> {
    return (await this.m(tx).query(
      `SELECT * FROM threshold_calibrations WHERE model_hash = $1 AND prompt_set_version = $2 AND line_of_business = $3
        ORDER BY version DESC LIMIT $4`,
      [key.modelHash, key.promptSetVersion, key.line, limit],
    )) as CalibrationRow[];
  }

  async byVersion(key: CalibrationKey, version: number, tx?: Tx): Promise<CalibrationRow | null> {
    const rows = (await this.m(tx).query(
      `SELECT * FROM threshold_calibrations WHERE model_hash = $1 AND prompt_set_version = $2 AND line_of_business = $3 AND version = $4`,
      [key.modelHash, key.promptSetVersion, key.line, version],
    )) as CalibrationRow[];
    return rows[0] ?? null;
  }

  /** Appends the key's next version; a transaction-scoped advisory lock per key serialises concurrent applies. */
  async insertNext(
    tx: Tx,
    key: CalibrationKey,
    input: {
      thresholds: Record<string, { flagAt: number; uncertainFrom: number }>;
      source: CalibrationSource;
      method: Record<string, unknown>;
      note: string | null;
      rolledBackTo: number | null;
      createdBy: string | null;
    },
  ): Promise<CalibrationRow> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
      `threshold_calibrations:${key.modelHash}:${key.promptSetVersion}:${key.line}`,
    ]);
    const rows = (await tx.query(
      `INSERT INTO threshold_calibrations
         (model_hash, prompt_set_version, line_of_business, version, thresholds, source, method, note, rolled_back_to, created_by)
       SELECT $1, $2, $3, coalesce(max(version), 0) + 1, $4, $5, $6, $7, $8, $9
         FROM threshold_calibrations WHERE model_hash = $1 AND prompt_set_version = $2 AND line_of_business = $3
       RETURNING *`,
      [
        key.modelHash,
        key.promptSetVersion,
        key.line,
        JSON.stringify(input.thresholds),
        input.source,
        JSON.stringify(input.method),
        input.note,
        input.rolledBackTo,
        input.createdBy,
      ],
    )) as CalibrationRow[];
    return rows[0];
  }
}
