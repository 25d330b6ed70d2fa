import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { assertTransition } from './claim-lifecycle';
import { Claim, type ClaimStatus } from './claim.entity';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

/** What retention needs to know of a claim: its dates, hold, and the policy's line and jurisdiction. */
export interface ClaimRetentionFactsRow {
  id: string;
  created_at: Date;
  /** closed_at, or decided_at while a claim is never closed explicitly. */
  closed_at: Date | null;
  legal_hold: boolean;
  line_of_business: string;
  jurisdiction: string;
}

/** The claim list's filters (already validated): see ListClaimsQuery. */
export interface ClaimListCriteria {
  status?: ClaimStatus;
  q?: string;
  peril?: string;
  team?: string;
  lineOfBusiness?: string;
  createdFrom?: Date;
  /** Exclusive: the day after `createdTo`. */
  createdBefore?: Date;
  check?: string;
}

/**
 * Claim ids whose latest scoring run flagged (or was uncertain about) check kind `$kind` (a placeholder the
 * caller replaces with its parameter): flagged checks by kind (partial index), kept when no newer run exists.
 */
export const FLAGGED_IN_LATEST_RUN = `SELECT ch.claim_id FROM checks ch JOIN scoring_runs r ON r.id = ch.scoring_run_id
  WHERE ch.kind = $kind AND (ch.flagged OR ch.uncertain)
    AND NOT EXISTS (SELECT 1 FROM scoring_runs newer WHERE newer.claim_id = r.claim_id
      AND (newer.created_at > r.created_at OR (newer.created_at = r.created_at AND newer.id > r.id)))`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The claims table: the only code that reads or writes its rows. */
@Injectable()
export class ClaimsRepository extends OwnedTableRepository {
  /** Locks the claim row for the rest of `tx`; undefined when the claim does not exist. */
  async lockHoldState(tx: Tx, claimId: string): Promise<{ id: string; legal_hold: boolean } | undefined> {
    const [claim] = (await tx.query(`SELECT id, legal_hold FROM claims WHERE id = $1 FOR UPDATE`, [claimId])) as Array<{
      id: string;
      legal_hold: boolean;
    }>;
    return claim;
  }

  /** Claims whose human-facing claim number (`external_reference`) is `reference`: at most `limit`. */
  async findByReference(reference: string, limit = 5): Promise<Array<{ id: string; external_reference: string }>> {
    return (await this.m().query(
      `SELECT id, external_reference FROM claims WHERE external_reference = $1 ORDER BY created_at, id LIMIT ${Number(limit)}`,
      [reference],
    )) as Array<{ id: string; external_reference: string }>;
  }

  /** Claim numbers and claimant references of the given claims (absent: the claim is gone). */
  async referencesOf(
    ids: readonly string[],
  ): Promise<Map<string, { externalReference: string; claimantRef: string | null }>> {
    if (ids.length === 0) return new Map();
    const rows = (await this.m().query(
      `SELECT id, external_reference, claimant_ref FROM claims WHERE id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ id: string; external_reference: string; claimant_ref: string | null }>;
    return new Map(
      rows.map((row) => [row.id, { externalReference: row.external_reference, claimantRef: row.claimant_ref }]),
    );
  }

  /** The claims of a data subject (by claimant reference), with their claim numbers. */
  async claimsOfClaimants(
    refs: readonly string[],
  ): Promise<Array<{ id: string; external_reference: string; claimant_ref: string }>> {
    if (refs.length === 0) return [];
    return (await this.m().query(
      `SELECT id, external_reference, claimant_ref FROM claims WHERE claimant_ref = ANY($1::text[]) ORDER BY created_at, id`,
      [refs],
    )) as Array<{ id: string; external_reference: string; claimant_ref: string }>;
  }

  async holdState(claimId: string, tx?: Tx): Promise<{ legal_hold: boolean } | undefined> {
    const [claim] = (await this.m(tx).query(`SELECT legal_hold FROM claims WHERE id = $1`, [claimId])) as Array<{
      legal_hold: boolean;
    }>;
    return claim;
  }

  findByIdempotencyKey(clientId: string, key: string, tx?: Tx): Promise<Claim | null> {
    return this.m(tx).findOne(Claim, { where: { submitterClientId: clientId, idempotencyKey: key } });
  }

  /** The claim, row-locked for the rest of `tx` when `lock`. */
  findById(id: string, tx?: Tx, lock = false): Promise<Claim | null> {
    return this.m(tx).findOne(Claim, {
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  findByIdOrFail(id: string, tx?: Tx): Promise<Claim> {
    return this.m(tx).getRepository(Claim).findOneByOrFail({ id });
  }

  /**
   * Inserts a claim unless its (intake client, idempotency key) exists: the new id, or null when a
   * concurrent request with the same key won.
   */
  async insertIfAbsent(tx: Tx, values: Partial<Claim>): Promise<string | null> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(Claim)
      .values(values)
      .orIgnore()
      .returning(['id'])
      .execute();
    const row = (result.raw as Array<{ id: string }>)[0];
    return row ? row.id : null;
  }

  /**
   * One page of claims under an access filter (TypeORM named parameters over alias `claim`) and the list's
   * filters, newest first (id breaks ties, so offset pages are stable). `q` matches the id exactly when it is a
   * UUID, otherwise part of the external reference, the claimant reference or the policy number
   * (case-insensitive `ILIKE`, served by the pg_trgm indexes of migration 1768900000000).
   */
  listPage(
    filter: { sql: string; params: Record<string, unknown> },
    criteria: ClaimListCriteria,
    page: number,
    pageSize: number,
  ): Promise<[Claim[], number]> {
    const builder = this.m().getRepository(Claim).createQueryBuilder('claim').where(filter.sql, filter.params);
    if (criteria.status) builder.andWhere('claim.status = :status', { status: criteria.status });
    if (criteria.q !== undefined) {
      if (UUID.test(criteria.q)) builder.andWhere('claim.id = :qId', { qId: criteria.q.toLowerCase() });
      // The matching ids are collected first (an InitPlan: bitmap scans of the three trigram indexes), then
      // sorted: the planner would otherwise walk the whole table in created_at order hoping for early matches.
      else
        builder.andWhere(
          `claim.id = ANY(ARRAY(SELECT m.id FROM claims m WHERE m.external_reference ILIKE :qLike OR m.claimant_ref ILIKE :qLike
             OR m.policy_id = ANY(ARRAY(SELECT sp.id FROM policies sp WHERE sp.number ILIKE :qLike))))`,
          { qLike: `%${criteria.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` },
        );
    }
    if (criteria.peril) builder.andWhere('claim.claimed_peril = :peril', { peril: criteria.peril });
    if (criteria.team) builder.andWhere('claim.team = :team', { team: criteria.team });
    if (criteria.lineOfBusiness)
      builder.andWhere('claim.policy_id IN (SELECT lp.id FROM policies lp WHERE lp.line_of_business = :lob)', {
        lob: criteria.lineOfBusiness,
      });
    if (criteria.createdFrom)
      builder.andWhere('claim.created_at >= :createdFrom', { createdFrom: criteria.createdFrom });
    if (criteria.createdBefore)
      builder.andWhere('claim.created_at < :createdBefore', { createdBefore: criteria.createdBefore });
    if (criteria.check)
      builder.andWhere(`claim.id IN (${FLAGGED_IN_LATEST_RUN.replace('$kind', ':check')})`, { check: criteria.check });
    return builder
      .orderBy('claim.createdAt', 'DESC')
      .addOrderBy('claim.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
  }

  /** The number and line of business of these policies (the claim list's display fields). */
  async policySummaries(
    policyIds: string[],
    tx?: Tx,
  ): Promise<Map<string, { number: string; lineOfBusiness: string }>> {
    if (policyIds.length === 0) return new Map();
    const rows = (await this.m(tx).query(`SELECT id, number, line_of_business FROM policies WHERE id = ANY($1)`, [
      [...new Set(policyIds)],
    ])) as Array<{ id: string; number: string; line_of_business: string }>;
    return new Map(rows.map((row) => [row.id, { number: row.number, lineOfBusiness: row.line_of_business }]));
  }

  /**
   * The one write of a claim's status: checks `from → to` against the lifecycle table (a programming
   * error otherwise) and changes the row only while it is still in `from`. Entering `queued` stamps
   * submitted_at, entering `decided` stamps decided_at, entering `closed` stamps closed_at, all with
   * `at` (the database's now() when none is given). The caller records the audit event in the same transaction. Returns whether the row changed.
   */
  async transitionStatus(tx: Tx, claimId: string, from: ClaimStatus, to: ClaimStatus, at?: Date): Promise<boolean> {
    assertTransition(from, to);
    const stamp = { queued: 'submitted_at', decided: 'decided_at', closed: 'closed_at' }[to as string];
    const result = (await tx.query(
      `UPDATE claims SET status = $3, updated_at = COALESCE($4, now()), version = version + 1${stamp ? `, ${stamp} = COALESCE($4, now())` : ''}
        WHERE id = $1 AND status = $2 RETURNING id`,
      [claimId, from, to, at ?? null],
    )) as [unknown[], number] | unknown[];
    const rows = Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
    return rows.length > 0;
  }

  /** Locks the claim row for the rest of `tx` and returns its status (undefined when it does not exist). */
  async lockStatus(tx: Tx, claimId: string): Promise<ClaimStatus | undefined> {
    const rows = (await tx.query(`SELECT status FROM claims WHERE id = $1 FOR UPDATE`, [claimId])) as Array<{
      status: ClaimStatus;
    }>;
    return rows[0]?.status;
  }

  /** Locks the claim for storing its scoring result and returns what routing needs. */
  async lockForScoring(
    tx: Tx,
    claimId: string,
  ): Promise<
    { status: ClaimStatus; team: string; amount: string; submitted_at: Date | null; created_at: Date } | undefined
  > {
    const [claim] = (await tx.query(
      `SELECT status, team, amount, submitted_at, created_at FROM claims WHERE id = $1 FOR UPDATE`,
      [claimId],
    )) as Array<{ status: ClaimStatus; team: string; amount: string; submitted_at: Date | null; created_at: Date }>;
    return claim;
  }

  findByIds(ids: string[], tx?: Tx): Promise<Claim[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.m(tx).findBy(Claim, { id: In(ids) });
  }

  /** Claims submitted but not yet scored (queued or mid-scoring), oldest submission first. */
  async idsAwaitingScoring(tx?: Tx): Promise<string[]> {
    const rows = (await this.m(tx).query(
      `SELECT id FROM claims WHERE status IN ('queued', 'scoring') ORDER BY submitted_at NULLS LAST`,
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** How many of these claims are in each status. */
  async countByStatus(ids: string[], tx?: Tx): Promise<Array<{ status: string; n: number }>> {
    return (await this.m(tx).query(`SELECT status, count(*)::int AS n FROM claims WHERE id = ANY($1) GROUP BY status`, [
      ids,
    ])) as Array<{ status: string; n: number }>;
  }

  async setLegalHold(tx: Tx, claimId: string, held: boolean): Promise<void> {
    await tx.query(`UPDATE claims SET legal_hold = $2, updated_at = now(), version = version + 1 WHERE id = $1`, [
      claimId,
      held,
    ]);
  }

  /**
   * One page (keyset on id) of every claim's retention facts, with the data classes already purged
   * (their receipts) — the read behind the retention plan.
   */
  async retentionFactsPage(
    afterId: string,
    pageSize: number,
    tx?: Tx,
  ): Promise<Array<ClaimRetentionFactsRow & { purged: string[] }>> {
    return (await this.m(tx).query(
      `SELECT c.id, c.created_at, COALESCE(c.closed_at, c.decided_at) AS closed_at, c.legal_hold, p.line_of_business, p.jurisdiction,
              COALESCE((SELECT array_agg(r.data_class) FROM purge_receipts r WHERE r.claim_id = c.id), '{}') AS purged
         FROM claims c JOIN policies p ON p.id = c.policy_id
        WHERE c.id > $1 ORDER BY c.id LIMIT ${Number(pageSize)}`,
      [afterId],
    )) as Array<ClaimRetentionFactsRow & { purged: string[] }>;
  }

  /** Every claim of a data subject with its retention facts and its active legal hold, if any. */
  async retentionFactsOfClaimant(
    claimantRef: string,
    tx?: Tx,
  ): Promise<Array<ClaimRetentionFactsRow & { hold_id: string | null }>> {
    return (await this.m(tx).query(
      `SELECT c.id, c.created_at, COALESCE(c.closed_at, c.decided_at) AS closed_at, c.legal_hold, p.line_of_business, p.jurisdiction,
              (SELECT h.id FROM legal_holds h WHERE h.claim_id = c.id AND h.released_at IS NULL LIMIT 1) AS hold_id
         FROM claims c JOIN policies p ON p.id = c.policy_id WHERE c.claimant_ref = $1 ORDER BY c.id`,
      [claimantRef],
    )) as Array<ClaimRetentionFactsRow & { hold_id: string | null }>;
  }

  /** Retention `redact` of the claim record: the claimant reference goes, the description is replaced. */
  async redactPersonalData(tx: Tx, claimId: string, redactedDescription: string): Promise<void> {
    await tx.query(
      `UPDATE claims SET claimant_ref = NULL, description = $2, updated_at = now(), version = version + 1 WHERE id = $1`,
      [claimId, redactedDescription],
    );
  }

  /** Retention `delete` of the claim record: photos, scoring runs, checks, review tasks and decisions cascade. */
  async purge(tx: Tx, claimId: string): Promise<void> {
    await tx.query(`DELETE FROM claims WHERE id = $1`, [claimId]);
  }
}
