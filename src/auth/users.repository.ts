import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from '../database/transaction-runner';

/** The users table: the only code that reads or writes its rows. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private m(tx?: Tx): Tx {
    return tx ?? this.dataSource.manager;
  }

  /** An active (not disabled) user's role and team, for assignment checks. */
  async findActiveMember(id: string, tx?: Tx): Promise<{ id: string; role: string; team: string } | undefined> {
    const rows = (await this.m(tx).query(`SELECT id, role, team FROM users WHERE id = $1 AND disabled_at IS NULL`, [
      id,
    ])) as Array<{ id: string; role: string; team: string }>;
    return rows[0];
  }
}
