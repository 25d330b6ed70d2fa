import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { User } from './user.entity';

/** The users table: the only code that reads or writes its rows. */
@Injectable()
export class UsersRepository extends OwnedTableRepository {
  findByEmail(email: string, tx?: Tx): Promise<User | null> {
    return this.m(tx).findOne(User, { where: { email } });
  }

  findById(id: string, tx?: Tx): Promise<User | null> {
    return this.m(tx).findOne(User, { where: { id } });
  }

  insert(
    tx: Tx,
    user: Pick<User, 'email' | 'displayName' | 'passwordHash' | 'role' | 'team'> & { createdBy?: string | null },
  ): Promise<User> {
    return tx.save(tx.create(User, user));
  }

  list(): Promise<User[]> {
    return this.m().find(User, { order: { createdAt: 'ASC', email: 'ASC' } });
  }

  async anyExists(): Promise<boolean> {
    const [row] = (await this.m().query(`SELECT EXISTS (SELECT 1 FROM users) AS present`)) as Array<{
      present: boolean;
    }>;
    return row.present;
  }

  async hasActiveAdmin(): Promise<boolean> {
    const rows = (await this.m().query(
      `SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL LIMIT 1`,
    )) as unknown[];
    return rows.length > 0;
  }

  /** An active (not disabled) user's role and team, for assignment checks. */
  async findActiveMember(id: string, tx?: Tx): Promise<{ id: string; role: string; team: string } | undefined> {
    const rows = (await this.m(tx).query(`SELECT id, role, team FROM users WHERE id = $1 AND disabled_at IS NULL`, [
      id,
    ])) as Array<{ id: string; role: string; team: string }>;
    return rows[0];
  }

  /** The user row, locked for an update in this transaction. */
  lock(tx: Tx, id: string): Promise<User | null> {
    return tx.findOne(User, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Active admins other than `exceptId`, counted under a lock on the admin rows (two admins disabling each other). */
  async countOtherActiveAdmins(tx: Tx, exceptId: string): Promise<number> {
    const rows = (await tx.query(
      `SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1 FOR UPDATE`,
      [exceptId],
    )) as unknown[];
    return rows.length;
  }

  async update(
    tx: Tx,
    id: string,
    changes: Partial<Pick<User, 'role' | 'team' | 'displayName' | 'disabledAt' | 'passwordHash' | 'lastLoginAt'>>,
  ): Promise<void> {
    await tx.update(User, { id }, changes);
  }

  /** Ends every access token of the user: they carry the old generation. */
  async bumpSessionGeneration(tx: Tx, id: string): Promise<number> {
    await tx.query(`UPDATE users SET session_generation = session_generation + 1 WHERE id = $1`, [id]);
    const rows = (await tx.query(`SELECT session_generation FROM users WHERE id = $1`, [id])) as Array<{
      session_generation: number;
    }>;
    return rows[0].session_generation;
  }

  /** The wrapped TOTP secret (not selected by default), for enrolment confirmation and code checks. */
  async totpSecretOf(
    id: string,
    tx?: Tx,
  ): Promise<{ wrapped: Buffer; keyVersion: number; enabledAt: Date | null; lastStep: number | null } | undefined> {
    const rows = (await this.m(tx).query(
      `SELECT totp_wrapped_secret, totp_key_version, totp_enabled_at, totp_last_step FROM users WHERE id = $1`,
      [id],
    )) as Array<{
      totp_wrapped_secret: Buffer | null;
      totp_key_version: number | null;
      totp_enabled_at: Date | null;
      totp_last_step: string | null;
    }>;
    const row = rows[0];
    if (!row?.totp_wrapped_secret || row.totp_key_version === null) return undefined;
    return {
      wrapped: row.totp_wrapped_secret,
      keyVersion: row.totp_key_version,
      enabledAt: row.totp_enabled_at,
      lastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    };
  }

  /** A new (pending) TOTP secret: replaces any earlier pending or enabled one. */
  async setPendingTotp(tx: Tx, id: string, wrapped: Buffer, keyVersion: number): Promise<void> {
    await tx.query(
      `UPDATE users SET totp_wrapped_secret = $2, totp_key_version = $3, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`,
      [id, wrapped, keyVersion],
    );
  }

  async enableTotp(tx: Tx, id: string, at: Date, step: number): Promise<void> {
    await tx.query(`UPDATE users SET totp_enabled_at = $2, totp_last_step = $3 WHERE id = $1`, [id, at, step]);
  }

  /** Records an accepted time step; false when that step (or a later one) was already used: a replay. */
  async advanceTotpStep(tx: Tx, id: string, step: number): Promise<boolean> {
    const rows = (await tx.query(
      `SELECT totp_last_step FROM users WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) FOR UPDATE`,
      [id, step],
    )) as unknown[];
    if (rows.length === 0) return false;
    await tx.query(`UPDATE users SET totp_last_step = $2 WHERE id = $1`, [id, step]);
    return true;
  }

  async clearTotp(tx: Tx, id: string): Promise<void> {
    await tx.query(
      `UPDATE users SET totp_wrapped_secret = NULL, totp_key_version = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1`,
      [id],
    );
  }

  /** TOTP secrets (pending or enabled) wrapped under a master key version below `version`, row-locked. */
  async lockTotpKeysBelowVersion(
    tx: Tx,
    version: number,
  ): Promise<Array<{ id: string; wrapped: Buffer; keyVersion: number }>> {
    const rows = (await tx.query(
      `SELECT id, totp_wrapped_secret, totp_key_version FROM users
        WHERE totp_wrapped_secret IS NOT NULL AND totp_key_version < $1 ORDER BY id FOR UPDATE`,
      [version],
    )) as Array<{ id: string; totp_wrapped_secret: Buffer; totp_key_version: number }>;
    return rows.map((row) => ({ id: row.id, wrapped: row.totp_wrapped_secret, keyVersion: row.totp_key_version }));
  }

  /** The same TOTP secret wrapped anew (key rotation): enrolment state and last step are kept. */
  async rewrapTotpKey(tx: Tx, id: string, wrapped: Buffer, keyVersion: number): Promise<void> {
    await tx.query(`UPDATE users SET totp_wrapped_secret = $2, totp_key_version = $3 WHERE id = $1`, [
      id,
      wrapped,
      keyVersion,
    ]);
  }

  async countTotpKeysByVersion(tx?: Tx): Promise<Array<{ version: number; count: number }>> {
    return (await this.m(tx).query(
      `SELECT totp_key_version AS version, count(*)::int AS count FROM users
        WHERE totp_wrapped_secret IS NOT NULL GROUP BY 1 ORDER BY 1`,
    )) as Array<{ version: number; count: number }>;
  }
}
