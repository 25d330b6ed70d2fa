import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCallbacks, ApiExtraModels, ApiOperation, ApiTags } from '@nestjs/swagger';
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

const ACK =
  'any 2xx acknowledges (within WEBHOOKS_RESPONSE_TIMEOUT_MS); anything else, a redirect or no answer is retried on the WEBHOOKS_RETRY_SCHEDULE_S schedule. ' +
  'Headers: webhook-id (the event id, the same on every attempt: de-duplicate by it), webhook-timestamp (unix seconds), ' +
  'webhook-signature (space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body keyed with the base64-decoded secret>`).';

/** What the service POSTs to a registered url: one documented callback per event type (OpenAPI 3.0 callbacks). */
const EVENT_CALLBACKS = (
  [
    ['claim.scored', ClaimScoredEvent],
    ['claim.information_requested', ClaimInformationRequestedEvent],
    ['claim.decided', ClaimDecidedEvent],
    ['claim.purged', ClaimPurgedEvent],
  ] as const
).map(([name, type]) => ({
  name,
  callbackUrl: '{$request.body#/url}',
  method: 'post',
  requestBody: { type },
  expectedResponse: { status: 200, description: ACK },
}));

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
  @ApiOperation({
    summary: 'Register a webhook endpoint',
    description:
      'Events go to the endpoints of the API client that submitted the claim. The url must be https:// to a public address ' +
      '(checked now and before every delivery) unless the operator allow-list WEBHOOKS_ALLOWED_HOSTS names its host. ' +
      'The deliveries are the callbacks documented here, signed per Standard Webhooks.',
  })
  @ApiCallbacks(...EVENT_CALLBACKS)
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
