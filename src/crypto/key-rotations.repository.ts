import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

export interface OpenRotationRow {
  id: string;
  target_version: number;
  rewrapped: number;
  started_at: Date;
}

/** The key_rotations table (progress of master key rotations): the only code that reads or writes its rows. */
@Injectable()
export class KeyRotationsRepository extends OwnedTableRepository {
  /** The newest rotation not yet completed. */
  async findOpen(tx?: Tx): Promise<OpenRotationRow | undefined> {
    const [row] = (await this.m(tx).query(
      `SELECT id, target_version, rewrapped, started_at FROM key_rotations WHERE completed_at IS NULL ORDER BY started_at DESC LIMIT 1`,
    )) as OpenRotationRow[];
    return row;
  }

  async retarget(rotationId: string, targetVersion: number, tx?: Tx): Promise<void> {
    await this.m(tx).query(`UPDATE key_rotations SET target_version = $2, updated_at = now() WHERE id = $1`, [
      rotationId,
      targetVersion,
    ]);
  }

  async start(tx: Tx, targetVersion: number, addedVersion: number | null): Promise<string> {
    const [row] = (await tx.query(
      `INSERT INTO key_rotations (target_version, added_version) VALUES ($1, $2) RETURNING id`,
      [targetVersion, addedVersion],
    )) as Array<{ id: string }>;
    return row.id;
  }

  async addProgress(tx: Tx, rotationId: string, rewrapped: number, failed: number): Promise<void> {
    await tx.query(
      `UPDATE key_rotations SET rewrapped = rewrapped + $2, failed = failed + $3, updated_at = now() WHERE id = $1`,
      [rotationId, rewrapped, failed],
    );
  }

  /** Marks the rotation completed; returns its total of rewrapped keys (undefined when it is gone). */
  async complete(tx: Tx, rotationId: string): Promise<number | undefined> {
    const [row] = (await tx.query(
      `UPDATE key_rotations SET completed_at = now(), updated_at = now() WHERE id = $1 RETURNING rewrapped`,
      [rotationId],
    )) as [Array<{ rewrapped: number }>, number];
    return row[0]?.rewrapped;
  }
}
