import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { shredDataKey } from '../crypto/envelope-crypto';
import { BLOB_STORE, photoBlobKey, type BlobStore } from '../evidence/blob-store';
import {
  bindingDuty,
  planClaim,
  resolveClaim,
  sortItems,
  type ClaimFacts,
  type PolicyRule,
  type PurgeItem,
} from './retention-rules';
import { DATA_CLASSES, type DataClass } from './retention.entity';
import { RunResult, ErasureOutcome } from './retention.views';
export { RunResult, ErasureOutcome };

/** The steps of purging one claim, in order; each commits (or is idempotent) before the next starts. */
export type PurgeStep = 'keys_shredded' | 'blobs_deleted' | 'rows_purged';

/**
 * Test seam (no environment switch): called after each step of each claim. A hook that throws stops
 * the run right there, exactly as a killed process would: what committed stays, nothing after runs.
 */
export type PurgeStepHook = (step: PurgeStep, claimId: string) => void | Promise<void>;

interface ClaimFactsRow {
  id: string;
  created_at: Date;
  closed_at: Date | null;
  legal_hold: boolean;
  line_of_business: string;
  jurisdiction: string;
}

const PHOTO_VARIANTS = { original_photos: ['original'], derived_images: ['preview', 'thumbnail'] } as const;
const PURGE_RUN_LOCK = 7_204_312;
const PAGE = 500;
/** What a claim's description becomes when its claim record is redacted. */
export const REDACTED_DESCRIPTION = '[redacted under retention policy]';

function facts(row: ClaimFactsRow): ClaimFacts {
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
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(BLOB_STORE) private readonly blobs: BlobStore,
  ) {}

  async activePolicies(manager: EntityManager = this.dataSource.manager): Promise<PolicyRule[]> {
    const rows = (await manager.query(
      `SELECT id, data_class, line_of_business, jurisdiction, period_days, trigger, action FROM retention_policies WHERE active ORDER BY id`,
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

  /**
   * Everything due by `horizon` that has no receipt yet, claim by claim in pages. Held claims are
   * left out unless `includeHeld` (the upcoming list shows them marked).
   */
  async plan(horizon: Date, includeHeld = false): Promise<Array<PurgeItem & { legalHold: boolean }>> {
    const policies = await this.activePolicies();
    if (policies.length === 0) return [];
    const items: Array<PurgeItem & { legalHold: boolean }> = [];
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const rows = (await this.dataSource.query(
        `SELECT c.id, c.created_at, COALESCE(c.closed_at, c.decided_at) AS closed_at, c.legal_hold, p.line_of_business, p.jurisdiction,
                COALESCE((SELECT array_agg(r.data_class) FROM purge_receipts r WHERE r.claim_id = c.id), '{}') AS purged
           FROM claims c JOIN policies p ON p.id = c.policy_id
          WHERE c.id > $1 ORDER BY c.id LIMIT ${PAGE}`,
        [after],
      )) as Array<ClaimFactsRow & { purged: DataClass[] }>;
      for (const row of rows) {
        if (row.legal_hold && !includeHeld) continue;
        const purged = new Set(row.purged);
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
      const items = (await this.plan(asOf)).map(strip);
      return { dryRun: true, asOf: asOf.toISOString(), items, skipped: [], status: 'dry_run' };
    }
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [PURGE_RUN_LOCK])) as Array<{
        locked: boolean;
      }>;
      if (!lock.locked)
        return { dryRun: false, asOf: asOf.toISOString(), items: [], skipped: [], status: 'already_running' };
      try {
        const items = (await this.plan(asOf)).map(strip);
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
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [PURGE_RUN_LOCK]);
      }
    } finally {
      await runner.release();
    }
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
    const receipted = await this.receiptedClasses(this.dataSource.manager, claimId);
    const pending = items.filter((item) => !receipted.has(item.dataClass));
    if (pending.length === 0) return 'done';
    const deletesClaim = pending.some((item) => item.dataClass === 'claim_records' && item.action === 'delete');
    const photoClassesGone = new Set<DataClass>([...receipted, ...pending.map((item) => item.dataClass)]);
    // One data key seals every variant of a photo: it is destroyed once no photo class may stay.
    const shred = deletesClaim || (photoClassesGone.has('original_photos') && photoClassesGone.has('derived_images'));

    // Step 1: crypto-shredding, under the claim's row lock (a hold placed concurrently wins or waits).
    if (shred) {
      const state = await this.audit.run(context, async (tx) => {
        const claim = await this.lockClaim(tx.manager, claimId);
        if (!claim) return 'claim_gone' as const;
        if (claim.legal_hold) return 'legal_hold' as const;
        const photos = (await tx.manager.query(
          `SELECT id FROM photos WHERE claim_id = $1 AND wrapped_data_key IS NOT NULL ORDER BY id`,
          [claimId],
        )) as Array<{ id: string }>;
        const shredded: string[] = [];
        for (const photo of photos) if (await shredDataKey(tx.manager, photo.id, at)) shredded.push(photo.id);
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
    const [claim] = (await this.dataSource.query(`SELECT legal_hold FROM claims WHERE id = $1`, [claimId])) as Array<{
      legal_hold: boolean;
    }>;
    if (!claim) return 'claim_gone';
    if (claim.legal_hold) return 'legal_hold'; // a hold placed after step 1: stop here, the next run after release finishes
    const variants = new Set<string>();
    for (const item of pending) {
      if (deletesClaim || shred) ['original', 'preview', 'thumbnail'].forEach((variant) => variants.add(variant));
      else if (item.dataClass === 'original_photos' || item.dataClass === 'derived_images')
        PHOTO_VARIANTS[item.dataClass].forEach((variant) => variants.add(variant));
    }
    const photos = (await this.dataSource.query(`SELECT id FROM photos WHERE claim_id = $1 ORDER BY id`, [
      claimId,
    ])) as Array<{ id: string }>;
    for (const photo of photos) {
      for (const variant of variants)
        await this.blobs.delete(photoBlobKey(claimId, photo.id, variant as 'original' | 'preview' | 'thumbnail'));
    }
    await this.stepHook?.('blobs_deleted', claimId);

    // Step 3: rows and receipts, with their audit events, in one transaction.
    const state = await this.audit.run(context, async (tx) => {
      const locked = await this.lockClaim(tx.manager, claimId);
      if (!locked) return 'claim_gone' as const;
      if (locked.legal_hold) return 'legal_hold' as const;
      const done = await this.receiptedClasses(tx.manager, claimId);
      const todo = pending
        .filter((item) => !done.has(item.dataClass))
        .sort((a, b) => Number(a.dataClass === 'claim_records') - Number(b.dataClass === 'claim_records'));
      for (const item of todo) {
        await this.purgeRows(tx.manager, claimId, item);
        const [receipt] = (await tx.manager.query(
          `INSERT INTO purge_receipts (claim_id, data_class, policy_id, erasure_request_id, purged_at, details)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (claim_id, data_class) DO NOTHING RETURNING id`,
          [
            claimId,
            item.dataClass,
            item.policyId,
            erasureRequestId,
            at,
            JSON.stringify({
              action: item.action,
              dueAt: item.dueAt,
              photoCount: photos.length,
              keysShredded: shred,
              blobVariantsDeleted: [...variants].sort(),
            }),
          ],
        )) as Array<{ id: string }>;
        if (!receipt) continue;
        tx.record({
          action: 'retention.purged',
          resourceType: 'Claim',
          resourceId: claimId,
          details: {
            receiptId: receipt.id,
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
   * A data subject's erasure request: for every claim of `claimantRef`, each class of personal data
   * is erased unless a legal hold or a binding retention duty (keep policy) applies, and the answer
   * says which applies. Photo classes and EXIF/GPS and embeddings are deleted; the claim record is
   * redacted (claimant reference and description), since the claim itself is the insurer's record.
   */
  async erase(context: AuditContext, requestedBy: string, claimantRef: string): Promise<ErasureOutcome> {
    const requestedAt = this.clock.now();
    const requestId = await this.audit.run(context, async (tx) => {
      const [row] = (await tx.manager.query(
        `INSERT INTO erasure_requests (claimant_ref, status, requested_by, requested_at) VALUES ($1, 'pending', $2, $3) RETURNING id`,
        [claimantRef, requestedBy, requestedAt],
      )) as Array<{ id: string }>;
      tx.record({ action: 'erasure.requested', resourceType: 'ErasureRequest', resourceId: row.id, details: {} });
      return row.id;
    });

    const policies = await this.activePolicies();
    const rows = (await this.dataSource.query(
      `SELECT c.id, c.created_at, COALESCE(c.closed_at, c.decided_at) AS closed_at, c.legal_hold, p.line_of_business, p.jurisdiction,
              (SELECT h.id FROM legal_holds h WHERE h.claim_id = c.id AND h.released_at IS NULL LIMIT 1) AS hold_id
         FROM claims c JOIN policies p ON p.id = c.policy_id WHERE c.claimant_ref = $1 ORDER BY c.id`,
      [claimantRef],
    )) as Array<ClaimFactsRow & { hold_id: string | null }>;
    const outcome: ErasureOutcome['claims'] = [];
    for (const row of rows) {
      const claim = facts(row);
      const receipted = await this.receiptedClasses(this.dataSource.manager, claim.claimId);
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
      await tx.manager.query(`UPDATE erasure_requests SET status = $2, completed_at = $3, outcome = $4 WHERE id = $1`, [
        requestId,
        status,
        completedAt,
        JSON.stringify({ claims: outcome }),
      ]);
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

  private async purgeRows(manager: EntityManager, claimId: string, item: PurgeItem): Promise<void> {
    switch (item.dataClass) {
      case 'original_photos':
      case 'derived_images':
        return; // keys and blobs went in steps 1 and 2; the photo row (hashes, sizes) stays until the claim record goes
      case 'exif_gps':
        if (item.action === 'delete')
          await manager.query(`UPDATE photos SET gps_ciphertext = NULL, exif = '{}'::jsonb WHERE claim_id = $1`, [
            claimId,
          ]);
        else
          await manager.query(
            `UPDATE photos SET gps_ciphertext = NULL, exif = CASE WHEN exif ? 'captureTime' THEN jsonb_build_object('captureTime', exif->'captureTime') ELSE '{}'::jsonb END WHERE claim_id = $1`,
            [claimId],
          );
        return;
      case 'embeddings_scores':
        await manager.query(`UPDATE photos SET embedding = NULL, embedding_model_hash = NULL WHERE claim_id = $1`, [
          claimId,
        ]);
        if (item.action === 'delete') {
          await manager.query(`DELETE FROM checks WHERE claim_id = $1`, [claimId]);
          await manager.query(`DELETE FROM scoring_runs WHERE claim_id = $1`, [claimId]);
        } else {
          await manager.query(`UPDATE checks SET evidence = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
          await manager.query(`UPDATE scoring_runs SET scores = '{}'::jsonb WHERE claim_id = $1`, [claimId]);
        }
        return;
      case 'claim_records':
        if (item.action === 'delete') {
          // Released holds go with the claim (their history is in the audit trail); photos, scoring runs,
          // checks, review tasks and decisions cascade.
          await manager.query(`DELETE FROM legal_holds WHERE claim_id = $1`, [claimId]);
          await manager.query(`DELETE FROM claims WHERE id = $1`, [claimId]);
        } else {
          await manager.query(
            `UPDATE claims SET claimant_ref = NULL, description = $2, updated_at = now(), version = version + 1 WHERE id = $1`,
            [claimId, REDACTED_DESCRIPTION],
          );
        }
        return;
    }
  }

  private async lockClaim(manager: EntityManager, claimId: string): Promise<{ legal_hold: boolean } | undefined> {
    const [claim] = (await manager.query(`SELECT legal_hold FROM claims WHERE id = $1 FOR UPDATE`, [
      claimId,
    ])) as Array<{ legal_hold: boolean }>;
    return claim;
  }

  private async receiptedClasses(manager: EntityManager, claimId: string): Promise<Set<DataClass>> {
    const rows = (await manager.query(`SELECT data_class FROM purge_receipts WHERE claim_id = $1`, [
      claimId,
    ])) as Array<{ data_class: DataClass }>;
    return new Set(rows.map((row) => row.data_class));
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
