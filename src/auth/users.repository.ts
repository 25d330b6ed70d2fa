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

  insert(tx: Tx, user: Pick<User, 'email' | 'displayName' | 'passwordHash' | 'role' | 'team'>): Promise<User> {
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
}
