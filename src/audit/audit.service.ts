import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TransactionRunner, type Tx } from '../database/transaction-runner';
import { auditEntryBytes } from './audit-leaf';
import type { AuditContext, AuditEventInput } from './audit-context';
import { sanitiseDetails } from './audit-details';
import { insertEvents, type NewAuditEventRow } from './audit.repository';
import { leafHash } from './merkle/rfc6962';

/** A transaction in progress, with the audit events of the change it makes. */
export class AuditedTransaction {
  private readonly pending: AuditEventInput[] = [];
  constructor(
    readonly manager: Tx,
    readonly context: AuditContext,
  ) {}

  /** Records an event; it is written in the same transaction, just before it commits. */
  record(event: AuditEventInput): void {
    this.pending.push(event);
  }

  /** @internal */
  takePending(): AuditEventInput[] {
    return this.pending.splice(0, this.pending.length);
  }
}

/**
 * The one way to change state: `run` opens a transaction, lets the caller make its change and
 * record what it did, then inserts the events (with their Merkle leaf hashes) in that same transaction. A change
 * that fails leaves neither the change nor its events; an event cannot exist without its change.
 */
@Injectable()
export class AuditService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  async run<T>(context: AuditContext, work: (tx: AuditedTransaction) => Promise<T>): Promise<T> {
    return this.transactions.run(async (manager) => {
      const tx = new AuditedTransaction(manager, context);
      const result = await work(tx);
      await this.append(manager, context, tx.takePending());
      return result;
    });
  }

  /** Records events that change nothing else (a photo view, a denied access, a login failure). */
  async record(context: AuditContext, ...events: AuditEventInput[]): Promise<void> {
    // Nothing else changes, so one INSERT statement is the whole transaction (atomic on its own):
    // one round trip instead of BEGIN, INSERT, COMMIT.
    await this.append(this.transactions.manager, context, events);
  }

  /**
   * Inserts the events inside the caller's transaction, each with its leaf hash: no lock, no read
   * of a head — concurrent writers do not wait for each other. The events commit with the change or
   * not at all; the sequencer gives them their log index once their transaction is over.
   */
  private async append(manager: Tx, context: AuditContext, events: readonly AuditEventInput[]): Promise<void> {
    if (events.length === 0) return;
    const occurredAt = this.clock.now();
    const rows: NewAuditEventRow[] = events.map((input) => {
      const fields = {
        occurredAt,
        actorType: context.actorType,
        actorId: context.actorId,
        action: input.action,
        resourceType: input.resourceType ?? null,
        resourceId: input.resourceId ?? null,
        requestId: context.requestId ?? null,
        sourceIp: context.sourceIp ?? null,
        justification: input.justification ?? context.justification ?? null,
        details: sanitiseDetails(input.details),
      };
      return { ...fields, leafHash: leafHash(auditEntryBytes(fields)) };
    });
    await insertEvents(manager, rows);
  }
}
