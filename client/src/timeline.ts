import { label } from './format';

/**
 * A claim's audit events in plain words (the claim history page): who did what, what changed (before →
 * after) and the facts worth reading, instead of raw JSON. Pure: unit-tested in timeline.test.ts.
 */
export interface TimelineEvent {
  action: string;
  actorType: string;
  actorId: string | null;
  actorName?: string | null;
  actorEmail?: string | null;
  justification?: string | null;
  details: Record<string, unknown>;
}

export interface TimelineChange {
  field: string;
  before: string;
  after: string;
}

export interface TimelineEntry {
  sentence: string;
  changes: TimelineChange[];
  facts: Array<{ name: string; value: string }>;
}

/** Who acted, in words. */
export function actorText(event: TimelineEvent): string {
  if (event.actorName) return event.actorName;
  if (event.actorType === 'job' || event.actorType === 'system') return 'The system';
  if (event.actorType === 'api_client') return 'The intake system';
  return event.actorId ? `${label(event.actorType)} ${event.actorId.slice(0, 8)}` : label(event.actorType);
}

const text = (value: unknown): string => {
  if (value === null || value === undefined || value === '') return 'none';
  if (typeof value === 'string') return /^[a-z]+(_[a-z]+)+$/.test(value) ? label(value).toLowerCase() : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(text).join(', ');
  return JSON.stringify(value);
};

const str = (details: Record<string, unknown>, key: string): string => text(details[key]);

/** The sentence of an action; `who` is the actor in words. */
function sentenceOf(action: string, who: string, d: Record<string, unknown>): string {
  switch (action) {
    case 'claim.created':
      return `${who} created the claim (claimed peril: ${str(d, 'claimedPeril')}).`;
    case 'claim.submitted':
      return `${who} submitted the claim with ${str(d, 'photoCount')} photo${d.photoCount === 1 ? '' : 's'}.`;
    case 'claim.status_changed':
      return `The claim's status changed.`;
    case 'claim.decided':
      return `${who} decided the claim: ${str(d, 'outcome')}${d.reasonCode ? ` (${str(d, 'reasonCode')})` : ''}.`;
    case 'claim.closed':
      return `${who} closed the claim.`;
    case 'claim.information_requested':
      return `${who} asked the claimant for more information.`;
    case 'claim.resubmitted':
      return `The claimant answered and the claim went back to review.`;
    case 'photo.uploaded':
      return `${who} uploaded a photo${d.width && d.height ? ` (${str(d, 'width')}×${str(d, 'height')})` : ''}.`;
    case 'photo.viewed':
      return `${who} viewed a photo.`;
    case 'scoring.run_completed':
      return `The model scored the evidence.`;
    case 'review.task_opened':
      return `A review task was opened (${str(d, 'reason')}).`;
    case 'review.task_assigned':
      return `${who} assigned the review task.`;
    case 'review.task_reopened':
      return `${who} reopened the review task.`;
    case 'review.decision_made':
      return `${who} decided: ${str(d, 'outcome')}${d.reasonCode ? ` (${str(d, 'reasonCode')})` : ''}.`;
    case 'review.decision_overridden':
      return `${who} overrode the decision.`;
    case 'legal_hold.placed':
      return `${who} placed a legal hold: ${str(d, 'reason')}.`;
    case 'legal_hold.released':
      return `${who} released the legal hold: ${str(d, 'reason')}.`;
    case 'retention.keys_shredded':
      return `The photos' encryption keys were destroyed (crypto-shredding): the evidence is unreadable from now on.`;
    case 'retention.purged':
      return `${label(str(d, 'dataClass'))} ${d.action === 'redact' ? 'redacted' : 'deleted'} ${d.erasureRequestId ? 'for an erasure request' : 'under a retention policy'}.`;
    case 'retention.policy_created':
      return `${who} created a retention policy.`;
    case 'retention.policy_changed':
      return `${who} changed a retention policy.`;
    case 'retention.policy_retired':
      return `${who} retired a retention policy.`;
    default:
      return `${who}: ${label(action.replace('.', ' ')).toLowerCase()}.`;
  }
}

/** Pairs of details that say what changed: [field, before key, after key]. */
const CHANGE_PAIRS: Array<[string, string, string]> = [
  ['Status', 'from', 'to'],
  ['Status', 'fromStatus', 'toStatus'],
  ['Outcome', 'fromOutcome', 'toOutcome'],
  ['Assignee', 'previousAssigneeId', 'assigneeId'],
];

/** Keys that are shown through the sentence or the changes, or are ids nobody reads. */
const HIDDEN = new Set([
  'claimId',
  'taskId',
  'decisionId',
  'holdId',
  'receiptId',
  'policyId',
  'photoIds',
  'version',
  'reason',
  'outcome',
  'reasonCode',
  'claimedPeril',
  'photoCount',
  'width',
  'height',
  'dataClass',
  'action',
  'before',
  'informationRequestId',
  'erasureRequestId',
  'overridesDecisionId',
  'modelHash',
]);

/** Describes one event in plain words. */
export function describeEvent(event: TimelineEvent): TimelineEntry {
  const details = event.details ?? {};
  const changes: TimelineChange[] = [];
  const used = new Set<string>();
  for (const [field, beforeKey, afterKey] of CHANGE_PAIRS) {
    if (!(beforeKey in details) && !(afterKey in details)) continue;
    if (!(afterKey in details)) continue;
    const before = details[beforeKey];
    const after = details[afterKey];
    if (before === after) continue;
    changes.push({
      field,
      before: field === 'Assignee' ? idText(before) : text(before),
      after: field === 'Assignee' ? idText(after) : text(after),
    });
    used.add(beforeKey).add(afterKey);
  }
  // A `before` object (e.g. a retention policy's previous version) against the same keys at the top level.
  if (details.before && typeof details.before === 'object' && !Array.isArray(details.before)) {
    for (const [key, before] of Object.entries(details.before as Record<string, unknown>)) {
      if (key.endsWith('Id') || !(key in details) || details[key] === before) continue;
      changes.push({ field: fieldName(key), before: text(before), after: text(details[key]) });
      used.add(key);
    }
  }
  const facts: Array<{ name: string; value: string }> = [];
  for (const [key, value] of Object.entries(details)) {
    if (used.has(key) || HIDDEN.has(key) || value === null || value === undefined || typeof value === 'object')
      continue;
    facts.push({ name: fieldName(key), value: text(value) });
  }
  if (event.justification) facts.push({ name: 'Justification', value: event.justification });
  return { sentence: sentenceOf(event.action, actorText(event), details), changes, facts };
}

/** `periodDays` → "Period days". */
export function fieldName(key: string): string {
  return label(key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase());
}

function idText(value: unknown): string {
  return typeof value === 'string' && value.length > 8 ? value.slice(0, 8) : text(value);
}
