import { Injectable } from '@nestjs/common';
import type { AuditedTransaction } from '../audit/audit.service';
import { ClaimsRepository } from '../claims/claims.repository';
import { Clock } from '../common/clock';
import { WebhookDeliveryService } from './webhook-delivery.service';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { newEventId, type WebhookEventData, type WebhookEventType, type WebhookPayload } from './webhook-events';
import { WebhookEventsRepository } from './webhook-events.repository';

/**
 * Where claim changes announce themselves to intake systems: `emit` writes the event into the outbox
 * (webhook_events) inside the caller's audited transaction, so the event exists exactly when the change
 * committed. After the commit the relay fans it out to the endpoints and queues the deliveries; an
 * event that missed the queue (Redis down) is picked up by the scheduled sweep.
 *
 * Only the claim's submitting API client's endpoints receive it (registered by the client itself or by
 * an admin for that client). No event is written when none of them subscribes to its type.
 */
@Injectable()
export class WebhookOutbox {
  constructor(
    private readonly claims: ClaimsRepository,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly events: WebhookEventsRepository,
    private readonly delivery: WebhookDeliveryService,
    private readonly clock: Clock,
  ) {}

  async emit<T extends WebhookEventType>(
    tx: AuditedTransaction,
    claimId: string,
    type: T,
    data: WebhookEventData[T],
  ): Promise<string | undefined> {
    const claim = await this.claims.findById(claimId, tx.manager);
    if (!claim) return undefined;
    const occurredAt = this.clock.now();
    const subscribers = await this.endpoints.subscribers(tx.manager, claim.submitterClientId, type, occurredAt);
    if (subscribers.length === 0) return undefined;
    const id = newEventId();
    const payload: WebhookPayload<T> = {
      type,
      timestamp: occurredAt.toISOString(),
      data: { claimId, externalReference: claim.externalReference, ...data },
    };
    await this.events.insert(tx.manager, {
      id,
      type,
      claimId,
      clientId: claim.submitterClientId,
      payload: JSON.stringify(payload),
      occurredAt,
    });
    tx.afterCommit(async () => {
      await this.delivery.relay();
    });
    return id;
  }
}
