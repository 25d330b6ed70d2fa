import { Inject, Injectable, Logger } from '@nestjs/common';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { ClaimsRepository, type ClaimRetentionFactsRow } from '../claims/claims.repository';
import { Clock } from '../common/clock';
import { TransactionRunner, type Tx } from '../database/transaction-runner';
import { BLOB_STORE, photoBlobKey, type BlobStore } from '../evidence/blob-store';
import { PhotosRepository } from '../claims/photos.repository';
import { GovernanceRepository } from '../governance/governance.repository';
import { ChecksRepository } from '../validation/checks.repository';
import {
  bindingDuty,
  planClaim,
  resolveClaim,
  mergeSegmentPlans,
  sortItems,
  type ClaimFacts,
  type PolicyRule,
  type PurgeItem,
} from './retention-rules';
import { DATA_CLASSES, type DataClass } from './retention.entity';
import { RetentionRepository } from './retention.repository';
import { WebhookOutbox } from '../webhooks/webhook-outbox';
import { WebhookEventsRepository } from '../webhooks/webhook-events.repository';
import { RunResult, ErasureOutcome } from './retention.views';
export { RunResult, ErasureOutcome };

/** The steps of purging one claim, in order; each commits (or is idempotent) before the next starts. */
export type PurgeStep = 'keys_shredded' | 'blobs_deleted' | 'rows_purged';

/**
 * Test seam (no environment switch): called after each step of each claim. A hook that throws stops
 * the run right there, exactly as a killed process would: what committed stays, nothing after runs.
 */
export type PurgeStepHook = (step: PurgeStep, claimId: string) => void | Promise<void>;

const PHOTO_VARIANTS = { original_photos: ['original'], derived_images: ['preview', 'thumbnail'] } as const;
const PURGE_RUN_LOCK = 7_204_312;
const PAGE = 500;
/** What a claim's description becomes when its claim record is redacted. */
export const REDACTED_DESCRIPTION = '[redacted under retention policy]';

function facts(row: ClaimRetentionFactsRow): ClaimFacts {
  return {
    claimId: row.id,
    lineOfBusiness: row.line_of_business,
    jurisdiction: row.jurisdiction,
    createdAt: new Date(row.created_at),
    closedAt: row.closed_at ? new Date(row.closed_at) : null,
    legalHold: row.legal_hold,
  };
}

/**
 * Plans and executes purges (retention runs and erasure requests). Per claim the steps are:
 * 1. crypto-shred the photos' data keys (one audited transaction), 2. delete the blobs (idempotent),
 * 3. change or delete the rows and write the purge receipts with their audit events (one transaction).
 * The receipt is the "done" marker: a class without one is planned again by the next run, whose
 * steps 1 and 2 are then no-ops for what already happened.
 */
@Injectable()
export class PurgeService {
  private readonly logger = new Logger(PurgeService.name);
  /** See PurgeStepHook. */
  stepHook: PurgeStepHook | undefined;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
    private readonly retention: RetentionRepository,
    private readonly claims: ClaimsRepository,
    private readonly photos: PhotosRepository,
    private readonly checks: ChecksRepository,
    private readonly webhooks: WebhookOutbox,
    private readonly webhookEvents: WebhookEventsRepository,
    private readonly governance: GovernanceRepository,
  ) {}

  /** The policy versions in force at `at` (a purge uses the version effective at its time). */
  activePolicies(at: Date, tx?: Tx): Promise<PolicyRule[]> {
    return this.retention.activePolicies(at, tx);
  }

  /**
   * Everything due by `horizon` that has no receipt yet, claim by claim in pages, under the policy
   * versions in force at `policiesAt` (default: now). Held claims are left out unless `includeHeld`
   * (the upcoming list shows them marked).
   */
  async plan(
    horizon: Date,
    includeHeld = false,
    policiesAt: Date = this.clock.now(),
  ): Promise<Array<PurgeItem & { legalHold: boolean }>> {
    return this.planWith(await this.activePolicies(policiesAt), horizon, includeHeld);
  }

  /**
   * What falls due between now and `until` under the versions in force at each moment — approved future
   * versions included from when they take effect (mergeSegmentPlans): the period is cut where the versions in
   * force change, and each part planned with its own.
   */
  async planUntil(until: Date, includeHeld = false): Promise<Array<PurgeItem & { legalHold: boolean }>> {
    const now = this.clock.now();
    const cuts = [now, ...(await this.retention.ruleChangesBetween(now, until))];
    const segments: Array<{ from: Date; items: Array<PurgeItem & { legalHold: boolean }> }> = [];
    for (const [index, from] of cuts.entries()) {
      const to = index + 1 < cuts.length ? new Date(cuts[index + 1].getTime() - 1) : until;
      segments.push({ from, items: await this.planWith(await this.activePolicies(from), to, includeHeld) });
    }
    return mergeSegmentPlans(segments);
  }

  /** `plan` with the given rules: also the dry run of a proposed retention change against current data. */
  async planWith(
    policies: readonly PolicyRule[],
    horizon: Date,
    includeHeld = false,
  ): Promise<Array<PurgeItem & { legalHold: boolean }>> {
    if (policies.length === 0) return [];
    const items: Array<PurgeItem & { legalHold: boolean }> = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = await this.claims.retentionFactsPage(after, PAGE);
      for (const row of rows) {
        if (row.legal_hold && !includeHeld) continue;
        const purged = new Set(row.purged as DataClass[]);
        if (purged.size === DATA_CLASSES.length) continue;
        for (const item of planClaim(policies, facts(row), purged, horizon))
          items.push({ ...item, legalHold: row.legal_hold });
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1].id;
    }
    return sortItems(items);
  }

  /**
   * A retention run at the clock's now. A dry run plans and returns; a real run plans the same way
   * (the same function, the same time) and purges exactly those items. One real run at a time
   * (a session advisory lock); another that starts meanwhile returns `already_running`.
   */
  async run(context: AuditContext, options: { dryRun: boolean }): Promise<RunResult> {
    const asOf = this.clock.now();
    if (options.dryRun) {
      const items = (await this.plan(asOf, false, asOf)).map(strip);
      return { dryRun: true, asOf: asOf.toISOString(), items, skipped: [], status: 'dry_run' };
    }
    const locked = await this.transactions.withSessionLock(PURGE_RUN_LOCK, async (): Promise<RunResult> => {
      const items = (await this.plan(asOf, false, asOf)).map(strip);
      const skipped: RunResult['skipped'] = [];
      const byClaim = new Map<string, PurgeItem[]>();
      for (const item of items) byClaim.set(item.claimId, [...(byClaim.get(item.claimId) ?? []), item]);
      for (const [claimId, claimItems] of byClaim) {
        const outcome = await this.purgeClaim(context, claimId, claimItems, null, asOf);
        if (outcome !== 'done') skipped.push({ claimId, reason: outcome });
      }
      await this.audit.record(context, {
        action: 'retention.run_completed',
        resourceType: 'RetentionRun',
        details: { asOf: asOf.toISOString(), items: items.length, claims: byClaim.size, skipped },
      });
      this.logger.log(
        { items: items.length, claims: byClaim.size, skipped: skipped.length },
        'retention run completed',
      );
      return { dryRun: false, asOf: asOf.toISOString(), items, skipped, status: 'completed' };
    });
    return (
      locked?.value ?? { dryRun: false, asOf: asOf.toISOString(), items: [], skipped: [], status: 'already_running' }
    );
  }

  /**
   * Purges `items` (classes of one claim). Idempotent and resumable: classes with a receipt are done;
   * shredding only touches keys still present; deleting a missing blob is no error.
   */
  async purgeClaim(
    context: AuditContext,
    claimId: string,
    items: readonly PurgeItem[],
    erasureRequestId: string | null,
    at: Date,
  ): Promise<'done' | 'legal_hold' | 'claim_gone'> {
    const receipted = await this.retention.receiptedClasses(claimId);
    const pending = items.filter((item) => !receipted.has(item.dataClass));
    if (pending.length === 0) return 'done';
    const deletesClaim = pending.some((item) => item.dataClass === 'claim_records' && item.action === 'delete');
    const photoClassesGone = new Set<DataClass>([...receipted, ...pending.map((item) => item.dataClass)]);
    // One data key seals every variant of a photo: it is destroyed once no photo class may stay.
    const shred = deletesClaim || (photoClassesGone.has('original_photos') && photoClassesGone.has('derived_images'));

    // Step 1: crypto-shredding, under the claim's row lock (a hold placed concurrently wins or waits).
    if (shred) {
      const state = await this.audit.run(context, async (tx) => {
        const claim = await this.claims.lockHoldState(tx.manager, claimId);
        if (!claim) return 'claim_gone' as const;
        if (claim.legal_hold) return 'legal_hold' as const;
        const shredded: string[] = [];
        for (const photoId of await this.photos.idsWithDataKey(claimId, tx.manager))
          if (await this.photos.shredDataKey(tx.manager, photoId, at)) shredded.push(photoId);
        if (shredded.length > 0) {
          tx.record({
            action: 'retention.keys_shredded',
            resourceType: 'Claim',
            resourceId: claimId,
            details: { photoIds: shredded, dataClasses: pending.map((item) => item.dataClass), erasureRequestId },
          });
        }
        return 'ok' as const;
      });
      if (state !== 'ok') return state;
    }
    await this.stepHook?.('keys_shredded', claimId);

    // Step 2: the blobs (idempotent; a blob store is not transactional, so this sits between two commits).
    const claim = await this.claims.holdState(claimId);
    if (!claim) return 'claim_gone';
    if (claim.legal_hold) return 'legal_hold'; // a hold placed after step 1: stop here, the next run after release finishes
    const variants = new Set<string>();
    for (const item of pending) {
      if (deletesClaim || shred) ['original', 'preview', 'thumbnail'].forEach((variant) => variants.add(variant));
      else if (item.dataClass === 'original_photos' || item.dataClass === 'derived_images')
        PHOTO_VARIANTS[item.dataClass].forEach((variant) => variants.add(variant));
    }
    const photos = await this.photos.idsOfClaim(claimId);
    for (const photoId of photos) {
      for (const variant of variants)
        await this.blobs.delete(photoBlobKey(claimId, photoId, variant as 'original' | 'preview' | 'thumbnail'));
    }
    await this.stepHook?.('blobs_deleted', claimId);

    // Step 3: rows and receipts, with their audit events, in one transaction.
    const state = await this.audit.run(context, async (tx) => {
      const locked = await this.claims.lockHoldState(tx.manager, claimId);
      if (!locked) return 'claim_gone' as const;
      if (locked.legal_hold) return 'legal_hold' as const;
      const done = await this.retention.receiptedClasses(claimId, tx.manager);
      const todo = pending
        .filter((item) => !done.has(item.dataClass))
        .sort((a, b) => Number(a.dataClass === 'claim_records') - Number(b.dataClass === 'claim_records'));
      // Announced before the rows go (the claim record may be deleted): in this transaction, so only if they do.
      if (todo.length > 0)
        await this.webhooks.emit(tx, claimId, 'claim.purged', { dataClasses: todo.map((item) => item.dataClass) });
      for (const item of todo) {
        await this.purgeRows(tx.manager, claimId, item);
        const receiptId = await this.retention.insertReceipt(tx.manager, {
          claimId,
          dataClass: item.dataClass,
          policyId: item.policyId,
          erasureRequestId,
          purgedAt: at,
          details: {
            action: item.action,
            dueAt: item.dueAt,
            photoCount: photos.length,
            keysShredded: shred,
            blobVariantsDeleted: [...variants].sort(),
          },
        });
        if (!receiptId) continue;
        tx.record({
          action: 'retention.purged',
          resourceType: 'Claim',
          resourceId: claimId,
          details: {
            receiptId,
            dataClass: item.dataClass,
            action: item.action,
            policyId: item.policyId,
            erasureRequestId,
            photoCount: photos.length,
            keysShredded: shred,
          },
        });
      }
      return 'done' as const;
    });
    if (state === 'done') await this.stepHook?.('rows_purged', claimId);
    return state;
  }

  /**
   * Registers a data subject's erasure request (received at `receivedAt`, due `dueDays` later) and,
   * unless `execute` is false, carries it out at once (`execute`). A registered request waits as
   * `received` (or `in_progress` once someone works on it) and shows on the overdue list after its due date.
   */
  async erase(
    context: AuditContext,
    requestedBy: string,
    claimantRef: string,
    options: { receivedAt?: Date; dueDays: number; execute?: boolean } = { dueDays: 30 },
  ): Promise<ErasureOutcome> {
    const requestedAt = this.clock.now();
    const receivedAt = options.receivedAt ?? requestedAt;
    const dueAt = new Date(receivedAt.getTime() + options.dueDays * 86_400_000);
    const execute = options.execute !== false;
    const requestId = await this.audit.run(context, async (tx) => {
      const id = await this.retention.insertErasureRequest(tx.manager, {
        claimantRef,
        requestedBy,
        requestedAt,
        receivedAt,
        dueAt,
        status: execute ? 'in_progress' : 'received',
      });
      tx.record({
        action: 'erasure.requested',
        resourceType: 'ErasureRequest',
        resourceId: id,
        details: { receivedAt: receivedAt.toISOString(), dueAt: dueAt.toISOString() },
      });
      return id;
    });
    if (!execute)
      return {
        id: requestId,
        status: 'received',
        requestedAt: requestedAt.toISOString(),
        completedAt: null,
        claims: [],
      };
    return this.carryOut(context, requestId, claimantRef, requestedAt);
  }

  /**
   * A data subject's erasure request: for every claim of `claimantRef`, each class of personal data
   * is erased unless a legal hold or a binding retention duty (keep policy) applies, and the answer
   * says which applies. Photo classes and EXIF/GPS and embeddings are deleted; the claim record is
   * redacted (claimant reference and description), since the claim itself is the insurer's record.
   */
  async carryOut(
    context: AuditContext,
    requestId: string,
    claimantRef: string,
    requestedAt: Date = this.clock.now(),
  ): Promise<ErasureOutcome> {
    const policies = await this.activePolicies(requestedAt);
    const rows = await this.claims.retentionFactsOfClaimant(claimantRef);
    const outcome: ErasureOutcome['claims'] = [];
    for (const row of rows) {
      const claim = facts(row);
      const receipted = await this.retention.receiptedClasses(claim.claimId);
      const entry: ErasureOutcome['claims'][number] = {
        claimId: claim.claimId,
        erased: [],
        alreadyPurged: [],
        retained: [],
      };
      outcome.push(entry);
      if (claim.legalHold) {
        for (const dataClass of DATA_CLASSES) {
          if (receipted.has(dataClass)) entry.alreadyPurged.push(dataClass);
          else
            entry.retained.push({ dataClass, reason: 'legal_hold', ...(row.hold_id ? { holdId: row.hold_id } : {}) });
        }
        continue;
      }
      const rules = resolveClaim(policies, claim);
      const items: PurgeItem[] = [];
      for (const dataClass of DATA_CLASSES) {
        if (receipted.has(dataClass)) {
          entry.alreadyPurged.push(dataClass);
          continue;
        }
        const duty = bindingDuty(rules.get(dataClass), requestedAt);
        if (duty) {
          entry.retained.push({
            dataClass,
            reason: 'retention_duty',
            policyId: duty.policyId,
            until: duty.until ? duty.until.toISOString() : null,
          });
          continue;
        }
        items.push({
          claimId: claim.claimId,
          dataClass,
          action: dataClass === 'claim_records' ? 'redact' : 'delete',
          policyId: null,
          dueAt: requestedAt.toISOString(),
        });
      }
      if (items.length === 0) continue;
      const state = await this.purgeClaim(context, claim.claimId, items, requestId, requestedAt);
      if (state === 'done') entry.erased.push(...items.map((item) => item.dataClass));
      else if (state === 'legal_hold')
        entry.retained.push(...items.map((item) => ({ dataClass: item.dataClass, reason: 'legal_hold' as const })));
    }

    const status: ErasureOutcome['status'] =
      rows.length === 0
        ? 'nothing_found'
        : outcome.some((claim) => claim.retained.length > 0)
          ? 'partially_completed'
          : 'completed';
    const completedAt = this.clock.now();
    await this.audit.run(context, async (tx) => {
      await this.retention.completeErasureRequest(tx.manager, requestId, status, completedAt, { claims: outcome });
      tx.record({
        action: 'erasure.completed',
        resourceType: 'ErasureRequest',
        resourceId: requestId,
        details: { status, claims: outcome },
      });
    });
    return {
      id: requestId,
      status,
      requestedAt: requestedAt.toISOString(),
      completedAt: completedAt.toISOString(),
      claims: outcome,
    };
  }

  /** Asks each owner to purge or redact its own rows of the claim for one data class. */
  private async purgeRows(tx: Tx, claimId: string, item: PurgeItem): Promise<void> {
    const action = item.action === 'delete' ? 'delete' : 'redact';
    switch (item.dataClass) {
      case 'original_photos':
      case 'derived_images':
        return; // keys and blobs went in steps 1 and 2; the photo row (hashes, sizes) stays until the claim record goes
      case 'exif_gps':
        return this.photos.purgeExifGps(tx, claimId, action);
      case 'embeddings_scores':
        await this.photos.purgeEmbeddings(tx, claimId);
        await this.governance.purgeScores(tx, claimId, action);
        return this.checks.purgeScores(tx, claimId, action);
      case 'claim_records':
        if (action === 'delete') {
          // Released holds go with the claim (their history is in the audit trail); photos, scoring runs,
          // checks, review tasks and decisions cascade.
          await this.retention.purgeHoldsOfClaim(tx, claimId);
          await this.claims.purge(tx, claimId);
        } else {
          await this.claims.redactPersonalData(tx, claimId, REDACTED_DESCRIPTION);
        }
        // Past webhook payloads may hold the message written for the claimant.
        await this.webhookEvents.redactPayloadsOfClaim(tx, claimId);
        return;
    }
  }
}

function strip(item: PurgeItem & { legalHold?: boolean }): PurgeItem {
  return {
    claimId: item.claimId,
    dataClass: item.dataClass,
    action: item.action,
    policyId: item.policyId,
    dueAt: item.dueAt,
  };
}
