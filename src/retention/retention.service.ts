import {
  BadRequestException,
  ConflictException,
  ForbiddenException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { subject } from '@casl/ability';
import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { Clock } from '../common/clock';
import type { AppAbility } from '../common/access.decorators';
import { isUuid } from '../common/uuid';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Tx } from '../database/transaction-runner';
import {
  changeImpact,
  effectiveDate,
  purgesWithinNotice,
  shorteningReasons,
  type ImpactItem,
  type PolicyRule,
  type PurgeItem,
} from './retention-rules';
import type {
  CreateRetentionPolicyDto,
  EditRetentionPolicyDto,
  ErasureRequestDto,
  RetireRetentionPolicyDto,
} from './retention.dto';
import {
  ErasureRequest,
  LegalHold,
  OPEN_ERASURE_STATUSES,
  PurgeReceipt,
  RetentionPolicy,
  RetentionPolicyChange,
  type ErasureStatus,
} from './retention.entity';
import { PurgeService, type ErasureOutcome } from './purge.service';
import { RetentionRepository } from './retention.repository';
import {
  ErasureRequestView,
  LegalHoldView,
  ReceiptView,
  RetentionChangeDetailView,
  RetentionChangeView,
  RetentionPolicyView,
} from './retention.views';
export { RetentionPolicyView, LegalHoldView, ReceiptView };

const DAY_MS = 86_400_000;
/** Far enough to plan every due date a policy can produce (100 years after any claim of this century). */
const FAR_HORIZON = new Date('2200-01-01T00:00:00Z');
/** Impact items listed with a change (the total is always given). */
const IMPACT_LIST_LIMIT = 200;

function policyView(policy: RetentionPolicy): RetentionPolicyView {
  return {
    ...policy,
    createdAt: policy.createdAt.toISOString(),
    effectiveFrom: policy.effectiveFrom.toISOString(),
    effectiveUntil: policy.effectiveUntil ? policy.effectiveUntil.toISOString() : null,
  };
}

function holdView(hold: LegalHold, claimNumber: string | null): LegalHoldView {
  return {
    ...hold,
    claimNumber,
    placedAt: hold.placedAt.toISOString(),
    releasedAt: hold.releasedAt ? hold.releasedAt.toISOString() : null,
  };
}

function receiptView(receipt: PurgeReceipt): ReceiptView {
  return { ...receipt, purgedAt: receipt.purgedAt.toISOString() };
}

function changeView(change: RetentionPolicyChange): RetentionChangeView {
  return {
    ...change,
    effectiveFrom: change.effectiveFrom.toISOString(),
    proposedAt: change.proposedAt.toISOString(),
    decidedAt: change.decidedAt ? change.decidedAt.toISOString() : null,
  };
}

function ruleOf(policy: RetentionPolicy): PolicyRule {
  return {
    id: policy.id,
    dataClass: policy.dataClass,
    lineOfBusiness: policy.lineOfBusiness,
    jurisdiction: policy.jurisdiction,
    periodDays: policy.periodDays,
    trigger: policy.trigger,
    action: policy.action,
  };
}

/** The rule a change proposes (null: it retires the policy). */
function proposedRule(
  change: Pick<
    RetentionPolicyChange,
    'kind' | 'dataClass' | 'lineOfBusiness' | 'jurisdiction' | 'periodDays' | 'trigger' | 'action'
  >,
): PolicyRule | null {
  if (change.kind === 'retire') return null;
  return {
    id: 'proposed',
    dataClass: change.dataClass!,
    lineOfBusiness: change.lineOfBusiness,
    jurisdiction: change.jurisdiction,
    periodDays: change.periodDays!,
    trigger: change.trigger!,
    action: change.action!,
  };
}

/**
 * Retention policies (versioned, with approval of changes that shorten retention), legal holds and the
 * compliance read models (upcoming purges, receipts, erasure requests). src/retention/README.md.
 */
@Injectable()
export class RetentionService {
  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly purge: PurgeService,
    private readonly retention: RetentionRepository,
    private readonly claims: ClaimsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private get noticeDays(): number {
    return this.config.retention.changeNoticeDays;
  }

  async listPolicies(): Promise<RetentionPolicyView[]> {
    const policies = await this.retention.listPolicies();
    return policies.map(policyView);
  }

  /** A new policy: applied at once unless it makes data deletable sooner than the notice (then a proposal). */
  createPolicy(
    context: AuditContext,
    proposedBy: string,
    input: CreateRetentionPolicyDto,
  ): Promise<RetentionChangeView> {
    return this.propose(context, proposedBy, null, {
      kind: 'create',
      dataClass: input.dataClass,
      lineOfBusiness: input.lineOfBusiness ?? null,
      jurisdiction: input.jurisdiction ?? null,
      periodDays: input.periodDays,
      trigger: input.trigger,
      action: input.action,
      effectiveFrom: input.effectiveFrom ? new Date(input.effectiveFrom) : null,
      reason: input.reason ?? null,
    });
  }

  /** A new version of a policy (its data class stays); fields not given keep their value. */
  async editPolicy(
    context: AuditContext,
    proposedBy: string,
    policyKey: string,
    input: EditRetentionPolicyDto,
  ): Promise<RetentionChangeView> {
    const base = await this.currentVersion(policyKey);
    return this.propose(context, proposedBy, base, {
      kind: 'edit',
      dataClass: base.dataClass,
      lineOfBusiness: input.lineOfBusiness === undefined ? base.lineOfBusiness : input.lineOfBusiness,
      jurisdiction: input.jurisdiction === undefined ? base.jurisdiction : input.jurisdiction,
      periodDays: input.periodDays ?? base.periodDays,
      trigger: input.trigger ?? base.trigger,
      action: input.action ?? base.action,
      effectiveFrom: input.effectiveFrom ? new Date(input.effectiveFrom) : null,
      reason: input.reason ?? null,
    });
  }

  async retirePolicy(
    context: AuditContext,
    proposedBy: string,
    policyKey: string,
    input: RetireRetentionPolicyDto,
  ): Promise<RetentionChangeView> {
    const base = await this.currentVersion(policyKey);
    return this.propose(context, proposedBy, base, {
      kind: 'retire',
      dataClass: base.dataClass,
      lineOfBusiness: null,
      jurisdiction: null,
      periodDays: null,
      trigger: null,
      action: null,
      effectiveFrom: input.effectiveFrom ? new Date(input.effectiveFrom) : null,
      reason: input.reason,
    });
  }

  private async currentVersion(policyKey: string): Promise<RetentionPolicy> {
    const base = isUuid(policyKey) ? await this.retention.openVersion(policyKey) : null;
    if (!base) throw new NotFoundException('Retention policy not found (or already retired)');
    return base;
  }

  /**
   * Classifies a change (src/retention/README.md, "Policy lifecycle"): one that shortens retention or
   * would purge current data sooner than the notice waits for a second officer (`pending`); any other
   * is applied now (`applied`), in force from the requested date (default now). Audited either way.
   */
  private async propose(
    context: AuditContext,
    proposedBy: string,
    base: RetentionPolicy | null,
    fields: Pick<
      RetentionPolicyChange,
      'kind' | 'dataClass' | 'lineOfBusiness' | 'jurisdiction' | 'periodDays' | 'trigger' | 'action' | 'reason'
    > & { effectiveFrom: Date | null },
  ): Promise<RetentionChangeView> {
    const now = this.clock.now();
    if (fields.effectiveFrom && fields.effectiveFrom.getTime() < now.getTime() - 60_000)
      throw new BadRequestException('effectiveFrom must not lie in the past');
    const after = proposedRule(fields);
    const reasons: string[] = shorteningReasons(base ? ruleOf(base) : null, after, this.noticeDays);
    const impact = await this.impactOf(base?.id ?? null, after, fields.effectiveFrom ?? now);
    if (purgesWithinNotice(impact, now, this.noticeDays) && !reasons.includes('deletes_within_notice'))
      reasons.push('deletes_within_notice');
    const needsApproval = reasons.length > 0;
    const change = await this.audit.run(context, async (tx) => {
      if (base) {
        const open = await this.retention.openVersion(base.policyKey, tx.manager);
        if (open?.id !== base.id) throw new ConflictException('the policy changed meanwhile: reload and try again');
      }
      const inserted = await this.retention.insertChange(tx.manager, {
        ...fields,
        policyKey: base?.policyKey ?? randomUUID(),
        basePolicyId: base?.id ?? null,
        effectiveFrom: fields.effectiveFrom ?? now,
        shortening: reasons,
        status: 'pending',
        proposedBy,
        proposedAt: now,
        decidedBy: null,
        decidedAt: null,
        decisionNote: null,
        policyId: null,
      });
      if (needsApproval) {
        tx.record({
          action: 'retention.change_proposed',
          resourceType: 'RetentionPolicy',
          resourceId: inserted.policyKey,
          details: {
            changeId: inserted.id,
            kind: inserted.kind,
            basePolicyId: inserted.basePolicyId,
            shortening: reasons,
            proposed: after,
            affectedNow: impact.length,
          },
        });
        return inserted;
      }
      return this.apply(tx, inserted, base, effectiveDate(fields.effectiveFrom, now, false, this.noticeDays), null);
    });
    return changeView(change);
  }

  /**
   * Writes the change: a create inserts version 1, an edit ends the base version at `effectiveFrom`
   * and inserts the next one, a retire ends the base version. Records the event of what happened.
   */
  private async apply(
    tx: AuditedTransaction,
    change: RetentionPolicyChange,
    base: RetentionPolicy | null,
    effectiveFrom: Date,
    approvedBy: string | null,
  ): Promise<RetentionPolicyChange> {
    const from = base && base.effectiveFrom.getTime() > effectiveFrom.getTime() ? base.effectiveFrom : effectiveFrom;
    let policy: RetentionPolicy | null = null;
    if (base)
      await this.retention.endVersion(tx.manager, base.id, from, change.kind === 'retire' ? 'retired' : 'superseded');
    if (change.kind !== 'retire') {
      policy = await this.retention.insertPolicy(tx.manager, {
        dataClass: change.dataClass!,
        lineOfBusiness: change.lineOfBusiness,
        jurisdiction: change.jurisdiction,
        periodDays: change.periodDays!,
        trigger: change.trigger!,
        action: change.action!,
        createdBy: change.proposedBy,
        policyKey: change.policyKey,
        version: base ? base.version + 1 : 1,
        effectiveFrom: from,
        changeId: change.id,
        // A new policy's first version has the policy's key as its id (as policies from before versioning do).
        ...(base ? {} : { id: change.policyKey }),
      });
    }
    change.status = 'applied';
    change.effectiveFrom = from;
    change.policyId = policy?.id ?? base?.id ?? null;
    if (approvedBy) {
      change.decidedBy = approvedBy;
      change.decidedAt = this.clock.now();
    }
    await this.retention.saveChange(tx.manager, change);
    const details = {
      changeId: change.id,
      version: policy?.version ?? base?.version ?? null,
      effectiveFrom: from.toISOString(),
      approvedBy,
      ...(policy
        ? {
            dataClass: policy.dataClass,
            lineOfBusiness: policy.lineOfBusiness,
            jurisdiction: policy.jurisdiction,
            periodDays: policy.periodDays,
            trigger: policy.trigger,
            action: policy.action,
          }
        : {}),
      ...(base
        ? { before: { policyId: base.id, periodDays: base.periodDays, trigger: base.trigger, action: base.action } }
        : {}),
    };
    tx.record({
      action:
        change.kind === 'create'
          ? 'retention.policy_created'
          : change.kind === 'edit'
            ? 'retention.policy_changed'
            : 'retention.policy_retired',
      resourceType: 'RetentionPolicy',
      resourceId: change.policyKey,
      details,
    });
    return change;
  }

  /**
   * The dry run of a change against current data: what the rules in force now would do, and what they
   * would do with the base version replaced by the proposed rule (both planned to a far horizon);
   * the difference, each item purged at its due date but not before the change takes effect.
   */
  private async impactOf(
    basePolicyId: string | null,
    after: PolicyRule | null,
    effectiveFrom: Date,
  ): Promise<ImpactItem[]> {
    const current = await this.purge.activePolicies(this.clock.now());
    const changed = [...current.filter((rule) => rule.id !== basePolicyId), ...(after ? [after] : [])];
    const [before, planned] = await Promise.all([
      this.purge.planWith(current, FAR_HORIZON),
      this.purge.planWith(changed, FAR_HORIZON),
    ]);
    return changeImpact(before, planned, effectiveFrom);
  }

  async listChanges(status: 'pending' | 'all'): Promise<RetentionChangeView[]> {
    return (await this.retention.listChanges(status)).map(changeView);
  }

  /** A change with its dry run: what it would purge of current data and when, were it approved now. */
  async getChange(id: string): Promise<RetentionChangeDetailView> {
    const change = isUuid(id) ? await this.retention.findChange(id) : null;
    if (!change) throw new NotFoundException('Retention change not found');
    const now = this.clock.now();
    const effectiveFrom =
      change.status === 'pending'
        ? effectiveDate(change.effectiveFrom, now, change.shortening.length > 0, this.noticeDays)
        : change.effectiveFrom;
    const impact =
      change.status === 'pending' ? await this.impactOf(change.basePolicyId, proposedRule(change), effectiveFrom) : [];
    const claimNumbers = await this.claims.referencesOf([
      ...new Set(impact.slice(0, IMPACT_LIST_LIMIT).map((i) => i.claimId)),
    ]);
    const base = change.basePolicyId ? await this.retention.findPolicy(change.basePolicyId) : null;
    return {
      ...changeView(change),
      base: base ? policyView(base) : null,
      effectiveIfApprovedNow: effectiveFrom.toISOString(),
      noticeDays: this.noticeDays,
      impact: {
        total: impact.length,
        claims: new Set(impact.map((item) => item.claimId)).size,
        items: impact
          .slice(0, IMPACT_LIST_LIMIT)
          .map((item) => ({ ...item, claimNumber: claimNumbers.get(item.claimId)?.externalReference ?? null })),
      },
    };
  }

  /**
   * Approves a pending change: only a compliance officer other than the proposer (CASL: nobody may
   * approve their own change; 403). It takes effect at the requested date, but never before approval + notice.
   */
  async approveChange(
    context: AuditContext,
    ability: AppAbility,
    approvedBy: string,
    id: string,
    note: string | undefined,
  ): Promise<RetentionChangeView> {
    const found = isUuid(id) ? await this.retention.findChange(id) : null;
    if (!found) throw new NotFoundException('Retention change not found');
    if (!ability.can('approve', subject('RetentionChange', { ...found }))) {
      await this.audit.record(context, {
        action: 'access.denied',
        resourceType: 'RetentionPolicyChange',
        resourceId: found.id,
        details: { reason: 'own_change', status: 403, policyAction: 'approve' },
      });
      throw new ForbiddenException('a retention change needs a second compliance officer: you proposed this one');
    }
    const change = await this.audit.run(context, async (tx) => {
      const locked = await this.retention.findChange(id, tx.manager);
      if (!locked || locked.status !== 'pending')
        throw new ConflictException(`the change is ${locked?.status ?? 'gone'}`);
      let base: RetentionPolicy | null = null;
      if (locked.basePolicyId) {
        base = await this.retention.openVersion(locked.policyKey, tx.manager);
        if (base?.id !== locked.basePolicyId)
          throw new ConflictException('the policy changed since this proposal: reject it and propose again');
      }
      locked.decisionNote = note ?? null;
      const effective = effectiveDate(locked.effectiveFrom, this.clock.now(), true, this.noticeDays);
      tx.record({
        action: 'retention.change_approved',
        resourceType: 'RetentionPolicy',
        resourceId: locked.policyKey,
        details: {
          changeId: locked.id,
          proposedBy: locked.proposedBy,
          effectiveFrom: effective.toISOString(),
          note: note ?? null,
        },
      });
      return this.apply(tx, locked, base, effective, approvedBy);
    });
    return changeView(change);
  }

  /** Rejects a pending change (its proposer may withdraw it the same way). */
  async rejectChange(context: AuditContext, decidedBy: string, id: string, note: string): Promise<RetentionChangeView> {
    if (!isUuid(id)) throw new NotFoundException('Retention change not found');
    return changeView(
      await this.audit.run(context, async (tx) => {
        const change = await this.retention.findChange(id, tx.manager);
        if (!change) throw new NotFoundException('Retention change not found');
        if (change.status !== 'pending') throw new ConflictException(`the change is ${change.status}`);
        change.status = 'rejected';
        change.decidedBy = decidedBy;
        change.decidedAt = this.clock.now();
        change.decisionNote = note;
        await this.retention.saveChange(tx.manager, change);
        tx.record({
          action: 'retention.change_rejected',
          resourceType: 'RetentionPolicy',
          resourceId: change.policyKey,
          details: { changeId: change.id, note },
        });
        return change;
      }),
    );
  }

  /**
   * Resolves what people know of a claim: its id, or its claim number (`externalReference`, shown as
   * "Claim …" in the client). 404 when nothing matches, 409 when a number names several claims.
   */
  async resolveClaim(claim: string): Promise<string> {
    const text = claim.trim();
    if (isUuid(text)) return text;
    const found = await this.claims.findByReference(text);
    if (found.length === 0) throw new NotFoundException(`no claim has the number ${text}`);
    if (found.length > 1)
      throw new ConflictException(`${found.length} claims have the number ${text}: place the hold by claim id`);
    return found[0].id;
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
  private async changeHold(
    context: AuditContext,
    claimId: string,
    action: 'legal_hold.placed' | 'legal_hold.released',
    reason: string,
    change: (tx: AuditedTransaction, claim: { legal_hold: boolean }) => Promise<LegalHold>,
  ): Promise<LegalHoldView> {
    const hold = await this.audit.run(context, async (tx) => {
      const claim = isUuid(claimId) ? await this.claims.lockHoldState(tx.manager, claimId) : undefined;
      if (!claim) throw new NotFoundException('Claim not found');
      const changed = await change(tx, claim);
      await this.claims.setLegalHold(tx.manager, claimId, action === 'legal_hold.placed');
      tx.record({ action, resourceType: 'Claim', resourceId: claimId, details: { holdId: changed.id, reason } });
      return changed;
    });
    const numbers = await this.claims.referencesOf([claimId]);
    return holdView(hold, numbers.get(claimId)?.externalReference ?? null);
  }

  async listHolds(status: 'active' | 'released' | 'all' = 'active'): Promise<LegalHoldView[]> {
    const holds = await this.retention.listHolds(status);
    const numbers = await this.claims.referencesOf([...new Set(holds.map((hold) => hold.claimId))]);
    return holds.map((hold) => holdView(hold, numbers.get(hold.claimId)?.externalReference ?? null));
  }

  /**
   * What falls due within `days` (already due included), under the versions in force when it falls due — an
   * approved change that takes effect within the window counts from then; held claims are listed marked,
   * never purged.
   */
  async upcoming(
    days: number,
  ): Promise<{ asOf: string; until: string; items: Array<PurgeItem & { legalHold: boolean }> }> {
    const now = this.clock.now();
    const until = new Date(now.getTime() + days * DAY_MS);
    return { asOf: now.toISOString(), until: until.toISOString(), items: await this.purge.planUntil(until, true) };
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

  /** Registers (and unless `execute: false`, carries out) an erasure request; due ERASURE_DUE_DAYS after receipt. */
  erase(context: AuditContext, requestedBy: string, input: ErasureRequestDto): Promise<ErasureOutcome> {
    const receivedAt = input.receivedAt ? new Date(input.receivedAt) : undefined;
    if (receivedAt && receivedAt.getTime() > this.clock.now().getTime() + 60_000)
      throw new BadRequestException('receivedAt must not lie in the future');
    return this.purge.erase(context, requestedBy, input.claimantRef, {
      receivedAt,
      dueDays: this.config.retention.erasureDueDays,
      execute: input.execute,
    });
  }

  /** Carries out a registered request (received, in progress, or interrupted); 409 once answered. */
  async executeErasure(context: AuditContext, id: string): Promise<ErasureOutcome> {
    const request = isUuid(id) ? await this.retention.findErasureRequest(id) : null;
    if (!request) throw new NotFoundException('Erasure request not found');
    if (!OPEN_ERASURE_STATUSES.includes(request.status as ErasureStatus))
      throw new ConflictException(`the request is already ${request.status}`);
    await this.setStatus(context, request.id, 'in_progress', null);
    return this.purge.carryOut(context, request.id, request.claimantRef);
  }

  /** Marks an open request in progress, or rejects it (a reason is required: it is the answer to the data subject). */
  async changeErasureStatus(
    context: AuditContext,
    id: string,
    status: 'in_progress' | 'rejected',
    reason: string | undefined,
  ): Promise<ErasureRequestView> {
    if (status === 'rejected' && !reason?.trim())
      throw new BadRequestException('reason is required to reject a request');
    if (!isUuid(id)) throw new NotFoundException('Erasure request not found');
    await this.setStatus(context, id, status, status === 'rejected' ? reason!.trim() : null);
    const [view] = await this.erasureViews([(await this.retention.findErasureRequest(id))!]);
    return view;
  }

  private async setStatus(
    context: AuditContext,
    id: string,
    status: ErasureStatus,
    reason: string | null,
  ): Promise<void> {
    await this.audit.run(context, async (tx) => {
      const request = await this.retention.findErasureRequest(id, tx.manager as Tx);
      if (!request) throw new NotFoundException('Erasure request not found');
      if (!OPEN_ERASURE_STATUSES.includes(request.status as ErasureStatus))
        throw new ConflictException(`the request is already ${request.status}`);
      if (request.status === status) return;
      await this.retention.setErasureStatus(tx.manager, id, status, reason);
      tx.record({
        action: status === 'rejected' ? 'erasure.rejected' : 'erasure.status_changed',
        resourceType: 'ErasureRequest',
        resourceId: id,
        details: { from: request.status, to: status, ...(reason ? { reason } : {}) },
      });
    });
  }

  /** Erasure requests, newest first; `overdue`: open requests past their due date, most overdue first. */
  async listErasureRequests(overdue = false): Promise<ErasureRequestView[]> {
    const rows = await this.retention.listErasureRequests(500, overdue ? this.clock.now() : undefined);
    return this.erasureViews(rows);
  }

  private async erasureViews(rows: ErasureRequest[]): Promise<ErasureRequestView[]> {
    const now = this.clock.now().getTime();
    const claims = await this.claims.claimsOfClaimants([...new Set(rows.map((row) => row.claimantRef))]);
    return rows.map((row) => {
      const open = OPEN_ERASURE_STATUSES.includes(row.status as ErasureStatus);
      return {
        ...row,
        requestedAt: row.requestedAt.toISOString(),
        completedAt: row.completedAt ? row.completedAt.toISOString() : null,
        receivedAt: row.receivedAt.toISOString(),
        dueAt: row.dueAt.toISOString(),
        open,
        overdue: open && row.dueAt.getTime() < now,
        claims: claims
          .filter((claim) => claim.claimant_ref === row.claimantRef)
          .map((claim) => ({ claimId: claim.id, claimNumber: claim.external_reference })),
      };
    });
  }
}
