/**
 * The audit tables (audit_events, audit_checkpoints): the only code that reads or writes their rows.
 * Every function takes the transaction (or the plain manager) to run on: appends happen inside the
 * business transaction that AuditService.run opened.
 */
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Tx } from '../database/transaction-runner';
import { GENESIS_HASH, type ChainedEventFields } from './audit-chain';
import { AuditEvent, type ActorType } from './audit-event.entity';
import type { SignedCheckpoint } from './audit-signing';

/** One key for the transaction-scoped advisory lock that serialises appends to the chain. */
const AUDIT_APPEND_LOCK = 7_204_311;

/** The last event of the chain: its sequence number and hash (seq 0 and the genesis hash when empty). */
export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Takes the chain's append lock for the rest of the caller's transaction (re-entrant: a transaction
 * that holds it may take it again). Whoever holds it sees a head that no one else can move.
 */
export async function lockAuditChain(tx: Tx): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_APPEND_LOCK]);
}

export async function readChainHead(tx: Tx): Promise<ChainHead> {
  const [head] = (await tx.query('SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1')) as Array<{
    seq: string;
    hash: string;
  }>;
  return head ? { seq: Number(head.seq), hash: head.hash } : { seq: 0, hash: GENESIS_HASH };
}

/** Appends chained events (the caller holds the append lock). */
export async function insertEvents(tx: Tx, events: Array<Partial<AuditEvent>>): Promise<void> {
  const rows = events.map((event) => tx.create(AuditEvent, event));
  await tx.insert(AuditEvent, rows as QueryDeepPartialEntity<AuditEvent>[]);
}

/** The first and last seq of the events that occurred in [from, to) (either bound open when null). */
export async function eventSeqBounds(
  tx: Tx,
  from: Date | null,
  to: Date | null,
): Promise<{ firstSeq: number | null; lastSeq: number | null }> {
  const [bounds] = (await tx.query(
    `SELECT (SELECT min(seq) FROM audit_events WHERE $1::timestamptz IS NULL OR occurred_at >= $1) AS first_seq,
            (SELECT max(seq) FROM audit_events WHERE $2::timestamptz IS NULL OR occurred_at < $2) AS last_seq`,
    [from, to],
  )) as Array<{ first_seq: string | null; last_seq: string | null }>;
  return {
    firstSeq: bounds.first_seq === null ? null : Number(bounds.first_seq),
    lastSeq: bounds.last_seq === null ? null : Number(bounds.last_seq),
  };
}

export async function insertCheckpoint(tx: Tx, signed: SignedCheckpoint): Promise<void> {
  await tx.query(
    `INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, public_key, signature) VALUES ($1, $2, $3, $4, $5, $6)`,
    [signed.seq, signed.headHash, signed.signedAt, signed.keyId, signed.publicKey, signed.signature],
  );
}

/** An audit event as the chain, the API and exports see it. */
export interface AuditEventRecord extends ChainedEventFields {
  actorType: ActorType;
  hash: string;
}

const EVENT_COLUMNS = `seq, occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id, source_ip, justification, details, prev_hash, hash`;

interface EventRow {
  seq: string;
  occurred_at: Date;
  actor_type: ActorType;
  actor_id: string | null;
  action: string;
  resource_type: string | null;
  resource_id: string | null;
  request_id: string | null;
  source_ip: string | null;
  justification: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export function toEventRecord(row: EventRow): AuditEventRecord {
  return {
    seq: Number(row.seq),
    occurredAt: new Date(row.occurred_at),
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    requestId: row.request_id,
    sourceIp: row.source_ip,
    justification: row.justification,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/**
 * Events with afterSeq < seq <= untilSeq in sequence order, `pageSize` at a time (keyset paging:
 * each page is one short query, whatever the chain's length, and nothing is held beyond a page).
 */
export async function* eventPages(
  tx: Tx,
  range: { afterSeq: number; untilSeq?: number; pageSize?: number },
): AsyncGenerator<AuditEventRecord[]> {
  const pageSize = range.pageSize ?? 1000;
  let after = range.afterSeq;
  for (;;) {
    const rows = (await tx.query(
      `SELECT ${EVENT_COLUMNS} FROM audit_events WHERE seq > $1 AND ($2::bigint IS NULL OR seq <= $2) ORDER BY seq LIMIT $3`,
      [after, range.untilSeq ?? null, pageSize],
    )) as EventRow[];
    if (rows.length === 0) return;
    const page = rows.map(toEventRecord);
    yield page;
    if (rows.length < pageSize) return;
    after = page[page.length - 1].seq;
  }
}

export async function findEvent(tx: Tx, seq: number): Promise<AuditEventRecord | undefined> {
  const [row] = (await tx.query(`SELECT ${EVENT_COLUMNS} FROM audit_events WHERE seq = $1`, [seq])) as EventRow[];
  return row ? toEventRecord(row) : undefined;
}

export async function searchEvents(
  tx: Tx,
  filter: { actorId?: string; action?: string; resourceType?: string; resourceId?: string; from?: Date; to?: Date },
  page: { offset: number; limit: number },
): Promise<{ items: AuditEventRecord[]; total: number }> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replace('?', `$${params.length}`));
  };
  if (filter.actorId !== undefined) add('actor_id = ?', filter.actorId);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.resourceType !== undefined) add('resource_type = ?', filter.resourceType);
  if (filter.resourceId !== undefined) add('resource_id = ?', filter.resourceId);
  if (filter.from !== undefined) add('occurred_at >= ?', filter.from);
  if (filter.to !== undefined) add('occurred_at < ?', filter.to);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [{ total }] = (await tx.query(`SELECT count(*)::int AS total FROM audit_events ${where}`, params)) as Array<{
    total: number;
  }>;
  const rows = (await tx.query(
    `SELECT ${EVENT_COLUMNS} FROM audit_events ${where} ORDER BY seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, page.limit, page.offset],
  )) as EventRow[];
  return { items: rows.map(toEventRecord), total };
}

interface CheckpointRow {
  seq: string;
  head_hash: string;
  signed_at: Date;
  key_id: string;
  public_key: string;
  signature: string;
}

export interface CheckpointRecord extends SignedCheckpoint {
  signedAt: Date;
}

const CHECKPOINT_COLUMNS = 'seq, head_hash, signed_at, key_id, public_key, signature';

function toCheckpoint(row: CheckpointRow): CheckpointRecord {
  return {
    seq: Number(row.seq),
    headHash: row.head_hash,
    signedAt: new Date(row.signed_at),
    keyId: row.key_id,
    publicKey: row.public_key,
    signature: row.signature,
  };
}

export async function findCheckpoint(tx: Tx, seq: number): Promise<CheckpointRecord | undefined> {
  const [row] = (await tx.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq = $1`, [
    seq,
  ])) as CheckpointRow[];
  return row ? toCheckpoint(row) : undefined;
}

/** Checkpoints with fromSeq <= seq (<= untilSeq), oldest first, or newest first with `newestFirst`. */
export async function listCheckpoints(
  tx: Tx,
  options: { fromSeq?: number; untilSeq?: number; newestFirst?: boolean; limit?: number; offset?: number } = {},
): Promise<CheckpointRecord[]> {
  const rows = (await tx.query(
    `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq >= $1 AND ($2::bigint IS NULL OR seq <= $2)
     ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT $3 OFFSET $4`,
    [options.fromSeq ?? 0, options.untilSeq ?? null, options.limit ?? null, options.offset ?? 0],
  )) as CheckpointRow[];
  return rows.map(toCheckpoint);
}

/** Whether an event with this action and resource exists (idempotency of a job's recorded completion). */
export async function eventExists(tx: Tx, action: string, resourceId: string): Promise<boolean> {
  const rows = (await tx.query(`SELECT 1 FROM audit_events WHERE action = $1 AND resource_id = $2 LIMIT 1`, [
    action,
    resourceId,
  ])) as unknown[];
  return rows.length > 0;
}

/** The seq and details of every event with this action and resource, in chain order. */
export async function eventDetailsOf(
  tx: Tx,
  action: string,
  resourceId: string,
): Promise<Array<{ seq: number; details: Record<string, unknown> }>> {
  const rows = (await tx.query(
    `SELECT seq, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY seq`,
    [action, resourceId],
  )) as Array<{ seq: string; details: Record<string, unknown> }>;
  return rows.map((row) => ({ seq: Number(row.seq), details: row.details }));
}
