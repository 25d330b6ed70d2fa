import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { isUuid } from '../common/uuid';
import type { PurgeItem } from './retention-rules';
import type { CreateRetentionPolicyDto } from './retention.dto';
import { ErasureRequest, LegalHold, PurgeReceipt, RetentionPolicy } from './retention.entity';
import { PurgeService } from './purge.service';
import { RetentionPolicyView, LegalHoldView, ReceiptView } from './retention.views';
export { RetentionPolicyView, LegalHoldView, ReceiptView };

function policyView(policy: RetentionPolicy): RetentionPolicyView {
  return { ...policy, createdAt: policy.createdAt.toISOString() };
}

function holdView(hold: LegalHold): LegalHoldView {
  return {
    ...hold,
    placedAt: hold.placedAt.toISOString(),
    releasedAt: hold.releasedAt ? hold.releasedAt.toISOString() : null,
  };
}

function receiptView(receipt: PurgeReceipt): ReceiptView {
  return { ...receipt, purgedAt: receipt.purgedAt.toISOString() };
}

/** Retention policies, legal holds and the compliance read models (upcoming purges, receipts, erasures). */
@Injectable()
export class RetentionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly purge: PurgeService,
  ) {}

  async listPolicies(): Promise<RetentionPolicyView[]> {
    const policies = await this.dataSource
      .getRepository(RetentionPolicy)
      .find({ order: { dataClass: 'ASC', createdAt: 'ASC', id: 'ASC' } });
    return policies.map(policyView);
  }

  async createPolicy(
    context: AuditContext,
    createdBy: string,
    input: CreateRetentionPolicyDto,
  ): Promise<RetentionPolicyView> {
    const saved = await this.audit.run(context, async (tx) => {
      const policy = await tx.manager.save(
        tx.manager.create(RetentionPolicy, {
          dataClass: input.dataClass,
          lineOfBusiness: input.lineOfBusiness ?? null,
          jurisdiction: input.jurisdiction ?? null,
          periodDays: input.periodDays,
          trigger: input.trigger,
          action: input.action,
          active: true,
          createdBy,
        }),
      );
      tx.record({
        action: 'retention.policy_created',
        resourceType: 'RetentionPolicy',
        resourceId: policy.id,
        details: {
          dataClass: policy.dataClass,
          lineOfBusiness: policy.lineOfBusiness,
          jurisdiction: policy.jurisdiction,
          periodDays: policy.periodDays,
          trigger: policy.trigger,
          action: policy.action,
        },
      });
      return policy;
    });
    return policyView(await this.dataSource.getRepository(RetentionPolicy).findOneByOrFail({ id: saved.id }));
  }

  /** Places a hold: the claim is never purged while it lasts. One active hold per claim (409 for a second). */
  async placeHold(context: AuditContext, placedBy: string, claimId: string, reason: string): Promise<LegalHoldView> {
    return this.audit.run(context, async (tx) => {
      const [claim] = isUuid(claimId)
        ? ((await tx.manager.query(`SELECT id, legal_hold FROM claims WHERE id = $1 FOR UPDATE`, [claimId])) as Array<{
            id: string;
            legal_hold: boolean;
          }>)
        : [];
      if (!claim) throw new NotFoundException('Claim not found');
      const active = await tx.manager.findOne(LegalHold, { where: { claimId, releasedAt: IsNull() } });
      if (claim.legal_hold || active) throw new ConflictException(`claim ${claimId} is already under a legal hold`);
      const hold = await tx.manager.save(
        tx.manager.create(LegalHold, {
          claimId,
          reason,
          placedBy,
          placedAt: this.clock.now(),
          releasedBy: null,
          releasedAt: null,
          releaseReason: null,
        }),
      );
      await tx.manager.query(
        `UPDATE claims SET legal_hold = true, updated_at = now(), version = version + 1 WHERE id = $1`,
        [claimId],
      );
      tx.record({
        action: 'legal_hold.placed',
        resourceType: 'Claim',
        resourceId: claimId,
        details: { holdId: hold.id, reason },
      });
      return holdView(hold);
    });
  }

  /** Releases the active hold: the claim becomes due again wherever its retention has ended. */
  async releaseHold(
    context: AuditContext,
    releasedBy: string,
    claimId: string,
    reason: string,
  ): Promise<LegalHoldView> {
    return this.audit.run(context, async (tx) => {
      const [claim] = isUuid(claimId)
        ? ((await tx.manager.query(`SELECT id FROM claims WHERE id = $1 FOR UPDATE`, [claimId])) as Array<{
            id: string;
          }>)
        : [];
      if (!claim) throw new NotFoundException('Claim not found');
      const hold = await tx.manager
        .getRepository(LegalHold)
        .createQueryBuilder('hold')
        .where('hold.claimId = :claimId AND hold.releasedAt IS NULL', { claimId })
        .getOne();
      if (!hold) throw new NotFoundException(`claim ${claimId} has no active legal hold`);
      hold.releasedBy = releasedBy;
      hold.releasedAt = this.clock.now();
      hold.releaseReason = reason;
      await tx.manager.save(hold);
      await tx.manager.query(
        `UPDATE claims SET legal_hold = false, updated_at = now(), version = version + 1 WHERE id = $1`,
        [claimId],
      );
      tx.record({
        action: 'legal_hold.released',
        resourceType: 'Claim',
        resourceId: claimId,
        details: { holdId: hold.id, reason },
      });
      return holdView(hold);
    });
  }

  async listHolds(status: 'active' | 'released' | 'all' = 'active'): Promise<LegalHoldView[]> {
    const builder = this.dataSource
      .getRepository(LegalHold)
      .createQueryBuilder('hold')
      .orderBy('hold.placedAt', 'DESC')
      .addOrderBy('hold.id', 'ASC');
    if (status === 'active') builder.where('hold.releasedAt IS NULL');
    if (status === 'released') builder.where('hold.releasedAt IS NOT NULL');
    return (await builder.getMany()).map(holdView);
  }

  /** What falls due within `days` (already due included); held claims are listed marked, never purged. */
  async upcoming(
    days: number,
  ): Promise<{ asOf: string; until: string; items: Array<PurgeItem & { legalHold: boolean }> }> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + days * 86_400_000);
    return { asOf: now.toISOString(), until: until.toISOString(), items: await this.purge.plan(until, true) };
  }

  async listReceipts(query: {
    claimId?: string;
    page?: number;
    pageSize?: number;
  }): Promise<{ items: ReceiptView[]; page: number; pageSize: number; total: number }> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 100;
    const builder = this.dataSource.getRepository(PurgeReceipt).createQueryBuilder('receipt');
    if (query.claimId) builder.where('receipt.claimId = :claimId', { claimId: query.claimId });
    const [items, total] = await builder
      .orderBy('receipt.purgedAt', 'DESC')
      .addOrderBy('receipt.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: items.map(receiptView), page, pageSize, total };
  }

  async listErasureRequests(): Promise<
    Array<Omit<ErasureRequest, 'requestedAt' | 'completedAt'> & { requestedAt: string; completedAt: string | null }>
  > {
    const rows = await this.dataSource
      .getRepository(ErasureRequest)
      .find({ order: { requestedAt: 'DESC', id: 'ASC' }, take: 500 });
    return rows.map((row) => ({
      ...row,
      requestedAt: row.requestedAt.toISOString(),
      completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    }));
  }
}
