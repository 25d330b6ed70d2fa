import { Injectable } from '@nestjs/common';
import { IsNull } from 'typeorm';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import type { PolicyRule } from './retention-rules';
import {
  ErasureRequest,
  LegalHold,
  PurgeReceipt,
  RetentionPolicy,
  RetentionPolicyChange,
  OPEN_ERASURE_STATUSES,
  type DataClass,
  type RetentionAction,
  type RetentionTrigger,
} from './retention.entity';

/**
 * The retention tables: retention_policies, legal_holds, purge_receipts and erasure_requests. The only
 * code that reads or writes their rows (the claims' own rows are ClaimsRepository's).
 */
@Injectable()
export class RetentionRepository extends OwnedTableRepository {
  /** The policy versions in force at `at` (effective_from <= at < effective_until), as rules. */
  async activePolicies(at: Date, tx?: Tx): Promise<PolicyRule[]> {
    const rows = (await this.m(tx).query(
      `SELECT id, data_class, line_of_business, jurisdiction, period_days, trigger, action FROM retention_policies
        WHERE active AND effective_from <= $1 AND (effective_until IS NULL OR effective_until > $1) ORDER BY id`,
      [at],
    )) as Array<{
      id: string;
      data_class: DataClass;
      line_of_business: string | null;
      jurisdiction: string | null;
      period_days: number;
      trigger: PolicyRule['trigger'];
      action: PolicyRule['action'];
    }>;
    return rows.map((row) => ({
      id: row.id,
      dataClass: row.data_class,
      lineOfBusiness: row.line_of_business,
      jurisdiction: row.jurisdiction,
      periodDays: row.period_days,
      trigger: row.trigger,
      action: row.action,
    }));
  }

  /** The times in (from, to] at which the set of versions in force changes (a version starts or ends), ascending. */
  async ruleChangesBetween(from: Date, to: Date, tx?: Tx): Promise<Date[]> {
    const rows = (await this.m(tx).query(
      `SELECT DISTINCT at FROM (
         SELECT effective_from AS at FROM retention_policies WHERE active
         UNION SELECT effective_until FROM retention_policies WHERE active AND effective_until IS NOT NULL
       ) changes WHERE at > $1 AND at <= $2 ORDER BY at`,
      [from, to],
    )) as Array<{ at: Date }>;
    return rows.map((row) => new Date(row.at));
  }

  /** Every version of every policy, grouped by policy (oldest first), versions in order. */
  listPolicies(): Promise<RetentionPolicy[]> {
    return this.m()
      .getRepository(RetentionPolicy)
      .find({ order: { dataClass: 'ASC', policyKey: 'ASC', version: 'ASC', id: 'ASC' } });
  }

  findPolicyOrFail(id: string): Promise<RetentionPolicy> {
    return this.m().getRepository(RetentionPolicy).findOneByOrFail({ id });
  }

  findPolicy(id: string, tx?: Tx): Promise<RetentionPolicy | null> {
    return this.m(tx).getRepository(RetentionPolicy).findOneBy({ id });
  }

  /** The open-ended (latest, not retired) version of a policy; locked for the rest of `tx` when given. */
  async openVersion(policyKey: string, tx?: Tx): Promise<RetentionPolicy | null> {
    const builder = this.m(tx)
      .getRepository(RetentionPolicy)
      .createQueryBuilder('policy')
      .where('policy.policyKey = :policyKey AND policy.effectiveUntil IS NULL', { policyKey })
      .orderBy('policy.version', 'DESC');
    if (tx) builder.setLock('pessimistic_write');
    return builder.getOne();
  }

  insertPolicy(
    tx: Tx,
    fields: {
      dataClass: DataClass;
      lineOfBusiness: string | null;
      jurisdiction: string | null;
      periodDays: number;
      trigger: RetentionTrigger;
      action: RetentionAction;
      createdBy: string;
      policyKey: string;
      version: number;
      effectiveFrom: Date;
      changeId: string | null;
      id?: string;
    },
  ): Promise<RetentionPolicy> {
    return tx.save(tx.create(RetentionPolicy, { ...fields, active: true, effectiveUntil: null, endedReason: null }));
  }

  /** Ends a version at `at`: superseded by the next version, or the policy retired. */
  async endVersion(tx: Tx, policyId: string, at: Date, reason: 'superseded' | 'retired'): Promise<void> {
    await tx.query(`UPDATE retention_policies SET effective_until = $2, ended_reason = $3 WHERE id = $1`, [
      policyId,
      at,
      reason,
    ]);
  }

  insertChange(tx: Tx, fields: Omit<RetentionPolicyChange, 'id'>): Promise<RetentionPolicyChange> {
    return tx.save(tx.create(RetentionPolicyChange, fields));
  }

  saveChange(tx: Tx, change: RetentionPolicyChange): Promise<RetentionPolicyChange> {
    return tx.save(change);
  }

  /** The change, row-locked for the rest of `tx` when given. */
  findChange(id: string, tx?: Tx): Promise<RetentionPolicyChange | null> {
    const builder = this.m(tx)
      .getRepository(RetentionPolicyChange)
      .createQueryBuilder('change')
      .where('change.id = :id', { id });
    if (tx) builder.setLock('pessimistic_write');
    return builder.getOne();
  }

  listChanges(status: 'pending' | 'all'): Promise<RetentionPolicyChange[]> {
    return this.m()
      .getRepository(RetentionPolicyChange)
      .find({
        where: status === 'pending' ? { status: 'pending' } : {},
        order: { proposedAt: 'DESC', id: 'ASC' },
        take: 500,
      });
  }

  findActiveHold(tx: Tx, claimId: string): Promise<LegalHold | null> {
    return tx.findOne(LegalHold, { where: { claimId, releasedAt: IsNull() } });
  }

  insertHold(
    tx: Tx,
    fields: { claimId: string; reason: string; placedBy: string; placedAt: Date },
  ): Promise<LegalHold> {
    return tx.save(tx.create(LegalHold, { ...fields, releasedBy: null, releasedAt: null, releaseReason: null }));
  }

  /** Marks the hold released (the caller has set releasedBy, releasedAt, releaseReason). */
  async saveReleasedHold(tx: Tx, hold: LegalHold): Promise<void> {
    await tx.save(hold);
  }

  listHolds(status: 'active' | 'released' | 'all'): Promise<LegalHold[]> {
    const builder = this.m()
      .getRepository(LegalHold)
      .createQueryBuilder('hold')
      .orderBy('hold.placedAt', 'DESC')
      .addOrderBy('hold.id', 'ASC');
    if (status === 'active') builder.where('hold.releasedAt IS NULL');
    if (status === 'released') builder.where('hold.releasedAt IS NOT NULL');
    return builder.getMany();
  }

  /** Released holds go with a deleted claim (their history is in the audit trail). */
  async purgeHoldsOfClaim(tx: Tx, claimId: string): Promise<void> {
    await tx.query(`DELETE FROM legal_holds WHERE claim_id = $1`, [claimId]);
  }

  async receiptedClasses(claimId: string, tx?: Tx): Promise<Set<DataClass>> {
    const rows = (await this.m(tx).query(`SELECT data_class FROM purge_receipts WHERE claim_id = $1`, [
      claimId,
    ])) as Array<{ data_class: DataClass }>;
    return new Set(rows.map((row) => row.data_class));
  }

  /** Writes the receipt of one purged class; undefined when the class already had one. */
  async insertReceipt(
    tx: Tx,
    receipt: {
      claimId: string;
      dataClass: DataClass;
      policyId: string | null;
      erasureRequestId: string | null;
      purgedAt: Date;
      details: Record<string, unknown>;
    },
  ): Promise<string | undefined> {
    const [row] = (await tx.query(
      `INSERT INTO purge_receipts (claim_id, data_class, policy_id, erasure_request_id, purged_at, details)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (claim_id, data_class) DO NOTHING RETURNING id`,
      [
        receipt.claimId,
        receipt.dataClass,
        receipt.policyId,
        receipt.erasureRequestId,
        receipt.purgedAt,
        JSON.stringify(receipt.details),
      ],
    )) as Array<{ id: string }>;
    return row?.id;
  }

  listReceipts(query: { claimId?: string; page: number; pageSize: number }): Promise<[PurgeReceipt[], number]> {
    const builder = this.m().getRepository(PurgeReceipt).createQueryBuilder('receipt');
    if (query.claimId) builder.where('receipt.claimId = :claimId', { claimId: query.claimId });
    return builder
      .orderBy('receipt.purgedAt', 'DESC')
      .addOrderBy('receipt.id', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize)
      .getManyAndCount();
  }

  async insertErasureRequest(
    tx: Tx,
    fields: {
      claimantRef: string;
      requestedBy: string;
      requestedAt: Date;
      receivedAt: Date;
      dueAt: Date;
      status: string;
    },
  ): Promise<string> {
    const [row] = (await tx.query(
      `INSERT INTO erasure_requests (claimant_ref, status, requested_by, requested_at, received_at, due_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [fields.claimantRef, fields.status, fields.requestedBy, fields.requestedAt, fields.receivedAt, fields.dueAt],
    )) as Array<{ id: string }>;
    return row.id;
  }

  /** The request, row-locked for the rest of `tx` when given. */
  findErasureRequest(id: string, tx?: Tx): Promise<ErasureRequest | null> {
    const builder = this.m(tx)
      .getRepository(ErasureRequest)
      .createQueryBuilder('request')
      .where('request.id = :id', { id });
    if (tx) builder.setLock('pessimistic_write');
    return builder.getOne();
  }

  async setErasureStatus(tx: Tx, requestId: string, status: string, rejectionReason: string | null): Promise<void> {
    await tx.query(
      `UPDATE erasure_requests SET status = $2, rejection_reason = COALESCE($3, rejection_reason),
              completed_at = CASE WHEN $2 = 'rejected' THEN now() ELSE completed_at END WHERE id = $1`,
      [requestId, status, rejectionReason],
    );
  }

  async completeErasureRequest(
    tx: Tx,
    requestId: string,
    status: string,
    completedAt: Date,
    outcome: unknown,
  ): Promise<void> {
    await tx.query(`UPDATE erasure_requests SET status = $2, completed_at = $3, outcome = $4 WHERE id = $1`, [
      requestId,
      status,
      completedAt,
      JSON.stringify(outcome),
    ]);
  }

  /** Newest first; `overdueAt`: only requests still open whose due date is before it, most overdue first. */
  listErasureRequests(limit: number, overdueAt?: Date): Promise<ErasureRequest[]> {
    const builder = this.m().getRepository(ErasureRequest).createQueryBuilder('request').take(limit);
    if (overdueAt)
      return builder
        .where('request.status IN (:...open) AND request.dueAt < :at', { open: OPEN_ERASURE_STATUSES, at: overdueAt })
        .orderBy('request.dueAt', 'ASC')
        .addOrderBy('request.id', 'ASC')
        .getMany();
    return builder.orderBy('request.requestedAt', 'DESC').addOrderBy('request.id', 'ASC').getMany();
  }
}
