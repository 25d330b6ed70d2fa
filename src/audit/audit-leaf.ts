/**
 * The bytes each audit event contributes to the Merkle log, and their leaf hash
 * SHA-256(0x00 ‖ bytes) (RFC 9162 §2.1.1). Pure. The one place that lists the fields an event's
 * bytes cover.
 *
 * - Events written since the log (v2): canonical JSON (keys sorted, no whitespace, dates ISO 8601
 *   with milliseconds) of {v:2, occurredAt, actorType, actorId, action, resourceType, resourceId,
 *   requestId, sourceIp, justification, details}. Written by the business transaction, before any
 *   log index exists, so the index is not part of the leaf: the leaf's position in the tree is.
 * - Events of the former hash chain (v1, those with a prevHash): exactly the bytes their chain
 *   hash was taken over, {v:1, seq, …, prevHash} — so `hash` = SHA-256(bytes) still holds and
 *   the leaf is SHA-256(0x00 ‖ those bytes).
 */
import { canonicalJson } from './canonical-json';
import { leafHash } from './merkle/rfc6962';

export const LEAF_VERSION = 2;
/** The version of the former hash chain's encoding. */
export const CHAIN_VERSION = 1;

/** The fields of an event that its leaf covers. */
export interface AuditEntryFields {
  occurredAt: Date;
  actorType: string;
  actorId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  requestId: string | null;
  sourceIp: string | null;
  justification: string | null;
  details: Record<string, unknown>;
}

/** A former hash chain event: its seq and the previous event's hash were part of what it hashed. */
export type ChainedEventFields = AuditEntryFields & { seq: number; prevHash: string };

/** The covered fields as they are encoded and exported: the date as ISO 8601 with milliseconds. */
export type EncodedEntryFields = Omit<AuditEntryFields, 'occurredAt'> & { occurredAt: string };

/** The covered fields of an event (and nothing else it may carry), as they are encoded. */
export function encodedEntryFields(event: AuditEntryFields): EncodedEntryFields {
  return {
    occurredAt: new Date(event.occurredAt).toISOString(),
    actorType: event.actorType,
    actorId: event.actorId,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    requestId: event.requestId,
    sourceIp: event.sourceIp,
    justification: event.justification,
    details: event.details,
  };
}

/** The v2 entry bytes of an event. */
export function auditEntryBytes(event: AuditEntryFields): Buffer {
  return Buffer.from(canonicalJson({ v: LEAF_VERSION, ...encodedEntryFields(event) }), 'utf8');
}

/** The v1 bytes of a former chain event: what its chain hash (SHA-256 of these bytes) was taken over. */
export function chainedEventBytes(event: ChainedEventFields): Buffer {
  return Buffer.from(
    canonicalJson({ v: CHAIN_VERSION, seq: event.seq, ...encodedEntryFields(event), prevHash: event.prevHash }),
    'utf8',
  );
}

/** A stored event as far as its leaf is concerned: a former chain event has seq and prevHash. */
export type StoredEntryFields = AuditEntryFields & { seq: number; prevHash: string | null };

/** The leaf bytes of a stored event: v1 for the former chain's events, v2 otherwise. */
export function leafBytesOf(event: StoredEntryFields): Buffer {
  if (event.prevHash !== null) return chainedEventBytes({ ...event, prevHash: event.prevHash });
  return auditEntryBytes(event);
}

export function leafHashOf(event: StoredEntryFields): Buffer {
  return leafHash(leafBytesOf(event));
}
