import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { Clause, Policy } from './policy.entity';

/** The policies and clauses tables: the only code that reads or writes their rows. */
@Injectable()
export class PoliciesRepository extends OwnedTableRepository {
  /** The policy with its clauses. */
  /**
   * One query (`find`, not `findOne`: TypeORM pages a findOne with a joined relation in two round trips, a
   * DISTINCT id query and then the join; the id is unique, so there is nothing to page). Every intake call
   * loads its policy, so the round trip counts.
   */
  async findWithClauses(id: string, tx?: Tx): Promise<Policy | null> {
    const [policy] = await this.m(tx).find(Policy, { where: { id }, relations: { clauses: true } });
    return policy ?? null;
  }

  /**
   * Whether a claim matching the caller's read condition references the policy. `readableSql` comes from the access
   * rules (accessibleWhere, positional parameters from $2), never from input.
   */
  async referencedByClaimWhere(policyId: string, readableSql: string, values: unknown[], tx?: Tx): Promise<boolean> {
    const rows = (await this.m(tx).query(`SELECT 1 FROM claims WHERE policy_id = $1 AND ${readableSql} LIMIT 1`, [
      policyId,
      ...values,
    ])) as unknown[];
    return rows.length > 0;
  }

  async existsWithNumber(tx: Tx, number: string): Promise<boolean> {
    return (await tx.findOne(Policy, { where: { number } })) !== null;
  }

  /** Inserts the policy and its clauses (cascade). */
  insertWithClauses(
    tx: Tx,
    policy: Omit<Partial<Policy>, 'clauses'>,
    clauses: Array<Partial<Clause>>,
  ): Promise<Policy> {
    return tx.save(tx.create(Policy, { ...policy, clauses: clauses.map((clause) => tx.create(Clause, clause)) }));
  }
}
