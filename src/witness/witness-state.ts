/**
 * The witness's own state, in a JSON file outside the database: the latest checkpoint it cosigned
 * (with its cosignature), a bounded history of the (size, root) pairs it cosigned, and evidence of
 * every head it refused. Saved atomically: write a temporary file, fsync it, rename it over the
 * old one, fsync the directory — a crash leaves the old state or the new one, never half of one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface CosignedHead {
  size: number;
  /** base64 */
  rootHash: string;
  /** ISO 8601: when this witness cosigned it. */
  cosignedAt: string;
}

export interface Evidence {
  detectedAt: string;
  kind: 'rollback' | 'fork' | 'inconsistent';
  message: string;
  /** The head the witness had cosigned (its full cosigned note). */
  cosigned: CosignedHead & { note: string };
  /** The log's signed head it refused (the note as served). */
  offered: { size: number; rootHash: string; note: string };
  /** The consistency proof the log gave, if any (base64). */
  proof?: string[];
}

export interface WitnessState {
  version: 1;
  origin: string;
  /** The latest checkpoint cosigned: the log's note with this witness's cosignature line appended. */
  latest: (CosignedHead & { note: string; posted: boolean }) | null;
  /** Cosigned (size, root) pairs in size order, compacted (see compactHistory). */
  history: CosignedHead[];
  evidence: Evidence[];
}

export const MAX_EVIDENCE = 100;

export function emptyState(origin: string): WitnessState {
  return { version: 1, origin, latest: null, history: [], evidence: [] };
}

export function loadState(file: string, origin: string): WitnessState {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyState(origin);
    throw error;
  }
  const state = JSON.parse(text) as WitnessState;
  if (state.version !== 1 || !Array.isArray(state.history) || !Array.isArray(state.evidence))
    throw new Error(`${file} is not a witness state file (version 1)`);
  if (state.origin !== origin)
    throw new Error(`${file} is the state of a witness of ${state.origin}, not of ${origin}: use another state file`);
  return state;
}

export function saveState(file: string, state: WitnessState): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(state, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  const dirFd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(dirFd);
  } finally {
    fs.closeSync(dirFd);
  }
}

/**
 * Keeps the history within `limit` entries: the newest half stays complete; in the older part every
 * second entry is dropped (the first one is always kept), so recent rewrites are located exactly
 * and older ones between sizes that grow further apart.
 */
export function compactHistory(history: CosignedHead[], limit: number): CosignedHead[] {
  if (history.length <= limit) return history;
  const keepRecent = Math.max(1, Math.floor(limit / 2));
  const older = history.slice(0, history.length - keepRecent);
  const recent = history.slice(history.length - keepRecent);
  let thinned = older.filter((_, i) => i === 0 || i % 2 === 0);
  while (thinned.length + recent.length > limit && thinned.length > 1)
    thinned = thinned.filter((_, i) => i === 0 || i % 2 === 0);
  return [...thinned, ...recent];
}
