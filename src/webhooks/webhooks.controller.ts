import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiExtraModels, ApiTags } from '@nestjs/swagger';
import { Caller } from '../audit/audit-context';
import { ApiIntakeAuth, Can, UuidParam } from '../common/api-docs';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { CreateWebhookDto, ListDeliveriesQuery, ListWebhooksQuery, UpdateWebhookDto } from './webhooks.dto';
import {
  ClaimDecidedEvent,
  ClaimInformationRequestedEvent,
  ClaimPurgedEvent,
  ClaimScoredEvent,
  RedeliveryView,
  WebhookDeliveryPage,
  WebhookEndpointList,
  WebhookEndpointView,
  WebhookSecretView,
} from './webhooks.views';

const NOT_FOUND = 'WebhookEndpoint not found';

/**
 * Webhook endpoints of intake systems (src/webhooks/README.md). Every delivery's body is one of the
 * event schemas (ClaimScoredEvent, ClaimInformationRequestedEvent, ClaimDecidedEvent, ClaimPurgedEvent),
 * signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`).
 */
@ApiTags('webhooks')
@ApiIntakeAuth()
@ApiExtraModels(ClaimScoredEvent, ClaimInformationRequestedEvent, ClaimDecidedEvent, ClaimPurgedEvent)
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhookEndpointsService) {}

  /** Registers an endpoint; the answer holds its signing secret, shown this once. */
  @Post()
  @Can('create', 'WebhookEndpoint', { created: WebhookSecretView, errors: [400, 404] })
  async create(@Body() body: CreateWebhookDto, @Caller() caller: Caller): Promise<WebhookSecretView> {
    return this.webhooks.create(caller, body);
  }

  @Get()
  @Can('list', 'WebhookEndpoint', { ok: WebhookEndpointList, errors: [400] })
  async list(@Query() query: ListWebhooksQuery, @Caller() { ability }: Caller): Promise<WebhookEndpointList> {
    return { items: await this.webhooks.list(ability, query.clientId) };
  }

  @Get(':id')
  @Can('read', 'WebhookEndpoint', { ok: WebhookEndpointView, errors: [404] })
  async get(@UuidParam('id', NOT_FOUND) id: string, @Caller() { ability }: Caller): Promise<WebhookEndpointView> {
    return this.webhooks.get(ability, id);
  }

  /** Changes url, events or enabled (`enabled: true` re-enables an endpoint disabled after failures). */
  @Patch(':id')
  @Can('update', 'WebhookEndpoint', { ok: WebhookEndpointView, errors: [400, 404] })
  async update(
    @UuidParam('id', NOT_FOUND) id: string,
    @Body() body: UpdateWebhookDto,
    @Caller() caller: Caller,
  ): Promise<WebhookEndpointView> {
    return this.webhooks.update(caller, id, body);
  }

  @Delete(':id')
  @Can('delete', 'WebhookEndpoint', {
    ok: { type: WebhookEndpointView, description: 'the endpoint, now deleted' },
    errors: [404],
  })
  async remove(@UuidParam('id', NOT_FOUND) id: string, @Caller() caller: Caller): Promise<WebhookEndpointView> {
    return this.webhooks.remove(caller, id);
  }

  /** A new secret, shown once; the previous one also signs for WEBHOOKS_SECRET_OVERLAP_S. */
  @Post(':id/rotate-secret')
  @Can('update', 'WebhookEndpoint', { created: WebhookSecretView, errors: [404] })
  async rotateSecret(@UuidParam('id', NOT_FOUND) id: string, @Caller() caller: Caller): Promise<WebhookSecretView> {
    return this.webhooks.rotateSecret(caller, id);
  }

  /** The delivery log, newest first: each delivery with its attempts (status codes, latency, error class). */
  @Get(':id/deliveries')
  @Can('read', 'WebhookEndpoint', { ok: WebhookDeliveryPage, errors: [400, 404] })
  async deliveries(
    @UuidParam('id', NOT_FOUND) id: string,
    @Query() query: ListDeliveriesQuery,
    @Caller() { ability }: Caller,
  ): Promise<WebhookDeliveryPage> {
    return this.webhooks.listDeliveries(ability, id, query);
  }

  /** Sends the delivery's event again (same `webhook-id`), as one more attempt. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Can('update', 'WebhookEndpoint', { accepted: RedeliveryView, errors: [404, 409] })
  async redeliver(
    @UuidParam('id', NOT_FOUND) id: string,
    @UuidParam('deliveryId', 'Webhook delivery not found') deliveryId: string,
    @Caller() caller: Caller,
  ): Promise<RedeliveryView> {
    return this.webhooks.redeliver(caller, id, deliveryId);
  }
}
