import { Injectable } from '@nestjs/common';
import { OwnedTableRepository } from '../database/owned-table-repository';
import type { Tx } from '../database/transaction-runner';
import type { WebhookEventType } from './webhook-events';
import { rowsOf } from './webhook-rows';

export interface WebhookEndpointRow {
  id: string;
  client_id: string;
  url: string;
  events: WebhookEventType[];
  enabled: boolean;
  wrapped_secret: Buffer;
  secret_key_version: number;
  previous_wrapped_secret: Buffer | null;
  previous_secret_key_version: number | null;
  previous_secret_expires_at: Date | null;
  failing_since: Date | null;
  last_error: string | null;
  last_success_at: Date | null;
  disabled_at: Date | null;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** The webhook_endpoints table: the only code that reads or writes its rows. */
@Injectable()
export class WebhookEndpointsRepository extends OwnedTableRepository {
  async insert(
    tx: Tx,
    row: { clientId: string; url: string; events: string[]; wrappedSecret: Buffer; keyVersion: number; now: Date },
  ): Promise<WebhookEndpointRow> {
    const [inserted] = (await tx.query(
      `INSERT INTO webhook_endpoints (client_id, url, events, wrapped_secret, secret_key_version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING *`,
      [row.clientId, row.url, row.events, row.wrappedSecret, row.keyVersion, row.now],
    )) as WebhookEndpointRow[];
    return inserted;
  }

  async find(id: string, tx?: Tx): Promise<WebhookEndpointRow | undefined> {
    const [row] = (await this.m(tx).query(`SELECT * FROM webhook_endpoints WHERE id = $1`, [
      id,
    ])) as WebhookEndpointRow[];
    return row;
  }

  async lock(tx: Tx, id: string): Promise<WebhookEndpointRow | undefined> {
    const [row] = (await tx.query(`SELECT * FROM webhook_endpoints WHERE id = $1 FOR UPDATE`, [
      id,
    ])) as WebhookEndpointRow[];
    return row;
  }

  /** The endpoints the access condition (`where`, positional from $1) lets the caller list, oldest first. */
  async list(where: { sql: string; values: unknown[] }, clientId?: string): Promise<WebhookEndpointRow[]> {
    const filter = clientId ? ` AND client_id = $${where.values.length + 1}` : '';
    return (await this.m().query(
      `SELECT * FROM webhook_endpoints WHERE ${where.sql}${filter} ORDER BY created_at, id`,
      clientId ? [...where.values, clientId] : where.values,
    )) as WebhookEndpointRow[];
  }

  /** Enabled endpoints of `clientId` subscribed to `type` that existed when the event happened. */
  async subscribers(tx: Tx, clientId: string, type: string, occurredAt: Date): Promise<Array<{ id: string }>> {
    return (await tx.query(
      `SELECT id FROM webhook_endpoints
        WHERE client_id = $1 AND enabled AND $2 = ANY(events) AND created_at <= $3 ORDER BY id`,
      [clientId, type, occurredAt],
    )) as Array<{ id: string }>;
  }

  async update(
    tx: Tx,
    id: string,
    change: { url?: string; events?: string[]; enabled?: boolean },
    now: Date,
  ): Promise<WebhookEndpointRow> {
    const [row] = rowsOf<WebhookEndpointRow>(
      await tx.query(
        `UPDATE webhook_endpoints SET
         url = COALESCE($2, url),
         events = COALESCE($3, events),
         enabled = COALESCE($4, enabled),
         disabled_at = CASE WHEN $4 IS TRUE THEN NULL WHEN $4 IS FALSE AND enabled THEN $5 ELSE disabled_at END,
         disabled_reason = CASE WHEN $4 IS TRUE THEN NULL WHEN $4 IS FALSE AND enabled THEN 'disabled by its owner' ELSE disabled_reason END,
         failing_since = CASE WHEN $4 IS TRUE THEN NULL ELSE failing_since END,
         updated_at = $5
       WHERE id = $1 RETURNING *`,
        [id, change.url ?? null, change.events ?? null, change.enabled ?? null, now],
      ),
    );
    return row;
  }

  async rotateSecret(
    tx: Tx,
    id: string,
    secret: { wrappedSecret: Buffer; keyVersion: number },
    previousExpiresAt: Date,
    now: Date,
  ): Promise<WebhookEndpointRow> {
    const [row] = rowsOf<WebhookEndpointRow>(
      await tx.query(
        `UPDATE webhook_endpoints SET
         previous_wrapped_secret = wrapped_secret, previous_secret_key_version = secret_key_version,
         previous_secret_expires_at = $4, wrapped_secret = $2, secret_key_version = $3, updated_at = $5
       WHERE id = $1 RETURNING *`,
        [id, secret.wrappedSecret, secret.keyVersion, previousExpiresAt, now],
      ),
    );
    return row;
  }

  async delete(tx: Tx, id: string): Promise<void> {
    await tx.query(`DELETE FROM webhook_endpoints WHERE id = $1`, [id]);
  }

  async recordSuccess(tx: Tx, id: string, at: Date): Promise<void> {
    await tx.query(`UPDATE webhook_endpoints SET failing_since = NULL, last_success_at = $2 WHERE id = $1`, [id, at]);
  }

  /** Records a failure; returns since when the endpoint has been failing without a success. */
  async recordFailure(tx: Tx, id: string, at: Date, error: string): Promise<Date | undefined> {
    const [row] = rowsOf<{ failing_since: Date }>(
      await tx.query(
        `UPDATE webhook_endpoints SET failing_since = COALESCE(failing_since, $2), last_error = $3
        WHERE id = $1 RETURNING failing_since`,
        [id, at, error],
      ),
    );
    return row?.failing_since;
  }

  async disable(tx: Tx, id: string, at: Date, reason: string): Promise<void> {
    await tx.query(
      `UPDATE webhook_endpoints SET enabled = false, disabled_at = $2, disabled_reason = $3, updated_at = $2 WHERE id = $1`,
      [id, at, reason],
    );
  }

  /**
   * Signing secrets (current, and previous while a rotation overlap may still use it) wrapped under a master
   * key version below `version`, row-locked. `slot` says which column.
   */
  async lockSecretKeysBelowVersion(
    tx: Tx,
    version: number,
  ): Promise<Array<{ id: string; slot: 'current' | 'previous'; wrapped: Buffer; keyVersion: number }>> {
    const rows = (await tx.query(
      `SELECT id, wrapped_secret, secret_key_version, previous_wrapped_secret, previous_secret_key_version
         FROM webhook_endpoints
        WHERE secret_key_version < $1 OR (previous_wrapped_secret IS NOT NULL AND previous_secret_key_version < $1)
        ORDER BY id FOR UPDATE`,
      [version],
    )) as WebhookEndpointRow[];
    return rows.flatMap((row) => [
      ...(row.secret_key_version < version
        ? [{ id: row.id, slot: 'current' as const, wrapped: row.wrapped_secret, keyVersion: row.secret_key_version }]
        : []),
      ...(row.previous_wrapped_secret &&
      row.previous_secret_key_version !== null &&
      row.previous_secret_key_version < version
        ? [
            {
              id: row.id,
              slot: 'previous' as const,
              wrapped: row.previous_wrapped_secret,
              keyVersion: row.previous_secret_key_version,
            },
          ]
        : []),
    ]);
  }

  /** The same secret wrapped anew (key rotation), in its slot; nothing else of the endpoint changes. */
  async rewrapSecretKey(tx: Tx, id: string, slot: 'current' | 'previous', wrapped: Buffer, keyVersion: number) {
    await tx.query(
      slot === 'current'
        ? `UPDATE webhook_endpoints SET wrapped_secret = $2, secret_key_version = $3 WHERE id = $1`
        : `UPDATE webhook_endpoints SET previous_wrapped_secret = $2, previous_secret_key_version = $3 WHERE id = $1`,
      [id, wrapped, keyVersion],
    );
  }

  async countSecretKeysByVersion(tx?: Tx): Promise<Array<{ version: number; count: number }>> {
    return (await this.m(tx).query(
      `SELECT version, count(*)::int AS count FROM (
         SELECT secret_key_version AS version FROM webhook_endpoints
         UNION ALL
         SELECT previous_secret_key_version FROM webhook_endpoints WHERE previous_wrapped_secret IS NOT NULL
       ) keys GROUP BY 1 ORDER BY 1`,
    )) as Array<{ version: number; count: number }>;
  }
}
