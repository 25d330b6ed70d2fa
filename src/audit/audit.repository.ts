/**
 * The audit tables (audit_events, audit_checkpoints): the only code that writes their rows. Events
 * are read through the view audit_log (each event with its log index from audit_log_entries, NULL
 * while unsequenced).
 * Every function takes the transaction (or the plain manager) to run on: appends happen inside the
 * business transaction that AuditService.run opened.
 */
import type { Tx } from '../database/transaction-runner';
import type { ActorType } from './audit-event.entity';
import type { AuditEntryFields } from './audit-leaf';
import type { SignedCheckpoint } from './audit-signing';

/** A new event as AuditService writes it (seq and log index come later, from the database). */
export type NewAuditEventRow = AuditEntryFields & { actorType: ActorType; leafHash: Buffer };

const INSERT_COLUMNS = 11;

/**
 * Inserts events in the caller's transaction: seq from the sequence, tx_id (the inserting
 * transaction) by default, no log index. Takes no lock.
 */
export async function insertEvents(tx: Tx, events: readonly NewAuditEventRow[]): Promise<void> {
  if (events.length === 0) return;
  const params: unknown[] = [];
  const tuples = events.map((event, i) => {
    params.push(
      event.occurredAt,
      event.actorType,
      event.actorId,
      event.action,
      event.resourceType,
      event.resourceId,
      event.requestId,
      event.sourceIp,
      event.justification,
      JSON.stringify(event.details),
      `\\x${event.leafHash.toString('hex')}`,
    );
    const base = i * INSERT_COLUMNS;
    return `(${Array.from({ length: INSERT_COLUMNS }, (_, k) => `$${base + k + 1}`).join(', ')})`;
  });
  await tx.query(
    `INSERT INTO audit_events (occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id,
       source_ip, justification, details, leaf_hash) VALUES ${tuples.join(', ')}`,
    params,
  );
}

/**
 * The first and last log index of the sequenced events that occurred in [from, to) (either bound
 * open when null), at most `untilIndex` (exclusive).
 */
export async function eventIndexBounds(
  tx: Tx,
  from: Date | null,
  to: Date | null,
  untilIndex: number,
): Promise<{ firstIndex: number | null; lastIndex: number | null }> {
  const [bounds] = (await tx.query(
    `SELECT (SELECT min(log_index) FROM audit_log WHERE log_index < $3 AND ($1::timestamptz IS NULL OR occurred_at >= $1)) AS first_index,
            (SELECT max(log_index) FROM audit_log WHERE log_index < $3 AND ($2::timestamptz IS NULL OR occurred_at < $2)) AS last_index`,
    [from, to, untilIndex],
  )) as Array<{ first_index: string | null; last_index: string | null }>;
  return {
    firstIndex: bounds.first_index === null ? null : Number(bounds.first_index),
    lastIndex: bounds.last_index === null ? null : Number(bounds.last_index),
  };
}

export async function insertCheckpoint(tx: Tx, signed: SignedCheckpoint): Promise<void> {
  await tx.query(
    `INSERT INTO audit_checkpoints (seq, head_hash, signed_at, key_id, public_key, signature) VALUES ($1, $2, $3, $4, $5, $6)`,
    [signed.seq, signed.headHash, signed.signedAt, signed.keyId, signed.publicKey, signed.signature],
  );
}

/** An audit event as the log, the API and exports see it. */
export type AuditEventRecord = AuditEntryFields & {
  /** Insertion id: unique, not gap-free, not commit-ordered. */
  seq: number;
  /** Position in the Merkle log (null until the sequencer reached it). */
  logIndex: number | null;
  actorType: ActorType;
  /** Former hash chain only (events written before the Merkle log): the chain link and hash. */
  prevHash: string | null;
  hash: string | null;
  /** Hex SHA-256(0x00 ‖ leaf bytes), as stored when the event was written. */
  leafHash: string;
};

const EVENT_COLUMNS = `seq, log_index, occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id, source_ip, justification, details, prev_hash, hash, leaf_hash`;

interface EventRow {
  seq: string;
  log_index: string | null;
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
  prev_hash: string | null;
  hash: string | null;
  leaf_hash: Buffer | Uint8Array;
}

export function toEventRecord(row: EventRow): AuditEventRecord {
  return {
    seq: Number(row.seq),
    logIndex: row.log_index === null ? null : Number(row.log_index),
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
    leafHash: Buffer.from(row.leaf_hash).toString('hex'),
  };
}

/**
 * Events with afterSeq < seq <= untilSeq in insertion order, `pageSize` at a time (keyset paging:
 * each page is one short query, whatever the log's length, and nothing is held beyond a page).
 */
export async function* eventPages(
  tx: Tx,
  range: { afterSeq: number; untilSeq?: number; pageSize?: number },
): AsyncGenerator<AuditEventRecord[]> {
  const pageSize = range.pageSize ?? 1000;
  let after = range.afterSeq;
  for (;;) {
    const rows = (await tx.query(
      `SELECT ${EVENT_COLUMNS} FROM audit_log WHERE seq > $1 AND ($2::bigint IS NULL OR seq <= $2) ORDER BY seq LIMIT $3`,
      [after, range.untilSeq ?? null, pageSize],
    )) as EventRow[];
    if (rows.length === 0) return;
    const page = rows.map(toEventRecord);
    yield page;
    if (rows.length < pageSize) return;
    after = page[page.length - 1].seq;
  }
}

/** Sequenced events with fromIndex <= log_index < untilIndex in log order, a page at a time. */
export async function* logPages(
  tx: Tx,
  range: { fromIndex: number; untilIndex?: number; pageSize?: number },
): AsyncGenerator<AuditEventRecord[]> {
  const pageSize = range.pageSize ?? 1000;
  let from = range.fromIndex;
  for (;;) {
    const rows = (await tx.query(
      `SELECT ${EVENT_COLUMNS} FROM audit_log WHERE log_index >= $1 AND ($2::bigint IS NULL OR log_index < $2)
        ORDER BY log_index LIMIT $3`,
      [from, range.untilIndex ?? null, pageSize],
    )) as EventRow[];
    if (rows.length === 0) return;
    const page = rows.map(toEventRecord);
    yield page;
    if (rows.length < pageSize) return;
    from = (page[page.length - 1].logIndex as number) + 1;
  }
}

/** Events without a log index yet, in insertion order, a page at a time. */
export async function* unsequencedPages(tx: Tx, pageSize = 1000): AsyncGenerator<AuditEventRecord[]> {
  let after = 0;
  for (;;) {
    const rows = (await tx.query(
      `SELECT ${EVENT_COLUMNS} FROM audit_log WHERE log_index IS NULL AND seq > $1 ORDER BY seq LIMIT $2`,
      [after, pageSize],
    )) as EventRow[];
    if (rows.length === 0) return;
    const page = rows.map(toEventRecord);
    yield page;
    if (rows.length < pageSize) return;
    after = page[page.length - 1].seq;
  }
}

/** The sequenced event at a log index. */
export async function findEventAtIndex(tx: Tx, logIndex: number): Promise<AuditEventRecord | undefined> {
  const [row] = (await tx.query(`SELECT ${EVENT_COLUMNS} FROM audit_log WHERE log_index = $1`, [
    logIndex,
  ])) as EventRow[];
  return row ? toEventRecord(row) : undefined;
}

export async function findEvent(tx: Tx, seq: number): Promise<AuditEventRecord | undefined> {
  const [row] = (await tx.query(`SELECT ${EVENT_COLUMNS} FROM audit_log WHERE seq = $1`, [seq])) as EventRow[];
  return row ? toEventRecord(row) : undefined;
}

/**
 * What an audit search (and a filtered export) matches: every given field must hold. `action` ending
 * in `.` or `*` is a prefix (`review.` → every review action); `actorEmail` matches users whose email
 * contains it (case-insensitive); `q` matches whole words among the strings and numbers of `details`
 * (full-text, index audit_events_details_fts_idx).
 */
export interface AuditFilter {
  actorId?: string;
  actorEmail?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  q?: string;
  from?: Date;
  to?: Date;
}

/** The filter as SQL conditions over audit_events (alias `e`), appending its values to `params`. */
export function auditFilterSql(filter: AuditFilter, params: unknown[]): string[] {
  const conditions: string[] = [];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    conditions.push(sql.replaceAll('?', `$${params.length}`));
  };
  if (filter.actorId !== undefined) add('e.actor_id = ?', filter.actorId);
  if (filter.actorEmail !== undefined && filter.actorEmail.trim() !== '')
    add(
      `e.actor_id IN (SELECT u.id::text FROM users u WHERE u.email LIKE '%' || ? || '%' ESCAPE '\\')`,
      escapeLike(filter.actorEmail.trim().toLowerCase()),
    );
  if (filter.action !== undefined && filter.action !== '') {
    const prefix = /[.*]$/.test(filter.action);
    if (prefix) add(`e.action LIKE ? || '%' ESCAPE '\\'`, escapeLike(filter.action.replace(/\*+$/, '')));
    else add('e.action = ?', filter.action);
  }
  if (filter.resourceType !== undefined) add('e.resource_type = ?', filter.resourceType);
  if (filter.resourceId !== undefined) add('e.resource_id = ?', filter.resourceId);
  if (filter.q !== undefined && filter.q.trim() !== '')
    add(
      `jsonb_to_tsvector('simple'::regconfig, e.details, '["string", "numeric"]'::jsonb) @@ plainto_tsquery('simple'::regconfig, ?)`,
      filter.q.trim(),
    );
  if (filter.from !== undefined) add('e.occurred_at >= ?', filter.from);
  if (filter.to !== undefined) add('e.occurred_at < ?', filter.to);
  return conditions;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/** Whether the filter narrows more than the time range (an export of it is a selection, not a range). */
export function narrowsBeyondTime(filter: AuditFilter): boolean {
  return [filter.actorId, filter.actorEmail, filter.action, filter.resourceType, filter.resourceId, filter.q].some(
    (value) => value !== undefined && value !== '',
  );
}

export async function searchEvents(
  tx: Tx,
  filter: AuditFilter,
  page: { offset: number; limit: number },
): Promise<{ items: AuditEventRecord[]; total: number }> {
  const params: unknown[] = [];
  const conditions = auditFilterSql(filter, params);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  const [{ total }] = (await tx.query(`SELECT count(*)::int AS total FROM audit_events e ${where}`, params)) as Array<{
    total: number;
  }>;
  const rows = (await tx.query(
    `SELECT ${EVENT_COLUMNS} FROM audit_log e ${where} ORDER BY seq DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, page.limit, page.offset],
  )) as EventRow[];
  return { items: rows.map(toEventRecord), total };
}

/** Events of a log-index range that match `filter`, in log order, page by page (a filtered export). */
export async function* filteredLogPages(
  tx: Tx,
  range: { fromIndex: number; untilIndex: number; filter: AuditFilter; pageSize?: number },
): AsyncGenerator<AuditEventRecord[]> {
  const pageSize = range.pageSize ?? 1000;
  let from = range.fromIndex;
  for (;;) {
    const params: unknown[] = [from, range.untilIndex];
    const conditions = ['e.log_index >= $1', 'e.log_index < $2', ...auditFilterSql(range.filter, params)];
    const rows = (await tx.query(
      `SELECT ${EVENT_COLUMNS} FROM audit_log e WHERE ${conditions.join(' AND ')} ORDER BY log_index LIMIT ${Number(pageSize)}`,
      params,
    )) as EventRow[];
    if (rows.length === 0) return;
    const page = rows.map(toEventRecord);
    yield page;
    if (rows.length < pageSize) return;
    from = (page[page.length - 1].logIndex as number) + 1;
  }
}

/** How many events of a log-index range match `filter`. */
export async function countFiltered(
  tx: Tx,
  fromIndex: number,
  untilIndex: number,
  filter: AuditFilter,
): Promise<number> {
  const params: unknown[] = [fromIndex, untilIndex];
  const conditions = ['e.log_index >= $1', 'e.log_index < $2', ...auditFilterSql(filter, params)];
  const [row] = (await tx.query(
    `SELECT count(*)::int AS count FROM audit_log e WHERE ${conditions.join(' AND ')}`,
    params,
  )) as Array<{ count: number }>;
  return row.count;
}

/**
 * Who the actors are, resolved when shown (events stay as written): staff users by display name and
 * email, API clients by name. Ids that are neither (jobs, `system`) are absent.
 */
export async function actorsOf(
  tx: Tx,
  actorIds: readonly string[],
): Promise<Map<string, { name: string; email: string | null }>> {
  const ids = [...new Set(actorIds)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
  if (ids.length === 0) return new Map();
  const rows = (await tx.query(
    `SELECT u.id::text AS id, u.display_name AS name, u.email FROM users u WHERE u.id = ANY($1::uuid[])
     UNION ALL
     SELECT c.id::text AS id, c.name, NULL AS email FROM api_clients c WHERE c.id = ANY($1::uuid[])`,
    [ids],
  )) as Array<{ id: string; name: string; email: string | null }>;
  return new Map(rows.map((row) => [row.id, { name: row.name, email: row.email }]));
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
