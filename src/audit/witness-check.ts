/**
 * Rollback / fork detection against witnesses. A witness's latest cosigned checkpoint says "this
 * log once had size W and root R"; the database's tree must still have root R at size W (which is
 * what a consistency proof from W to the database's latest head proves). If not, the log was
 * rolled back, rewritten or forked — whatever the database itself says about its own consistency.
 * The witness's history of cosigned (size, root) pairs locates the change: it lies in the leaves
 * between the largest cosigned size that still matches and the smallest that does not.
 */
import { parseCosignatureLine, verifyCosignature, type CosignatureVerifier } from './cosignature';
import { parseCheckpoint, parseNote } from './signed-note';

/** What one witness says: its latest cosigned checkpoint note, and optionally its history. */
export interface WitnessView {
  /** Where it came from: a URL or a state file path. */
  source: string;
  /** The cosigned checkpoint (log signature and the witness's cosignature lines). */
  note?: string;
  history?: ReadonlyArray<{ size: number; rootHash: string }>;
  /** Why nothing could be read. */
  error?: string;
}

export type WitnessStatus = 'consistent' | 'rolled_back_or_forked' | 'unverified' | 'unreachable';

export interface WitnessFinding {
  source: string;
  status: WitnessStatus;
  /** The witness whose cosignature verified (name+keyid). */
  witness: string | null;
  treeSize: number | null;
  rootHash: string | null;
  /** When the witness cosigned (ISO 8601). */
  cosignedAt: string | null;
  /**
   * For rolled_back_or_forked: the change lies in leaves [consistentSize, inconsistentSize − 1]
   * (consistentSize 0 when no cosigned size still matches).
   */
  located: { consistentSize: number; inconsistentSize: number } | null;
  message: string;
}

export interface WitnessSection {
  /** Witnesses whose cosigned head was compared with the database. */
  checked: number;
  findings: WitnessFinding[];
}

export interface LogSide {
  origin: string;
  /** Trusted witness keys (AUDIT_WITNESS_KEYS). */
  witnessKeys: ReadonlyArray<string | CosignatureVerifier>;
  /** The size of the database's tree. */
  size: number;
  /** The database's tree root at `size` (≤ the tree's size), or a consistency check of (size, root). */
  consistentWith(size: number, root: Buffer): Promise<boolean>;
}

export async function checkWitnesses(views: readonly WitnessView[], log: LogSide): Promise<WitnessSection> {
  const findings: WitnessFinding[] = [];
  for (const view of views) findings.push(await checkOne(view, log));
  return {
    checked: findings.filter((f) => f.status === 'consistent' || f.status === 'rolled_back_or_forked').length,
    findings,
  };
}

async function checkOne(view: WitnessView, log: LogSide): Promise<WitnessFinding> {
  const base = { source: view.source, witness: null, treeSize: null, rootHash: null, cosignedAt: null, located: null };
  if (view.error || !view.note)
    return { ...base, status: 'unreachable', message: view.error ?? 'no cosigned checkpoint' };
  let body: string;
  let checkpoint;
  let lines;
  try {
    ({ body, signatures: lines } = parseNote(view.note));
    checkpoint = parseCheckpoint(body);
  } catch (error) {
    return { ...base, status: 'unverified', message: `not a checkpoint note: ${(error as Error).message}` };
  }
  if (checkpoint.origin !== log.origin)
    return {
      ...base,
      status: 'unverified',
      message: `the witness's checkpoint is for another log (${checkpoint.origin})`,
    };
  let verified: { name: string; keyId: string; timestamp: number } | undefined;
  for (const line of lines) {
    if (line.signature.length !== 72) continue;
    const text = `\u2014 ${line.name} ${Buffer.concat([Buffer.from(line.keyId, 'hex'), line.signature]).toString('base64')}`;
    const cosignature = parseCosignatureLine(text);
    const key = verifyCosignature(body, cosignature, log.witnessKeys);
    if (key) {
      verified = { name: key.name, keyId: key.keyId.toString('hex'), timestamp: cosignature.timestamp };
      break;
    }
  }
  const at = {
    ...base,
    treeSize: checkpoint.size,
    rootHash: checkpoint.rootHash.toString('base64'),
  };
  if (!verified)
    return {
      ...at,
      status: 'unverified',
      message: 'no cosignature on the checkpoint verifies with a configured witness key (AUDIT_WITNESS_KEYS)',
    };
  const found = {
    ...at,
    witness: `${verified.name}+${verified.keyId}`,
    cosignedAt: new Date(verified.timestamp * 1000).toISOString(),
  };
  if (await matches(log, checkpoint.size, checkpoint.rootHash))
    return {
      ...found,
      status: 'consistent',
      message: `the log (size ${log.size}) is consistent with the witness's head of size ${checkpoint.size}`,
    };

  // Locate: history sizes in order, binary search for the last that still matches.
  const history = [...(view.history ?? [])]
    .filter((entry) => entry.size < checkpoint.size)
    .sort((a, b) => a.size - b.size);
  let low = -1; // history[low] matches (−1: none known)
  let high = history.length; // history[high] does not (history.length: the latest head)
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    const entry = history[mid];
    if (await matches(log, entry.size, Buffer.from(entry.rootHash, 'base64'))) low = mid;
    else high = mid;
  }
  const consistentSize = low >= 0 ? history[low].size : 0;
  const inconsistentSize = high < history.length ? history[high].size : checkpoint.size;
  const rolledBack = checkpoint.size > log.size;
  return {
    ...found,
    status: 'rolled_back_or_forked',
    located: { consistentSize, inconsistentSize },
    message:
      (rolledBack
        ? `the witness cosigned a head of size ${checkpoint.size} but the log holds only ${log.size} leaves`
        : `the log's tree at size ${checkpoint.size} does not have the root the witness cosigned`) +
      `: the log was rolled back or forked; the change lies in leaves ${consistentSize}..${inconsistentSize - 1}` +
      ` (between the witness's cosigned sizes ${consistentSize} and ${inconsistentSize})`,
  };
}

async function matches(log: LogSide, size: number, root: Buffer): Promise<boolean> {
  if (size > log.size) return false;
  return log.consistentWith(size, root);
}
