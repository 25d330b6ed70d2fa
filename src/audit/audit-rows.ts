import type { EntityManager } from 'typeorm';
import type { ChainedEventFields } from './audit-chain';
import type { ActorType } from './audit-event.entity';
import type { SignedCheckpoint } from './audit-signing';

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
  manager: EntityManager,
  range: { afterSeq: number; untilSeq?: number; pageSize?: number },
): AsyncGenerator<AuditEventRecord[]> {
  const pageSize = range.pageSize ?? 1000;
  let after = range.afterSeq;
  for (;;) {
    const rows = (await manager.query(
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

export async function findEvent(manager: EntityManager, seq: number): Promise<AuditEventRecord | undefined> {
  const [row] = (await manager.query(`SELECT ${EVENT_COLUMNS} FROM audit_events WHERE seq = $1`, [seq])) as EventRow[];
  return row ? toEventRecord(row) : undefined;
}

export async function searchEvents(
  manager: EntityManager,
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
  const [{ total }] = (await manager.query(
    `SELECT count(*)::int AS total FROM audit_events ${where}`,
    params,
  )) as Array<{ total: number }>;
  const rows = (await manager.query(
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

export async function findCheckpoint(manager: EntityManager, seq: number): Promise<CheckpointRecord | undefined> {
  const [row] = (await manager.query(`SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq = $1`, [
    seq,
  ])) as CheckpointRow[];
  return row ? toCheckpoint(row) : undefined;
}

/** Checkpoints with fromSeq <= seq (<= untilSeq), oldest first, or newest first with `newestFirst`. */
export async function listCheckpoints(
  manager: EntityManager,
  options: { fromSeq?: number; untilSeq?: number; newestFirst?: boolean; limit?: number; offset?: number } = {},
): Promise<CheckpointRecord[]> {
  const rows = (await manager.query(
    `SELECT ${CHECKPOINT_COLUMNS} FROM audit_checkpoints WHERE seq >= $1 AND ($2::bigint IS NULL OR seq <= $2)
     ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT $3 OFFSET $4`,
    [options.fromSeq ?? 0, options.untilSeq ?? null, options.limit ?? null, options.offset ?? 0],
  )) as CheckpointRow[];
  return rows.map(toCheckpoint);
}
