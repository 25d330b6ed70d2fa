import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks for intake systems (src/webhooks/README.md): endpoints (the signing secret wrapped by the
 * master key ring, never in clear), the transactional outbox of claim events (written in the same
 * transaction as the claim's change), one delivery per (event, endpoint) and its attempts.
 * Events carry no foreign key to claims: a `claim.purged` event outlives the claim it announces.
 */
export class Webhooks1768810000000 implements MigrationInterface {
  name = 'Webhooks1768810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        client_id uuid NOT NULL REFERENCES api_clients(id),
        url text NOT NULL,
        events text[] NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        wrapped_secret bytea NOT NULL,
        secret_key_version integer NOT NULL,
        previous_wrapped_secret bytea,
        previous_secret_key_version integer,
        previous_secret_expires_at timestamptz,
        failing_since timestamptz,
        last_error text,
        last_success_at timestamptz,
        disabled_at timestamptz,
        disabled_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX webhook_endpoints_client_idx ON webhook_endpoints (client_id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_events (
        id text PRIMARY KEY,
        type text NOT NULL,
        claim_id uuid NOT NULL,
        client_id uuid NOT NULL,
        payload text NOT NULL,
        occurred_at timestamptz NOT NULL,
        dispatched_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_events_undispatched_idx ON webhook_events (occurred_at) WHERE dispatched_at IS NULL`,
    );
    await queryRunner.query(`CREATE INDEX webhook_events_claim_idx ON webhook_events (claim_id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id text NOT NULL REFERENCES webhook_events(id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
        status text NOT NULL DEFAULT 'pending',
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, endpoint_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
    );
    await queryRunner.query(`
      CREATE TABLE webhook_delivery_attempts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        trigger text NOT NULL,
        attempted_at timestamptz NOT NULL,
        status_code integer,
        latency_ms integer NOT NULL,
        error_class text,
        response_excerpt text
      )`);
    await queryRunner.query(
      `CREATE INDEX webhook_delivery_attempts_delivery_idx ON webhook_delivery_attempts (delivery_id, attempt)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS webhook_delivery_attempts`);
    await queryRunner.query(`DROP TABLE IF EXISTS webhook_deliveries`);
    await queryRunner.query(`DROP TABLE IF EXISTS webhook_events`);
    await queryRunner.query(`DROP TABLE IF EXISTS webhook_endpoints`);
  }
}
