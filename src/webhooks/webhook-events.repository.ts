import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';

/** What a purged claim's past event payloads become; a pending delivery of one is failed, not sent. */
export const REDACTED_PAYLOAD = '{}';

export interface WebhookEventRow {
  id: string;
  type: string;
  claim_id: string;
  client_id: string;
  /** The exact JSON body every attempt sends. */
  payload: string;
  occurred_at: Date;
  dispatched_at: Date | null;
}

/**
 * The webhook_events table: the transactional outbox. An event is inserted in the transaction of the
 * claim change it announces; the relay later fans it out to the subscribed endpoints (deliveries) and
 * marks it dispatched.
 */
@Injectable()
export class WebhookEventsRepository extends OwnedTableRepository {
  async insert(
    tx: Tx,
    event: { id: string; type: string; claimId: string; clientId: string; payload: string; occurredAt: Date },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO webhook_events (id, type, claim_id, client_id, payload, occurred_at) VALUES ($1, $2, $3, $4, $5, $6)`,
      [event.id, event.type, event.claimId, event.clientId, event.payload, event.occurredAt],
    );
  }

  /** Undispatched events, oldest first, row-locked (SKIP LOCKED: two relays never take the same event). */
  async lockUndispatched(tx: Tx, limit: number): Promise<WebhookEventRow[]> {
    return (await tx.query(
      `SELECT * FROM webhook_events WHERE dispatched_at IS NULL ORDER BY occurred_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    )) as WebhookEventRow[];
  }

  async markDispatched(tx: Tx, ids: string[], at: Date): Promise<void> {
    if (ids.length > 0) await tx.query(`UPDATE webhook_events SET dispatched_at = $2 WHERE id = ANY($1)`, [ids, at]);
  }

  async find(id: string, tx?: Tx): Promise<WebhookEventRow | undefined> {
    const [row] = (await this.m(tx).query(`SELECT * FROM webhook_events WHERE id = $1`, [id])) as WebhookEventRow[];
    return row;
  }

  /**
   * Retention: a purged claim's events keep their ids and types (the delivery log stays readable) but
   * their payloads — which may hold the message written for the claimant — become `{}` (a delivery still
   * pending is then failed rather than sent); the `claim.purged` event itself is left to be sent.
   */
  async redactPayloadsOfClaim(tx: Tx, claimId: string): Promise<number> {
    const result = (await tx.query(
      `UPDATE webhook_events SET payload = $2 WHERE claim_id = $1 AND type <> 'claim.purged' AND payload <> $2`,
      [claimId, REDACTED_PAYLOAD],
    )) as [unknown, number];
    return Array.isArray(result) ? Number(result[1] ?? 0) : 0;
  }
}
