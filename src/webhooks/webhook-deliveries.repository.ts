import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import { rowsOf } from './webhook-rows';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

export interface DeliveryRow {
  id: string;
  event_id: string;
  endpoint_id: string;
  status: DeliveryStatus;
  attempts: number;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
  event_type: string;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  trigger: string;
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  error_class: string | null;
  response_excerpt: string | null;
}

/** What one delivery attempt needs: the delivery, its event and its endpoint, locked together. */
export interface DeliveryWork {
  id: string;
  status: DeliveryStatus;
  attempts: number;
  event_id: string;
  payload: string;
  endpoint_id: string;
  url: string;
  enabled: boolean;
}

/** The webhook_deliveries table (one per event and endpoint) and webhook_delivery_attempts (the log). */
@Injectable()
export class WebhookDeliveriesRepository extends OwnedTableRepository {
  /** One pending delivery per endpoint; an existing (event, endpoint) pair is left alone. Returns the new ids. */
  async insertPending(tx: Tx, eventId: string, endpointIds: string[], at: Date): Promise<string[]> {
    if (endpointIds.length === 0) return [];
    const rows = (await tx.query(
      `INSERT INTO webhook_deliveries (event_id, endpoint_id, status, next_attempt_at, created_at)
       SELECT $1, endpoint_id, 'pending', $3, $3 FROM unnest($2::uuid[]) AS endpoint_id
       ON CONFLICT (event_id, endpoint_id) DO NOTHING RETURNING id`,
      [eventId, endpointIds, at],
    )) as Array<{ id: string }>;
    return rows.map((row) => row.id);
  }

  /** Row-locked for the rest of `tx` when one is given. */
  async work(deliveryId: string, tx?: Tx): Promise<DeliveryWork | undefined> {
    const [row] = (await this.m(tx).query(
      `SELECT d.id, d.status, d.attempts, d.event_id, e.payload, d.endpoint_id, p.url, p.enabled
         FROM webhook_deliveries d
         JOIN webhook_events e ON e.id = d.event_id
         JOIN webhook_endpoints p ON p.id = d.endpoint_id
        WHERE d.id = $1${tx ? ' FOR UPDATE OF d' : ''}`,
      [deliveryId],
    )) as DeliveryWork[];
    return row;
  }

  async find(deliveryId: string, endpointId: string, tx?: Tx): Promise<DeliveryRow | undefined> {
    const [row] = (await this.m(tx).query(
      `SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE d.id = $1 AND d.endpoint_id = $2`,
      [deliveryId, endpointId],
    )) as DeliveryRow[];
    return row;
  }

  async insertAttempt(tx: Tx, attempt: AttemptRow): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_delivery_attempts
         (delivery_id, attempt, trigger, attempted_at, status_code, latency_ms, error_class, response_excerpt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        attempt.delivery_id,
        attempt.attempt,
        attempt.trigger,
        attempt.attempted_at,
        attempt.status_code,
        attempt.latency_ms,
        attempt.error_class,
        attempt.response_excerpt,
      ],
    );
  }

  async markDelivered(tx: Tx, deliveryId: string, attempts: number, at: Date): Promise<void> {
    await tx.query(
      `UPDATE webhook_deliveries SET status = 'delivered', attempts = $2, delivered_at = $3, next_attempt_at = NULL WHERE id = $1`,
      [deliveryId, attempts, at],
    );
  }

  /** `nextAttemptAt` null: no retry left, the delivery is failed. */
  async markFailedAttempt(tx: Tx, deliveryId: string, attempts: number, nextAttemptAt: Date | null): Promise<void> {
    await tx.query(`UPDATE webhook_deliveries SET status = $2, attempts = $3, next_attempt_at = $4 WHERE id = $1`, [
      deliveryId,
      nextAttemptAt ? 'pending' : 'failed',
      attempts,
      nextAttemptAt,
    ]);
  }

  /** Puts the delivery back to pending for one more attempt now (redelivery on request). */
  async reopen(tx: Tx, deliveryId: string, at: Date): Promise<{ attempts: number } | undefined> {
    const [row] = rowsOf<{ attempts: number }>(
      await tx.query(
        `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $2 WHERE id = $1 RETURNING attempts`,
        [deliveryId, at],
      ),
    );
    return row;
  }

  /** Pending deliveries whose attempt was due before `dueBefore` (their job may have missed the queue). */
  async overdue(dueBefore: Date, limit: number): Promise<Array<{ id: string; attempts: number }>> {
    return (await this.m().query(
      `SELECT id, attempts FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
        ORDER BY next_attempt_at LIMIT $2`,
      [dueBefore, limit],
    )) as Array<{ id: string; attempts: number }>;
  }

  async pageOfEndpoint(
    endpointId: string,
    page: number,
    pageSize: number,
    status?: DeliveryStatus,
  ): Promise<{ rows: DeliveryRow[]; total: number }> {
    const filter = status ? ` AND d.status = $4` : '';
    const params: unknown[] = [endpointId, pageSize, (page - 1) * pageSize, ...(status ? [status] : [])];
    const rows = (await this.m().query(
      `SELECT d.*, e.type AS event_type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id
        WHERE d.endpoint_id = $1${filter} ORDER BY d.created_at DESC, d.id LIMIT $2 OFFSET $3`,
      params,
    )) as DeliveryRow[];
    const [count] = (await this.m().query(
      `SELECT count(*)::int AS total FROM webhook_deliveries d WHERE d.endpoint_id = $1${status ? ' AND d.status = $2' : ''}`,
      status ? [endpointId, status] : [endpointId],
    )) as Array<{ total: number }>;
    return { rows, total: count.total };
  }

  async attemptsOf(deliveryIds: string[]): Promise<AttemptRow[]> {
    if (deliveryIds.length === 0) return [];
    return (await this.m().query(
      `SELECT * FROM webhook_delivery_attempts WHERE delivery_id = ANY($1) ORDER BY attempt, attempted_at`,
      [deliveryIds],
    )) as AttemptRow[];
  }
}
