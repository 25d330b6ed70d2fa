import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { InformationRequest } from './information-request.entity';

export interface NewInformationRequest {
  claimId: string;
  taskId: string;
  decisionId: string;
  reasonCode: string;
  message: string;
  dueAt: Date;
  requestedBy: string;
  requestedAt: Date;
  knownPhotoIds: string[];
}

/**
 * The information_requests table: the only code that reads or writes its rows. A claim has at most one `open`
 * request (unique partial index); answered, expired and withdrawn ones stay as the claim's history.
 */
@Injectable()
export class InformationRequestsRepository extends OwnedTableRepository {
  async insert(tx: Tx, input: NewInformationRequest): Promise<InformationRequest> {
    const rows = (await tx.query(
      `INSERT INTO information_requests (claim_id, task_id, decision_id, reason_code, message, due_at, requested_by, requested_at, known_photo_ids, status, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::uuid[], 'open', $8) RETURNING id`,
      [
        input.claimId,
        input.taskId,
        input.decisionId,
        input.reasonCode,
        input.message,
        input.dueAt,
        input.requestedBy,
        input.requestedAt,
        input.knownPhotoIds,
      ],
    )) as Array<{ id: string }>;
    return tx.findOneByOrFail(InformationRequest, { id: rows[0].id });
  }

  /** The claim's open request, row-locked for the rest of `tx` when `lock`. */
  findOpenOfClaim(claimId: string, tx?: Tx, lock = false): Promise<InformationRequest | null> {
    return this.m(tx).findOne(InformationRequest, {
      where: { claimId, status: 'open' },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
  }

  /** The request, row-locked for the rest of `tx`. */
  lockById(tx: Tx, id: string): Promise<InformationRequest | null> {
    return tx.findOne(InformationRequest, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findById(id: string, tx?: Tx): Promise<InformationRequest | null> {
    return this.m(tx).findOne(InformationRequest, { where: { id } });
  }

  /** The latest request of each of these claims (newest by request time). */
  async latestOfClaims(claimIds: string[], tx?: Tx): Promise<Map<string, InformationRequest>> {
    const latest = new Map<string, InformationRequest>();
    if (claimIds.length === 0) return latest;
    const rows = await this.m(tx).find(InformationRequest, {
      where: { claimId: In(claimIds) },
      order: { requestedAt: 'ASC', createdAt: 'ASC' },
    });
    for (const row of rows) latest.set(row.claimId, row);
    return latest;
  }

  /** A task's requests, oldest first. */
  ofTask(taskId: string, tx?: Tx): Promise<InformationRequest[]> {
    return this.m(tx).find(InformationRequest, { where: { taskId }, order: { requestedAt: 'ASC', createdAt: 'ASC' } });
  }

  /** Open requests whose due date is `now` or earlier, the longest overdue first. */
  async idsPastDue(now: Date, limit: number, tx?: Tx): Promise<string[]> {
    const rows = (await this.m(tx).query(
      `SELECT id FROM information_requests WHERE status = 'open' AND due_at <= $1 ORDER BY due_at, id LIMIT ${Number(limit)}`,
      [now],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** open → answered with the intake system's note and the photos new since the request; false when not open. */
  async markAnswered(
    tx: Tx,
    id: string,
    answer: { note: string | null; newPhotoIds: string[]; at: Date },
  ): Promise<boolean> {
    const rows = (await tx.query(
      `UPDATE information_requests SET status = 'answered', response_note = $2, new_photo_ids = $3::uuid[], answered_at = $4
        WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, answer.note, answer.newPhotoIds, answer.at],
    )) as unknown;
    return rowCount(rows) > 0;
  }

  /** open → expired (no answer by the due date) or withdrawn (decided without the answer); false when not open. */
  async close(tx: Tx, id: string, status: 'expired' | 'withdrawn', at: Date): Promise<boolean> {
    const rows = (await tx.query(
      `UPDATE information_requests SET status = $2, closed_at = $3 WHERE id = $1 AND status = 'open' RETURNING id`,
      [id, status, at],
    )) as unknown;
    return rowCount(rows) > 0;
  }
}

/** Rows of an `UPDATE … RETURNING` through TypeORM: node-postgres answers `[rows, count]`. */
function rowCount(result: unknown): number {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0])) return (result[0] as unknown[]).length;
  return Array.isArray(result) ? result.length : 0;
}
