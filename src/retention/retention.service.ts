import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { Clock } from '../common/clock';
import { isUuid } from '../common/uuid';
import type { PurgeItem } from './retention-rules';
import type { CreateRetentionPolicyDto } from './retention.dto';
import { ErasureRequest, LegalHold, PurgeReceipt, RetentionPolicy } from './retention.entity';
import { PurgeService } from './purge.service';
import { RetentionRepository } from './retention.repository';
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
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly purge: PurgeService,
    private readonly retention: RetentionRepository,
    private readonly claims: ClaimsRepository,
  ) {}

  async listPolicies(): Promise<RetentionPolicyView[]> {
    const policies = await this.retention.listPolicies();
    return policies.map(policyView);
  }

  async createPolicy(
    context: AuditContext,
    createdBy: string,
    input: CreateRetentionPolicyDto,
  ): Promise<RetentionPolicyView> {
    const saved = await this.audit.run(context, async (tx) => {
      const policy = await this.retention.insertPolicy(tx.manager, {
        dataClass: input.dataClass,
        lineOfBusiness: input.lineOfBusiness ?? null,
        jurisdiction: input.jurisdiction ?? null,
        periodDays: input.periodDays,
        trigger: input.trigger,
        action: input.action,
        createdBy,
      });
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
    return policyView(await this.retention.findPolicyOrFail(saved.id));
  }

  /** Places a hold: the claim is never purged while it lasts. One active hold per claim (409 for a second). */
  async placeHold(context: AuditContext, placedBy: string, claimId: string, reason: string): Promise<LegalHoldView> {
    return this.changeHold(context, claimId, 'legal_hold.placed', reason, async (tx, claim) => {
      const active = await this.retention.findActiveHold(tx.manager, claimId);
      if (claim.legal_hold || active) throw new ConflictException(`claim ${claimId} is already under a legal hold`);
      return this.retention.insertHold(tx.manager, { claimId, reason, placedBy, placedAt: this.clock.now() });
    });
  }

  /** Releases the active hold: the claim becomes due again wherever its retention has ended. */
  async releaseHold(
    context: AuditContext,
    releasedBy: string,
    claimId: string,
    reason: string,
  ): Promise<LegalHoldView> {
    return this.changeHold(context, claimId, 'legal_hold.released', reason, async (tx) => {
      const hold = await this.retention.findActiveHold(tx.manager, claimId);
      if (!hold) throw new NotFoundException(`claim ${claimId} has no active legal hold`);
      hold.releasedBy = releasedBy;
      hold.releasedAt = this.clock.now();
      hold.releaseReason = reason;
      await this.retention.saveReleasedHold(tx.manager, hold);
      return hold;
    });
  }

  /**
   * Places or releases the claim's hold in one audited transaction that holds the claim's row lock (404
   * for an unknown claim): `change` writes the hold row, then the claim's flag follows and the event is recorded.
   */
  private changeHold(
    context: AuditContext,
    claimId: string,
    action: 'legal_hold.placed' | 'legal_hold.released',
    reason: string,
    change: (tx: AuditedTransaction, claim: { legal_hold: boolean }) => Promise<LegalHold>,
  ): Promise<LegalHoldView> {
    return this.audit.run(context, async (tx) => {
      const claim = isUuid(claimId) ? await this.claims.lockHoldState(tx.manager, claimId) : undefined;
      if (!claim) throw new NotFoundException('Claim not found');
      const hold = await change(tx, claim);
      await this.claims.setLegalHold(tx.manager, claimId, action === 'legal_hold.placed');
      tx.record({ action, resourceType: 'Claim', resourceId: claimId, details: { holdId: hold.id, reason } });
      return holdView(hold);
    });
  }

  async listHolds(status: 'active' | 'released' | 'all' = 'active'): Promise<LegalHoldView[]> {
    return (await this.retention.listHolds(status)).map(holdView);
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
    const [items, total] = await this.retention.listReceipts({ claimId: query.claimId, page, pageSize });
    return { items: items.map(receiptView), page, pageSize, total };
  }

  async listErasureRequests(): Promise<
    Array<Omit<ErasureRequest, 'requestedAt' | 'completedAt'> & { requestedAt: string; completedAt: string | null }>
  > {
    const rows = await this.retention.listErasureRequests(500);
    return rows.map((row) => ({
      ...row,
      requestedAt: row.requestedAt.toISOString(),
      completedAt: row.completedAt ? row.completedAt.toISOString() : null,
    }));
  }
}
