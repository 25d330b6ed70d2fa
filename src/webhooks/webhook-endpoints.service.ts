import { BadRequestException, ConflictException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { subject } from '@casl/ability';
import type { Caller } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { AccessService } from '../auth/access.service';
import { ApiClientsRepository } from '../auth/api-clients.repository';
import type { AccessAction, AppAbility } from '../common/access.decorators';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { WebhookDeliveriesRepository, type DeliveryRow, type AttemptRow } from './webhook-deliveries.repository';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsRepository, type WebhookEndpointRow } from './webhook-endpoints.repository';
import type { WebhookEventType } from './webhook-events';
import { WebhookSecrets } from './webhook-secrets';
import { secretString } from './webhook-signing';
import { parseTargetUrl, resolveTarget, WebhookTargetRefused } from './webhook-target';
import { WebhookTransport } from './webhook-transport';
import type {
  RedeliveryView,
  WebhookDeliveryPage,
  WebhookDeliveryView,
  WebhookEndpointView,
  WebhookSecretView,
} from './webhooks.views';

const NOT_FOUND = 'WebhookEndpoint not found';
const iso = (value: Date | string | null): string | null => (value ? new Date(value).toISOString() : null);

export function endpointView(row: WebhookEndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    clientId: row.client_id,
    url: row.url,
    events: row.events,
    enabled: row.enabled,
    disabledAt: iso(row.disabled_at),
    disabledReason: row.disabled_reason,
    lastError: row.last_error,
    failingSince: iso(row.failing_since),
    lastSuccessAt: iso(row.last_success_at),
    previousSecretExpiresAt: iso(row.previous_secret_expires_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

function deliveryView(row: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryView {
  return {
    id: row.id,
    eventId: row.event_id,
    eventType: row.event_type as WebhookEventType,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: iso(row.next_attempt_at),
    deliveredAt: iso(row.delivered_at),
    createdAt: iso(row.created_at)!,
    attemptLog: attempts
      .filter((attempt) => attempt.delivery_id === row.id)
      .map((attempt) => ({
        attempt: attempt.attempt,
        trigger: attempt.trigger,
        attemptedAt: iso(attempt.attempted_at)!,
        statusCode: attempt.status_code,
        latencyMs: attempt.latency_ms,
        errorClass: attempt.error_class,
        responseExcerpt: attempt.response_excerpt,
      })),
  };
}

/**
 * Webhook endpoints of intake systems: registration (SSRF-checked), changes, secret rotation, the
 * delivery log and redelivery. Access: an intake system its own endpoints, admins any (CASL,
 * src/auth/ability.factory.ts); another client's endpoint answers 404.
 */
@Injectable()
export class WebhookEndpointsService {
  constructor(
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly clock: Clock,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly delivery: WebhookDeliveryService,
    private readonly clients: ApiClientsRepository,
    private readonly secrets: WebhookSecrets,
    private readonly transport: WebhookTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 400 naming the problem unless the URL is an allowed target now (the delivery checks again each time). */
  async checkTarget(raw: string): Promise<string> {
    const allowList = this.config.webhooks.allowedHosts;
    try {
      const url = parseTargetUrl(raw.trim(), allowList);
      await resolveTarget(url, allowList, this.transport.resolver);
      return url.toString();
    } catch (error) {
      if (error instanceof WebhookTargetRefused) throw new BadRequestException(`url refused: ${error.message}`);
      throw error;
    }
  }

  async create(
    { actor, ability, audit }: Caller,
    input: { url: string; events: WebhookEventType[]; clientId?: string },
  ): Promise<WebhookSecretView> {
    let clientId: string;
    if (actor.kind === 'api_client') {
      if (input.clientId && input.clientId !== actor.id) throw new NotFoundException('API client not found');
      clientId = actor.id;
    } else {
      if (!input.clientId)
        throw new BadRequestException('clientId is required: name the API client the endpoint is for');
      clientId = input.clientId;
    }
    this.access.assertCan(ability, 'create', subject('WebhookEndpoint', { clientId }));
    const url = await this.checkTarget(input.url);
    const secret = await this.secrets.generate();
    try {
      return await this.audit.run(audit, async (tx) => {
        const client = await this.clients.lockClient(tx.manager, clientId);
        if (!client || client.revokedAt) throw new NotFoundException('API client not found');
        const row = await this.endpoints.insert(tx.manager, {
          clientId,
          url,
          events: input.events,
          wrappedSecret: secret.wrappedSecret,
          keyVersion: secret.keyVersion,
          now: this.clock.now(),
        });
        tx.record({
          action: 'webhook.endpoint_created',
          resourceType: 'WebhookEndpoint',
          resourceId: row.id,
          details: { clientId, url, events: input.events },
        });
        return { id: row.id, secret: secretString(secret.key) };
      });
    } finally {
      secret.key.fill(0);
    }
  }

  async list(ability: AppAbility, clientId?: string): Promise<WebhookEndpointView[]> {
    const where = this.access.where(ability, 'WebhookEndpoint', { paramStyle: 'positional' });
    if (where.none) return [];
    return (await this.endpoints.list(where, clientId)).map(endpointView);
  }

  async get(ability: AppAbility, id: string): Promise<WebhookEndpointView> {
    return endpointView(await this.load(ability, 'read', id));
  }

  async update(
    { ability, audit }: Caller,
    id: string,
    change: { url?: string; events?: WebhookEventType[]; enabled?: boolean },
  ): Promise<WebhookEndpointView> {
    await this.load(ability, 'update', id);
    const url = change.url === undefined ? undefined : await this.checkTarget(change.url);
    return this.audit.run(audit, async (tx) => {
      const before = await this.endpoints.lock(tx.manager, id);
      if (!before) throw new NotFoundException(NOT_FOUND);
      const row = await this.endpoints.update(tx.manager, id, { ...change, url }, this.clock.now());
      tx.record({
        action: 'webhook.endpoint_updated',
        resourceType: 'WebhookEndpoint',
        resourceId: id,
        details: {
          clientId: row.client_id,
          url: url ?? null,
          events: change.events ?? null,
          enabled: change.enabled ?? null,
        },
      });
      return endpointView(row);
    });
  }

  async remove({ ability, audit }: Caller, id: string): Promise<WebhookEndpointView> {
    await this.load(ability, 'delete', id);
    return this.audit.run(audit, async (tx) => {
      const row = await this.endpoints.lock(tx.manager, id);
      if (!row) throw new NotFoundException(NOT_FOUND);
      await this.endpoints.delete(tx.manager, id);
      tx.record({
        action: 'webhook.endpoint_deleted',
        resourceType: 'WebhookEndpoint',
        resourceId: id,
        details: { clientId: row.client_id, url: row.url },
      });
      return endpointView(row);
    });
  }

  /**
   * A new secret; the previous one keeps signing (a second signature in the header) for
   * WEBHOOKS_SECRET_OVERLAP_S, so receivers can switch without losing a delivery.
   */
  async rotateSecret({ ability, audit }: Caller, id: string): Promise<WebhookSecretView> {
    await this.load(ability, 'update', id);
    const secret = await this.secrets.generate();
    try {
      return await this.audit.run(audit, async (tx) => {
        if (!(await this.endpoints.lock(tx.manager, id))) throw new NotFoundException(NOT_FOUND);
        const now = this.clock.now();
        const expires = new Date(now.getTime() + this.config.webhooks.secretOverlapS * 1000);
        await this.endpoints.rotateSecret(tx.manager, id, secret, expires, now);
        tx.record({
          action: 'webhook.secret_rotated',
          resourceType: 'WebhookEndpoint',
          resourceId: id,
          details: { previousSecretExpiresAt: expires },
        });
        return { id, secret: secretString(secret.key), previousSecretExpiresAt: expires.toISOString() };
      });
    } finally {
      secret.key.fill(0);
    }
  }

  async listDeliveries(
    ability: AppAbility,
    id: string,
    query: { page?: number; pageSize?: number; status?: DeliveryRow['status'] },
  ): Promise<WebhookDeliveryPage> {
    await this.load(ability, 'read', id);
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;
    const { rows, total } = await this.deliveries.pageOfEndpoint(id, page, pageSize, query.status);
    const attempts = await this.deliveries.attemptsOf(rows.map((row) => row.id));
    return { items: rows.map((row) => deliveryView(row, attempts)), page, pageSize, total };
  }

  /** Sends a delivery again now (one more attempt, signed afresh, same event id). 409 while the endpoint is disabled. */
  async redeliver({ ability, audit }: Caller, id: string, deliveryId: string): Promise<RedeliveryView> {
    const endpoint = await this.load(ability, 'update', id);
    if (!endpoint.enabled)
      throw new ConflictException('the endpoint is disabled: enable it (PATCH enabled: true) first');
    const attempt = await this.audit.run(audit, async (tx) => {
      const delivery = await this.deliveries.find(deliveryId, id, tx.manager);
      if (!delivery) throw new NotFoundException('Webhook delivery not found');
      const reopened = await this.deliveries.reopen(tx.manager, deliveryId, this.clock.now());
      tx.record({
        action: 'webhook.redelivery_requested',
        resourceType: 'WebhookEndpoint',
        resourceId: id,
        details: { deliveryId, eventId: delivery.event_id, previousStatus: delivery.status },
      });
      return (reopened?.attempts ?? delivery.attempts) + 1;
    });
    await this.delivery.enqueue(deliveryId, attempt, 'redelivery', 0);
    return { deliveryId, attempt };
  }

  private async load(ability: AppAbility, action: AccessAction, id: string): Promise<WebhookEndpointRow> {
    const row = await this.endpoints.find(id);
    if (!row) throw new NotFoundException(NOT_FOUND);
    this.access.assertCan(ability, action, subject('WebhookEndpoint', { clientId: row.client_id }));
    return row;
  }
}
