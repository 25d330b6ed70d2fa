import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an audit event that its hash covers (everything but the hash itself). */
export interface ChainedEventFields {
  seq: number;
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
  prevHash: string;
}

/** The canonical encoding (v1) of a chained event, including the previous event's hash. */
export function chainedEventBytes(event: ChainedEventFields): Buffer {
  const canonical = canonicalJson({
    v: 1,
    seq: event.seq,
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
    prevHash: event.prevHash,
  });
  return Buffer.from(canonical, 'utf8');
}

/** SHA-256 over the canonical encoding of the event, including the previous event's hash. */
export function hashAuditEvent(event: ChainedEventFields): string {
  return createHash('sha256').update(chainedEventBytes(event)).digest('hex');
}

export type ChainProblemKind =
  'sequence_gap' | 'broken_link' | 'hash_mismatch' | 'checkpoint_mismatch' | 'bad_signature';

export interface ChainProblem {
  kind: ChainProblemKind;
  seq: number;
  message: string;
}

/**
 * Walks events in sequence order and reports the first problem. Stateful so that a long chain can
 * be fed page by page without holding it in memory.
 */
export class ChainVerifier {
  private expectedSeq: number;
  private previousHash: string;
  private checked = 0;
  problem: ChainProblem | undefined;

  constructor(start: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH }) {
    this.expectedSeq = start.seq + 1;
    this.previousHash = start.hash;
  }

  get eventsChecked(): number {
    return this.checked;
  }

  get head(): { seq: number; hash: string } {
    return { seq: this.expectedSeq - 1, hash: this.previousHash };
  }

  /** Returns false once a problem was found (later events are not looked at). */
  accept(event: ChainedEventFields & { hash: string }): boolean {
    if (this.problem) return false;
    if (event.seq !== this.expectedSeq) {
      this.problem = {
        kind: 'sequence_gap',
        seq: this.expectedSeq,
        message: `expected event ${this.expectedSeq} but found ${event.seq}: ${event.seq > this.expectedSeq ? 'events are missing' : 'events are out of order'}`,
      };
      return false;
    }
    if (event.prevHash !== this.previousHash) {
      this.problem = {
        kind: 'broken_link',
        seq: event.seq,
        message: `event ${event.seq} does not link to event ${event.seq - 1}`,
      };
      return false;
    }
    if (hashAuditEvent(event) !== event.hash) {
      this.problem = {
        kind: 'hash_mismatch',
        seq: event.seq,
        message: `event ${event.seq} was altered after it was written (its hash does not match its content)`,
      };
      return false;
    }
    this.previousHash = event.hash;
    this.expectedSeq += 1;
    this.checked += 1;
    return true;
  }
}
