import { randomUUID } from 'node:crypto';

/** The events an intake system may subscribe to (src/webhooks/README.md). */
export const WEBHOOK_EVENT_TYPES = [
  'claim.scored',
  'claim.information_requested',
  'claim.decided',
  'claim.purged',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** What each event's `data` carries: only what the intake system may see (never scores, flags or notes). */
export interface WebhookEventData {
  'claim.scored': { status: string };
  'claim.information_requested': { status: 'information_requested'; message: string; dueAt: string };
  'claim.decided': { status: 'decided'; outcome: string; reasonCode: string };
  'claim.purged': { dataClasses: string[] };
}

/** Every event's `data` also names the claim, as the intake system knows it. */
export interface ClaimRef {
  claimId: string;
  externalReference: string;
}

/** The body of a delivery, as the Standard Webhooks spec recommends: `{ type, timestamp, data }`. */
export interface WebhookPayload<T extends WebhookEventType = WebhookEventType> {
  type: T;
  timestamp: string;
  data: ClaimRef & WebhookEventData[T];
}

/** A new event id: `msg_` and 32 hex digits; the `webhook-id` header, the same on every attempt. */
export function newEventId(): string {
  return `msg_${randomUUID().replace(/-/g, '')}`;
}
