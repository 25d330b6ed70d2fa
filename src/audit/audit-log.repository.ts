/**
 * The Merkle log's tables: audit_tree_nodes (complete-subtree hashes), audit_tree_heads (signed
 * checkpoints), audit_sequencer_lease (who sequences, and its watermark), audit_log_entries (each
 * event's log index) and the sequencer's view of audit_events (the queue of events without one).
 * The only code that writes these rows.
 */
import type { Tx } from '../database/transaction-runner';

const hex = (buffer: Buffer) => `\\x${buffer.toString('hex')}`;

// ---------------------------------------------------------------------------------------------
// lease

export type LeaseOutcome = { held: true } | { held: false; holder: string; expiresAt: Date };

/**
 * Inside the batch transaction: locks the lease row (every batch, whoever runs it, is serialised
 * on this row lock) and takes or renews the lease for `holder` unless another live holder has it.
 * `holder` null: a one-off flush that needs the row lock only (it neither takes nor checks the lease).
 */
export async function lockLease(tx: Tx, holder: string | null, ttlMs: number): Promise<LeaseOutcome> {
  const [row] = (await tx.query(
    `SELECT holder, expires_at, expires_at > clock_timestamp() AS live FROM audit_sequencer_lease WHERE id = 1 FOR UPDATE`,
  )) as Array<{ holder: string | null; expires_at: Date; live: boolean }>;
  if (holder === null) return { held: true };
  if (row.holder !== null && row.holder !== holder && row.live)
    return { held: false, holder: row.holder, expiresAt: new Date(row.expires_at) };
  await tx.query(
    `UPDATE audit_sequencer_lease SET holder = $1, expires_at = clock_timestamp() + make_interval(secs => $2::float8 / 1000) WHERE id = 1`,
    [holder, ttlMs],
  );
  return { held: true };
}

/** Gives the lease up (a sequencer that stops), if `holder` still has it. */
export async function releaseLease(tx: Tx, holder: string): Promise<void> {
  await tx.query(
    `UPDATE audit_sequencer_lease SET holder = NULL, expires_at = '-infinity' WHERE id = 1 AND holder = $1`,
    [holder],
  );
}

export async function readLease(tx: Tx): Promise<{ holder: string | null; expiresAt: Date }> {
  const [row] = (await tx.query(`SELECT holder, expires_at FROM audit_sequencer_lease WHERE id = 1`)) as Array<{
    holder: string | null;
    expires_at: Date;
  }>;
  return { holder: row.holder, expiresAt: new Date(row.expires_at) };
}

// ---------------------------------------------------------------------------------------------
// the queue

/**
 * An event at or above the watermark ($1, from sequencedBelow) with no log index yet. The watermark
 * is passed as a value, not a sub-select: planned with the value, the (tx_id, seq) index range is
 * estimated as the few recent rows it is, and the anti-join probes audit_log_entries' seq index per
 * row; planned with an unknown parameter, PostgreSQL guessed a third of the table and hashed every
 * entry of the log on each call.
 */
const UNSEQUENCED = `e.tx_id >= $1::xid8 AND NOT EXISTS (SELECT 1 FROM audit_log_entries l WHERE l.seq = e.seq)`;

/** The watermark: every event of a transaction below it has its log index. */
async function sequencedBelow(tx: Tx): Promise<string> {
  const [row] = (await tx.query(
    `SELECT sequenced_below_tx::text AS below FROM audit_sequencer_lease WHERE id = 1`,
  )) as Array<{ below: string }>;
  return row.below;
}

/**
 * Up to `limit` events without a log index whose inserting transaction is older than every
 * transaction still running (tx_id below the snapshot's xmin), in (tx_id, seq) order, and that xmin.
 * No transaction that could still commit an event has an id below xmin, so such a set only grows at
 * its end: an event can never appear "behind" indexes already given (see src/audit/README.md).
 * Only events at or above the watermark `sequenced_below_tx` are looked at (below it every event
 * has its entry), through the (tx_id, seq) index.
 */
export async function takeSequenceable(
  tx: Tx,
  limit: number,
): Promise<{ events: Array<{ seq: number; leafHash: Buffer }>; xmin: string }> {
  const [{ xmin, below }] = (await tx.query(
    `SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin, sequenced_below_tx::text AS below
       FROM audit_sequencer_lease WHERE id = 1`,
  )) as Array<{ xmin: string; below: string }>;
  // xmin only grows, so this statement's own (newer) snapshot sees every event below it.
  const rows = (await tx.query(
    `SELECT e.seq, e.leaf_hash FROM audit_events e
      WHERE ${UNSEQUENCED} AND e.tx_id < $2::xid8
      ORDER BY e.tx_id, e.seq LIMIT $3`,
    [below, xmin, limit],
  )) as Array<{ seq: string; leaf_hash: Buffer }>;
  return { events: rows.map((row) => ({ seq: Number(row.seq), leafHash: Buffer.from(row.leaf_hash) })), xmin };
}

/**
 * Gives each event its log index: one row each in audit_log_entries (append-only; the primary key
 * and the unique seq make an index and an event's place each given once). Returns rows written.
 */
export async function assignLogIndexes(tx: Tx, seqs: number[], firstIndex: number): Promise<number> {
  if (seqs.length === 0) return 0;
  const indexes = seqs.map((_, i) => firstIndex + i);
  const rows = (await tx.query(
    `INSERT INTO audit_log_entries (log_index, seq) SELECT * FROM unnest($1::bigint[], $2::bigint[]) RETURNING seq`,
    [indexes, seqs],
  )) as unknown[];
  return rows.length;
}

/**
 * After a batch that took every sequenceable event: every event of a transaction below `xmin` now
 * has its entry, so later batches start there. Only ever moves forward.
 */
export async function advanceSequencedWatermark(tx: Tx, xmin: string): Promise<void> {
  await tx.query(
    `UPDATE audit_sequencer_lease SET sequenced_below_tx = $1::xid8 WHERE id = 1 AND sequenced_below_tx < $1::xid8`,
    [xmin],
  );
}

/** Seconds since the oldest event still without a log index was written (0 when none). */
export async function unsequencedAgeSeconds(tx: Tx): Promise<number> {
  const [row] = (await tx.query(
    `SELECT COALESCE(extract(epoch FROM clock_timestamp() - min(e.occurred_at)), 0)::float8 AS age
       FROM audit_events e WHERE ${UNSEQUENCED}`,
    [await sequencedBelow(tx)],
  )) as Array<{ age: number }>;
  return Math.max(0, Number(row.age));
}

export async function countUnsequenced(tx: Tx): Promise<number> {
  const [row] = (await tx.query(`SELECT count(*)::int AS count FROM audit_events e WHERE ${UNSEQUENCED}`, [
    await sequencedBelow(tx),
  ])) as Array<{ count: number }>;
  return row.count;
}

// ---------------------------------------------------------------------------------------------
// tree nodes

/** The number of leaves in the tree (level-0 nodes are the leaves, indexes 0..size−1). */
export async function treeSize(tx: Tx): Promise<number> {
  const [row] = (await tx.query(
    `SELECT COALESCE(max(idx) + 1, 0) AS size FROM audit_tree_nodes WHERE level = 0`,
  )) as Array<{
    size: string | number;
  }>;
  return Number(row.size);
}

export async function insertTreeNodes(
  tx: Tx,
  nodes: Array<{ level: number; index: number; hash: Buffer }>,
): Promise<void> {
  if (nodes.length === 0) return;
  await tx.query(
    `INSERT INTO audit_tree_nodes (level, idx, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`,
    [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => hex(n.hash))],
  );
}

/** The hashes of the given nodes, keyed "level/index" (missing nodes are absent). */
export async function readTreeNodes(
  tx: Tx,
  wanted: ReadonlyArray<{ level: number; index: number }>,
): Promise<Map<string, Buffer>> {
  const found = new Map<string, Buffer>();
  if (wanted.length === 0) return found;
  const rows = (await tx.query(
    `SELECT n.level, n.idx, n.hash FROM audit_tree_nodes n
       JOIN (SELECT unnest($1::smallint[]) AS level, unnest($2::bigint[]) AS idx) w ON n.level = w.level AND n.idx = w.idx`,
    [wanted.map((w) => w.level), wanted.map((w) => w.index)],
  )) as Array<{ level: number; idx: string; hash: Buffer }>;
  for (const row of rows) found.set(`${row.level}/${Number(row.idx)}`, Buffer.from(row.hash));
  return found;
}

// ---------------------------------------------------------------------------------------------
// signed tree heads

export interface TreeHeadRecord {
  id: number;
  treeSize: number;
  rootHash: Buffer;
  signedAt: Date;
  keyName: string;
  keyId: string;
  /** The whole signed note (C2SP tlog-checkpoint body + signature lines). */
  note: string;
}

interface TreeHeadRow {
  id: string;
  tree_size: string;
  root_hash: Buffer;
  signed_at: Date;
  key_name: string;
  key_id: string;
  note: string;
}

const HEAD_COLUMNS = 'id, tree_size, root_hash, signed_at, key_name, key_id, note';

function toHead(row: TreeHeadRow): TreeHeadRecord {
  return {
    id: Number(row.id),
    treeSize: Number(row.tree_size),
    rootHash: Buffer.from(row.root_hash),
    signedAt: new Date(row.signed_at),
    keyName: row.key_name,
    keyId: row.key_id,
    note: row.note,
  };
}

export async function insertTreeHead(tx: Tx, head: Omit<TreeHeadRecord, 'id'>): Promise<TreeHeadRecord> {
  const [row] = (await tx.query(
    `INSERT INTO audit_tree_heads (tree_size, root_hash, signed_at, key_name, key_id, note)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${HEAD_COLUMNS}`,
    [head.treeSize, hex(head.rootHash), head.signedAt, head.keyName, head.keyId, head.note],
  )) as TreeHeadRow[];
  return toHead(row);
}

/** The latest signed head (largest tree, then newest). */
export async function latestTreeHead(tx: Tx): Promise<TreeHeadRecord | undefined> {
  const [row] = (await tx.query(
    `SELECT ${HEAD_COLUMNS} FROM audit_tree_heads ORDER BY tree_size DESC, id DESC LIMIT 1`,
  )) as TreeHeadRow[];
  return row ? toHead(row) : undefined;
}

export async function listTreeHeads(
  tx: Tx,
  options: { newestFirst?: boolean; limit?: number; offset?: number; afterId?: number } = {},
): Promise<TreeHeadRecord[]> {
  const rows = (await tx.query(
    `SELECT ${HEAD_COLUMNS} FROM audit_tree_heads WHERE id > $1
      ORDER BY ${options.newestFirst ? 'tree_size DESC, id DESC' : 'tree_size ASC, id ASC'} LIMIT $2 OFFSET $3`,
    [options.afterId ?? 0, options.limit ?? null, options.offset ?? 0],
  )) as TreeHeadRow[];
  return rows.map(toHead);
}

export async function countTreeHeads(tx: Tx): Promise<number> {
  const [row] = (await tx.query(`SELECT count(*)::int AS count FROM audit_tree_heads`)) as Array<{ count: number }>;
  return row.count;
}

/** Stored leaves (level-0 nodes) with fromIndex <= idx < untilIndex, in order. */
export async function readLeafNodes(tx: Tx, fromIndex: number, untilIndex: number): Promise<Buffer[]> {
  const rows = (await tx.query(
    `SELECT hash FROM audit_tree_nodes WHERE level = 0 AND idx >= $1 AND idx < $2 ORDER BY idx`,
    [fromIndex, untilIndex],
  )) as Array<{ hash: Buffer }>;
  return rows.map((row) => Buffer.from(row.hash));
}

/** The index of a stored leaf with this hash, if any (a diagnosis when verification fails: slow). */
export async function findLeafIndex(tx: Tx, leaf: Buffer): Promise<number | undefined> {
  const [row] = (await tx.query(`SELECT idx FROM audit_tree_nodes WHERE level = 0 AND hash = $1 LIMIT 1`, [
    hex(leaf),
  ])) as Array<{ idx: string }>;
  return row ? Number(row.idx) : undefined;
}

/** The highest insertion id committed so far (0 when none). */
export async function maxEventSeq(tx: Tx): Promise<number> {
  const [row] = (await tx.query(`SELECT COALESCE(max(seq), 0) AS seq FROM audit_events`)) as Array<{
    seq: string | number;
  }>;
  return Number(row.seq);
}

/** Whether a committed event with seq <= `upTo` still has no log index. */
export async function hasUnsequencedUpTo(tx: Tx, upTo: number): Promise<boolean> {
  const rows = (await tx.query(`SELECT 1 FROM audit_events e WHERE ${UNSEQUENCED} AND e.seq <= $2 LIMIT 1`, [
    await sequencedBelow(tx),
    upTo,
  ])) as unknown[];
  return rows.length > 0;
}
