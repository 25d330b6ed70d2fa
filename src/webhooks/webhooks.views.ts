import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../common/api-docs';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from './webhook-events';

/** A webhook endpoint as its owner sees it: never its secret. */
export class WebhookEndpointView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'the API client whose claims it receives events of' }) clientId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true }) events!: WebhookEventType[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) disabledAt!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why it is disabled: by its owner, or deliveries failing for WEBHOOKS_DISABLE_AFTER_DAYS',
  })
  disabledReason!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the last failed attempt: error class and message' })
  lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'failing without a success since' })
  failingSince!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSuccessAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'after a rotation: until when the previous secret still signs too',
  })
  previousSecretExpiresAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class WebhookEndpointList {
  @ApiProperty({ type: () => [WebhookEndpointView] }) items!: WebhookEndpointView[];
}

/** The answer that creates an endpoint or rotates its secret: the only time the secret is shown. */
export class WebhookSecretView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description: 'whsec_ + base64 of the 32-byte HMAC key (Standard Webhooks); shown once, stored encrypted',
  })
  secret!: string;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'rotation only: the previous secret also signs until then',
  })
  previousSecretExpiresAt?: string | null;
}

export class WebhookAttemptView {
  @ApiProperty({ description: '1 for the first attempt' }) attempt!: number;
  @ApiProperty({ enum: ['scheduled', 'redelivery'] }) trigger!: string;
  @ApiProperty({ format: 'date-time' }) attemptedAt!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'null when no HTTP answer came back' })
  statusCode!: number | null;
  @ApiProperty({ description: 'from resolving the host to the answer (or the failure)' }) latencyMs!: number;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: [
      'address_refused',
      'invalid_url',
      'unresolvable',
      'connect_timeout',
      'connection_refused',
      'connection_error',
      'tls_error',
      'response_timeout',
      'redirect',
      'http_status',
    ],
    description: 'null when the endpoint answered 2xx',
  })
  errorClass!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the first 256 characters of the answer body' })
  responseExcerpt!: string | null;
}

export class WebhookDeliveryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'the event id: the `webhook-id` header, the same on every attempt' }) eventId!: string;
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType' }) eventType!: WebhookEventType;
  @ApiProperty({ enum: ['pending', 'delivered', 'failed'] }) status!: 'pending' | 'delivered' | 'failed';
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) nextAttemptAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: () => [WebhookAttemptView] }) attemptLog!: WebhookAttemptView[];
}

export class WebhookDeliveryPage extends PageOf(WebhookDeliveryView) {}

export class RedeliveryView {
  @ApiProperty({ format: 'uuid' }) deliveryId!: string;
  @ApiProperty({ description: 'the attempt queued now' }) attempt!: number;
}

// ---- Event payloads (what a receiver gets in the body of a delivery) ----

class ClaimEventDataBase {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ description: "the intake system's own reference of the claim" }) externalReference!: string;
}

export class ClaimScoredData extends ClaimEventDataBase {
  @ApiProperty({
    enum: ['consistent', 'inconsistent', 'needs_review'],
    description: 'the status only: no scores or flags',
  })
  status!: string;
}

export class ClaimInformationRequestedData extends ClaimEventDataBase {
  @ApiProperty({ enum: ['information_requested'] }) status!: 'information_requested';
  @ApiProperty({ description: "the adjuster's message written for the claimant" }) message!: string;
  @ApiProperty({ format: 'date-time', description: 'answer (photos, resubmit) before this' }) dueAt!: string;
}

export class ClaimDecidedData extends ClaimEventDataBase {
  @ApiProperty({ enum: ['decided'] }) status!: 'decided';
  @ApiProperty({ enum: ['approve', 'deny', 'request_info'] }) outcome!: string;
  @ApiProperty({ description: "the decision's reason code; never the reviewer's note or scores" }) reasonCode!: string;
}

export class ClaimPurgedData extends ClaimEventDataBase {
  @ApiProperty({ type: [String], description: 'the retention data classes purged' }) dataClasses!: string[];
}

abstract class EventEnvelope {
  @ApiProperty({ format: 'date-time', description: 'when the change happened' }) timestamp!: string;
}

export class ClaimScoredEvent extends EventEnvelope {
  @ApiProperty({ enum: ['claim.scored'] }) type!: 'claim.scored';
  @ApiProperty({ type: () => ClaimScoredData }) data!: ClaimScoredData;
}

export class ClaimInformationRequestedEvent extends EventEnvelope {
  @ApiProperty({ enum: ['claim.information_requested'] }) type!: 'claim.information_requested';
  @ApiProperty({ type: () => ClaimInformationRequestedData }) data!: ClaimInformationRequestedData;
}

export class ClaimDecidedEvent extends EventEnvelope {
  @ApiProperty({ enum: ['claim.decided'] }) type!: 'claim.decided';
  @ApiProperty({ type: () => ClaimDecidedData }) data!: ClaimDecidedData;
}

export class ClaimPurgedEvent extends EventEnvelope {
  @ApiProperty({ enum: ['claim.purged'] }) type!: 'claim.purged';
  @ApiProperty({ type: () => ClaimPurgedData }) data!: ClaimPurgedData;
}

export const WEBHOOK_EVENT_SCHEMAS = {
  'claim.scored': ClaimScoredEvent,
  'claim.information_requested': ClaimInformationRequestedEvent,
  'claim.decided': ClaimDecidedEvent,
  'claim.purged': ClaimPurgedEvent,
} as const;
