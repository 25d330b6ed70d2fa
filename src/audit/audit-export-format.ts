import { leafBytesOf } from './audit-leaf';
import type { AuditEventRecord } from './audit.repository';
import { CompactRange, coveringNodes, frontierNodes, leafHash, verifyInclusion } from './merkle/rfc6962';
import { openNote, parseCheckpoint, parseVerifierKey, type NoteVerifier } from './signed-note';

export const EXPORT_KIND = 'audit_export';
export const EXPORT_VERSION = 2;

/**
 * First line of a JSONL export (and, after `# `, of a CSV export): the log-index range exported,
 * a signed tree head covering it, and the range proof that ties the exported events to that head:
 * `left` are the frontier hashes of the tree of `firstIndex` leaves (frontierNodes), `right` the
 * covering nodes of [lastIndex + 1, treeSize) (coveringNodes). Left frontier + the events' leaves +
 * right nodes rebuild the head's root — with any RFC 9162 implementation.
 */
export interface ExportHeader {
  kind: typeof EXPORT_KIND;
  version: typeof EXPORT_VERSION;
  format: 'jsonl' | 'csv';
  exportedAt: string;
  range: {
    from: string | null;
    to: string | null;
    firstIndex: number | null;
    lastIndex: number | null;
    count: number;
  };
  /** The signed tree head the range is proven against (null only for an empty log). */
  treeHead: { treeSize: number; rootHash: string; note: string } | null;
  rangeProof: { left: string[]; right: string[] };
  /** The current audit key as a C2SP verifier key. */
  verifierKey: string;
  /**
   * A filtered export (any filter besides from/to): only the events of the range that match `filters`
   * (`range.count` of them), each line with its own `inclusionProof` against the tree head, since a
   * selection cannot be proven by the range proof (which then proves only the range's bounds).
   */
  selection?: { filters: Record<string, string> } | null;
}

export const CSV_COLUMNS = [
  'seq',
  'occurred_at',
  'actor_type',
  'actor_id',
  'action',
  'resource_type',
  'resource_id',
  'request_id',
  'source_ip',
  'justification',
  'details',
  'prev_hash',
  'hash',
  'log_index',
  'leaf_hash',
] as const;

export function csvRow(event: AuditEventRecord): string {
  const cells: Array<string | number | null> = [
    event.seq,
    event.occurredAt.toISOString(),
    event.actorType,
    event.actorId,
    event.action,
    event.resourceType,
    event.resourceId,
    event.requestId,
    event.sourceIp,
    event.justification,
    JSON.stringify(event.details),
    event.prevHash,
    event.hash,
    event.logIndex,
    event.leafHash,
  ];
  return cells.map(csvCell).join(',');
}

/** Cells a spreadsheet would run as a formula (OWASP CSV injection): prefixed with `'` so they stay text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const raw = String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type ExportProblemKind =
  'malformed' | 'incomplete' | 'untrusted_key' | 'bad_signature' | 'leaf_mismatch' | 'root_mismatch';

export interface ExportProblem {
  kind: ExportProblemKind;
  logIndex: number | null;
  message: string;
}

export interface ExportVerifyReport {
  ok: boolean;
  eventsChecked: number;
  /** A filtered export: each event was proven by its own inclusion proof. */
  selection?: boolean;
  range: ExportHeader['range'] | null;
  /** The tree head the export was proven against, once its signature verified. */
  treeHead: { treeSize: number; rootHash: string; keyName: string } | null;
  problem?: ExportProblem;
}

/** The frontier/covering node positions of an export's range proof (for the service that fills them). */
export function rangeProofNodes(
  firstIndex: number,
  lastIndex: number,
  treeSize: number,
): { left: Array<{ level: number; index: number }>; right: Array<{ level: number; index: number }> } {
  return { left: frontierNodes(firstIndex), right: coveringNodes(lastIndex + 1, treeSize) };
}

const fromBase64 = (text: unknown): Buffer | undefined =>
  typeof text === 'string' && /^[A-Za-z0-9+/]{43}=$/.test(text) ? Buffer.from(text, 'base64') : undefined;

/**
 * Verifies a JSONL export offline with nothing but the file: every event's leaf is recomputed from
 * its content (src/audit/README.md gives the bytes), the log indexes are contiguous, and the left
 * frontier + the leaves + the right nodes rebuild the root that the header's tree head signs, with
 * a key the verifier trusts: `trustedKeys` (C2SP verifier keys, e.g. from `audit:keys`, kept from
 * earlier), or — proving internal consistency only — the key the file names itself.
 */
export async function verifyExportLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: { trustedKeys?: readonly string[] } = {},
): Promise<ExportVerifyReport> {
  let header: ExportHeader | undefined;
  let range: CompactRange | undefined;
  let checked = 0;
  let lineNumber = 0;
  let verifiedHead: ExportVerifyReport['treeHead'] = null;
  let lastSelected = -1;
  const report = (problem?: ExportProblem): ExportVerifyReport => ({
    ok: !problem,
    eventsChecked: checked,
    ...(header?.selection ? { selection: true } : {}),
    range: header?.range ?? null,
    treeHead: verifiedHead,
    ...(problem ? { problem } : {}),
  });

  for await (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '') continue;
    lineNumber += 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return report({ kind: 'malformed', logIndex: null, message: `line ${lineNumber} is not JSON` });
    }
    if (!header) {
      const candidate = value as ExportHeader;
      if (candidate?.kind !== EXPORT_KIND || candidate.version !== EXPORT_VERSION)
        return report({
          kind: 'malformed',
          logIndex: null,
          message:
            candidate?.kind === EXPORT_KIND
              ? `export version ${String(candidate.version)}: this verifier reads version ${EXPORT_VERSION} (see src/audit/README.md for exports made before the Merkle log)`
              : 'the first line is not an audit export header (was the file exported as jsonl?)',
        });
      header = candidate;
      const problem = checkHead(header, options.trustedKeys);
      if (problem) return report(problem);
      if (header.treeHead)
        verifiedHead = {
          treeSize: header.treeHead.treeSize,
          rootHash: header.treeHead.rootHash,
          keyName: header.verifierKey.split('+')[0],
        };
      const left = header.rangeProof.left.map(fromBase64);
      if (left.some((hash) => !hash))
        return report({ kind: 'malformed', logIndex: null, message: 'the range proof holds a malformed hash' });
      try {
        range = new CompactRange(header.range.firstIndex ?? 0, left as Buffer[]);
      } catch (error) {
        return report({ kind: 'malformed', logIndex: null, message: `range proof: ${(error as Error).message}` });
      }
      continue;
    }
    const event = parseEvent(value);
    if (!event || !range)
      return report({ kind: 'malformed', logIndex: null, message: `line ${lineNumber} is not an audit event` });
    if (header.selection) {
      const problem = checkSelected(
        header,
        event,
        (value as { inclusionProof?: unknown }).inclusionProof,
        lastSelected,
      );
      if (problem) return report(problem);
      lastSelected = event.logIndex as number;
      checked += 1;
      continue;
    }
    if (event.logIndex !== range.size)
      return report({
        kind: 'incomplete',
        logIndex: range.size,
        message: `expected the event at log index ${range.size}, found ${String(event.logIndex)}`,
      });
    const leaf = leafHash(leafBytesOf(event));
    if (leaf.toString('hex') !== event.leafHash)
      return report({
        kind: 'leaf_mismatch',
        logIndex: event.logIndex,
        message: `the event at log index ${event.logIndex} was altered: its content does not give its leaf hash`,
      });
    range.append(leaf);
    checked += 1;
  }
  if (!header || !range) return report({ kind: 'malformed', logIndex: null, message: 'the file is empty' });
  if (checked !== header.range.count)
    return report({
      kind: 'incomplete',
      logIndex: range.size,
      message: `the header announces ${header.range.count} events, the file has ${checked}`,
    });
  if (!header.treeHead || header.selection) return report();
  for (const hash of header.rangeProof.right) {
    const node = fromBase64(hash);
    if (!node) return report({ kind: 'malformed', logIndex: null, message: 'the range proof holds a malformed hash' });
    const remaining = header.treeHead.treeSize - range.size;
    const level = coveringNodes(range.size, header.treeHead.treeSize)[0]?.level;
    if (level === undefined || remaining <= 0)
      return report({ kind: 'malformed', logIndex: null, message: 'the range proof has too many right nodes' });
    range.appendSubtree(level, node);
  }
  if (range.size !== header.treeHead.treeSize || range.root().toString('base64') !== header.treeHead.rootHash)
    return report({
      kind: 'root_mismatch',
      logIndex: null,
      message: `the events and the range proof do not give the root the tree head of size ${header.treeHead.treeSize} signs`,
    });
  return report();
}

function checkHead(header: ExportHeader, trustedKeys: readonly string[] | undefined): ExportProblem | undefined {
  const at = { logIndex: null };
  if (!header.treeHead)
    return header.range.count === 0
      ? undefined
      : { kind: 'malformed', ...at, message: 'the export has events but no tree head' };
  let verifiers: NoteVerifier[];
  try {
    verifiers = (trustedKeys && trustedKeys.length > 0 ? trustedKeys : [header.verifierKey]).map(parseVerifierKey);
  } catch (error) {
    return { kind: 'malformed', ...at, message: `verifier key: ${(error as Error).message}` };
  }
  let opened;
  try {
    opened = openNote(header.treeHead.note, verifiers);
  } catch {
    return { kind: 'malformed', ...at, message: 'the tree head is not a signed note' };
  }
  if (opened.verifiedBy.length === 0)
    return opened.signatures.some((s) => s.known)
      ? { kind: 'bad_signature', ...at, message: 'the tree head signature does not verify' }
      : { kind: 'untrusted_key', ...at, message: 'the tree head is not signed by a trusted key' };
  const body = parseCheckpoint(opened.body);
  if (body.size !== header.treeHead.treeSize || body.rootHash.toString('base64') !== header.treeHead.rootHash)
    return { kind: 'bad_signature', ...at, message: "the header's tree size or root differs from the signed note" };
  if (header.range.lastIndex !== null && header.range.lastIndex >= body.size)
    return { kind: 'malformed', ...at, message: 'the tree head does not cover the exported range' };
  return undefined;
}

/** One event of a filtered export: in the range, after the previous one, its leaf, and its inclusion proof. */
function checkSelected(
  header: ExportHeader,
  event: AuditEventRecord,
  proof: unknown,
  previous: number,
): ExportProblem | undefined {
  const index = event.logIndex;
  const { firstIndex, lastIndex } = header.range;
  if (
    index === null ||
    firstIndex === null ||
    lastIndex === null ||
    index < firstIndex ||
    index > lastIndex ||
    index <= previous
  )
    return {
      kind: 'malformed',
      logIndex: index,
      message: `the event at log index ${String(index)} is out of order or out of the range`,
    };
  const leaf = leafHash(leafBytesOf(event));
  if (leaf.toString('hex') !== event.leafHash)
    return {
      kind: 'leaf_mismatch',
      logIndex: index,
      message: `the event at log index ${index} was altered: its content does not give its leaf hash`,
    };
  const path = Array.isArray(proof) ? proof.map(fromBase64) : [];
  const root = fromBase64(header.treeHead?.rootHash);
  if (
    !header.treeHead ||
    !root ||
    !Array.isArray(proof) ||
    path.some((hash) => !hash) ||
    !verifyInclusion(leaf, index, header.treeHead.treeSize, path as Buffer[], root)
  )
    return {
      kind: 'root_mismatch',
      logIndex: index,
      message: `the inclusion proof of the event at log index ${index} does not lead to the signed tree head`,
    };
  return undefined;
}

function parseEvent(value: unknown): AuditEventRecord | undefined {
  const event = value as Record<string, unknown> | null;
  if (
    !event ||
    typeof event !== 'object' ||
    typeof event.seq !== 'number' ||
    typeof event.logIndex !== 'number' ||
    typeof event.leafHash !== 'string' ||
    typeof event.occurredAt !== 'string' ||
    typeof event.action !== 'string' ||
    !event.details ||
    typeof event.details !== 'object'
  )
    return undefined;
  return {
    seq: event.seq,
    logIndex: event.logIndex,
    occurredAt: new Date(event.occurredAt),
    actorType: event.actorType as AuditEventRecord['actorType'],
    actorId: (event.actorId as string | null) ?? null,
    action: event.action,
    resourceType: (event.resourceType as string | null) ?? null,
    resourceId: (event.resourceId as string | null) ?? null,
    requestId: (event.requestId as string | null) ?? null,
    sourceIp: (event.sourceIp as string | null) ?? null,
    justification: (event.justification as string | null) ?? null,
    details: event.details as Record<string, unknown>,
    prevHash: (event.prevHash as string | null) ?? null,
    hash: (event.hash as string | null) ?? null,
    leafHash: event.leafHash,
  };
}
