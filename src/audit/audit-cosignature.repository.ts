/**
 * audit_cosignatures: witnesses' C2SP cosignatures of the log's signed tree heads (append-only).
 * The only code that reads or writes these rows; it also looks up the signed head a cosignature
 * names (by size and root) in audit_tree_heads, read-only.
 */
import type { Tx } from '../database/transaction-runner';

export interface CosignatureRecord {
  id: number;
  treeHeadId: number;
  treeSize: number;
  witnessName: string;
  keyId: string;
  cosignedAt: Date;
  /** The verbatim signature line, without its newline. */
  line: string;
  receivedAt: Date;
}

interface CosignatureRow {
  id: string;
  tree_head_id: string;
  tree_size: string;
  witness_name: string;
  key_id: string;
  cosigned_at: Date;
  line: string;
  received_at: Date;
}

const COLUMNS = 'id, tree_head_id, tree_size, witness_name, key_id, cosigned_at, line, received_at';

function toRecord(row: CosignatureRow): CosignatureRecord {
  return {
    id: Number(row.id),
    treeHeadId: Number(row.tree_head_id),
    treeSize: Number(row.tree_size),
    witnessName: row.witness_name,
    keyId: row.key_id,
    cosignedAt: new Date(row.cosigned_at),
    line: row.line,
    receivedAt: new Date(row.received_at),
  };
}

/** The id and note of a signed head with this size and root (the first signed), if the log has one. */
export async function findTreeHeadByRoot(
  tx: Tx,
  treeSize: number,
  rootHash: Buffer,
): Promise<{ id: number; note: string } | undefined> {
  const [row] = (await tx.query(
    `SELECT id, note FROM audit_tree_heads WHERE tree_size = $1 AND root_hash = $2 ORDER BY id LIMIT 1`,
    [treeSize, `\\x${rootHash.toString('hex')}`],
  )) as Array<{ id: string; note: string }>;
  return row ? { id: Number(row.id), note: row.note } : undefined;
}

/** Inserts a cosignature; undefined when this witness key already cosigned this head. */
export async function insertCosignature(
  tx: Tx,
  cosignature: Omit<CosignatureRecord, 'id' | 'receivedAt'>,
): Promise<CosignatureRecord | undefined> {
  const [row] = (await tx.query(
    `INSERT INTO audit_cosignatures (tree_head_id, tree_size, witness_name, key_id, cosigned_at, line)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tree_head_id, witness_name, key_id) DO NOTHING RETURNING ${COLUMNS}`,
    [
      cosignature.treeHeadId,
      cosignature.treeSize,
      cosignature.witnessName,
      cosignature.keyId,
      cosignature.cosignedAt,
      cosignature.line,
    ],
  )) as CosignatureRow[];
  return row ? toRecord(row) : undefined;
}

export async function cosignaturesOfHead(tx: Tx, treeHeadId: number): Promise<CosignatureRecord[]> {
  const rows = (await tx.query(`SELECT ${COLUMNS} FROM audit_cosignatures WHERE tree_head_id = $1 ORDER BY id`, [
    treeHeadId,
  ])) as CosignatureRow[];
  return rows.map(toRecord);
}

/** Cosignatures, largest tree first. */
export async function listCosignatures(
  tx: Tx,
  options: { limit: number; offset: number; treeSize?: number },
): Promise<{ items: CosignatureRecord[]; total: number }> {
  const filter = options.treeSize === undefined ? '' : 'WHERE tree_size = $3';
  const params: unknown[] = [options.limit, options.offset];
  if (options.treeSize !== undefined) params.push(options.treeSize);
  const rows = (await tx.query(
    `SELECT ${COLUMNS}, count(*) OVER () AS total FROM audit_cosignatures ${filter}
      ORDER BY tree_size DESC, id DESC LIMIT $1 OFFSET $2`,
    params,
  )) as Array<CosignatureRow & { total: string }>;
  let total = rows.length > 0 ? Number(rows[0].total) : 0;
  if (rows.length === 0 && options.offset > 0) {
    const [row] = (await tx.query(
      `SELECT count(*)::int AS total FROM audit_cosignatures ${options.treeSize === undefined ? '' : 'WHERE tree_size = $1'}`,
      options.treeSize === undefined ? [] : [options.treeSize],
    )) as Array<{ total: number }>;
    total = row.total;
  }
  return { items: rows.map(toRecord), total };
}

/** The largest signed head that has at least one stored cosignature. */
export async function latestCosignedHead(
  tx: Tx,
): Promise<{ id: number; treeSize: number; rootHash: Buffer; note: string } | undefined> {
  const [row] = (await tx.query(
    `SELECT h.id, h.tree_size, h.root_hash, h.note FROM audit_tree_heads h
      WHERE EXISTS (SELECT 1 FROM audit_cosignatures c WHERE c.tree_head_id = h.id)
      ORDER BY h.tree_size DESC, h.id DESC LIMIT 1`,
  )) as Array<{ id: string; tree_size: string; root_hash: Buffer; note: string }>;
  return row
    ? { id: Number(row.id), treeSize: Number(row.tree_size), rootHash: Buffer.from(row.root_hash), note: row.note }
    : undefined;
}
