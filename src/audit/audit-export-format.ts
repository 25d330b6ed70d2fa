import { ChainVerifier, type ChainProblem, type ChainProblemKind } from './audit-chain';
import type { AuditEventRecord } from './audit.repository';
import { checkCheckpointSignature, type SignedCheckpoint } from './audit-signing';

export const EXPORT_KIND = 'audit_export';
export const EXPORT_VERSION = 1;

/**
 * First line of a JSONL export (and, after `# `, of a CSV export): the range exported, the latest
 * checkpoint inside that range (so its head hash can be checked against the exported events) and
 * the service's public key.
 */
export interface ExportHeader {
  kind: typeof EXPORT_KIND;
  version: typeof EXPORT_VERSION;
  format: 'jsonl' | 'csv';
  exportedAt: string;
  range: { from: string | null; to: string | null; firstSeq: number | null; lastSeq: number | null; count: number };
  checkpoint: SignedCheckpoint | null;
  publicKey: { keyId: string; pem: string };
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
  ];
  return cells.map(csvCell).join(',');
}

/** Cells a spreadsheet would run as a formula (OWASP CSV injection): prefixed with `'` so they stay text. */
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const raw = String(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export type ExportProblemKind = ChainProblemKind | 'malformed' | 'incomplete' | 'untrusted_key';

export interface ExportProblem {
  kind: ExportProblemKind;
  seq: number | null;
  message: string;
}

export interface ExportVerifyReport {
  ok: boolean;
  eventsChecked: number;
  range: ExportHeader['range'] | null;
  head: { seq: number; hash: string } | null;
  /** The checkpoints whose signature and head hash were checked against the export. */
  checkpointsVerified: number[];
  problem?: ExportProblem;
}

/**
 * Reads a checkpoint an outsider kept: a checkpoint object (as GET /v1/audit/checkpoints returns
 * it), or an earlier JSONL export whose header carries one.
 */
export function parsePinnedCheckpoint(text: string): SignedCheckpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = JSON.parse(text.trimStart().split('\n', 1)[0]);
  }
  const object = value as Partial<ExportHeader> & Partial<SignedCheckpoint>;
  const checkpoint = object.kind === EXPORT_KIND ? object.checkpoint : (object as SignedCheckpoint);
  if (
    !checkpoint ||
    typeof checkpoint.signature !== 'string' ||
    typeof checkpoint.headHash !== 'string' ||
    checkpoint.seq === undefined
  ) {
    throw new Error('the checkpoint file holds neither a checkpoint nor an export whose header carries one');
  }
  return checkpoint;
}

/**
 * Verifies a JSONL export offline, with nothing but the file (and optionally a checkpoint kept from
 * earlier): the chain is recomputed event by event, the range is complete, the header's checkpoint
 * and the pinned one are signed by the same key and their head hashes are the export's hashes at
 * their seqs. A pinned checkpoint from an earlier export proves this export extends that history
 * rather than rewriting it.
 */
export async function verifyExportLines(
  lines: AsyncIterable<string> | Iterable<string>,
  options: { pinned?: SignedCheckpoint } = {},
): Promise<ExportVerifyReport> {
  let header: ExportHeader | undefined;
  let verifier: ChainVerifier | undefined;
  let lineNumber = 0;
  const pending = new Map<number, { checkpoint: SignedCheckpoint; label: string }>();
  const verified: number[] = [];
  let trustedKeyId: string | undefined;
  const report = (problem?: ExportProblem): ExportVerifyReport => ({
    ok: !problem,
    eventsChecked: verifier?.eventsChecked ?? 0,
    range: header?.range ?? null,
    head: verifier ? verifier.head : null,
    checkpointsVerified: verified,
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
      return report({ kind: 'malformed', seq: null, message: `line ${lineNumber} is not JSON` });
    }
    if (!header) {
      const candidate = value as ExportHeader;
      if (candidate?.kind !== EXPORT_KIND || candidate.version !== EXPORT_VERSION) {
        return report({
          kind: 'malformed',
          seq: null,
          message: 'the first line is not an audit export header (was the file exported as jsonl?)',
        });
      }
      header = candidate;
      trustedKeyId = options.pinned?.keyId ?? header.publicKey?.keyId;
      for (const [checkpoint, label] of [
        [options.pinned, 'pinned checkpoint'],
        [header.checkpoint, "header's checkpoint"],
      ] as const) {
        if (!checkpoint) continue;
        const badSignature = checkCheckpointSignature(checkpoint, trustedKeyId ? [trustedKeyId] : undefined);
        if (badSignature)
          return report({
            kind: badSignature.includes('not a trusted') ? 'untrusted_key' : 'bad_signature',
            seq: Number(checkpoint.seq),
            message: `${label}: ${badSignature}`,
          });
        const other = pending.get(Number(checkpoint.seq));
        if (other && other.checkpoint.headHash !== checkpoint.headHash) {
          return report({
            kind: 'checkpoint_mismatch',
            seq: Number(checkpoint.seq),
            message: `the pinned checkpoint and the header's checkpoint sign different heads for event ${checkpoint.seq}: history was rewritten`,
          });
        }
        pending.set(Number(checkpoint.seq), { checkpoint, label });
      }
      continue;
    }
    const event = parseEvent(value);
    if (!event) return report({ kind: 'malformed', seq: null, message: `line ${lineNumber} is not an audit event` });
    if (!verifier) {
      if (event.seq !== header.range.firstSeq) {
        return report({
          kind: 'incomplete',
          seq: event.seq,
          message: `the export should start at event ${header.range.firstSeq} but starts at ${event.seq}`,
        });
      }
      verifier = new ChainVerifier({ seq: event.seq - 1, hash: event.prevHash });
    }
    if (!verifier.accept(event)) return report(verifier.problem as ChainProblem);
    const expected = pending.get(event.seq);
    if (expected) {
      if (expected.checkpoint.headHash !== event.hash) {
        return report({
          kind: 'checkpoint_mismatch',
          seq: event.seq,
          message: `${expected.label} ${event.seq} signed head ${expected.checkpoint.headHash.slice(0, 16)}…, the export has ${event.hash.slice(0, 16)}…`,
        });
      }
      pending.delete(event.seq);
      verified.push(event.seq);
    }
  }
  if (!header) return report({ kind: 'malformed', seq: null, message: 'the file is empty' });
  const checked = verifier?.eventsChecked ?? 0;
  const lastSeq = verifier?.head.seq ?? null;
  if (checked !== header.range.count || (header.range.count > 0 && lastSeq !== header.range.lastSeq)) {
    return report({
      kind: 'incomplete',
      seq: lastSeq,
      message: `the header announces ${header.range.count} events up to ${header.range.lastSeq}, the file has ${checked} up to ${lastSeq}`,
    });
  }
  for (const [seq, { label }] of pending) {
    return report({
      kind: 'checkpoint_mismatch',
      seq,
      message: `${label} ${seq} lies outside the exported events ${header.range.firstSeq}..${header.range.lastSeq}; it cannot be checked against this export`,
    });
  }
  return report();
}

function parseEvent(value: unknown): AuditEventRecord | undefined {
  const event = value as Record<string, unknown> | null;
  if (
    !event ||
    typeof event !== 'object' ||
    typeof event.seq !== 'number' ||
    typeof event.hash !== 'string' ||
    typeof event.prevHash !== 'string'
  )
    return undefined;
  if (
    typeof event.occurredAt !== 'string' ||
    typeof event.action !== 'string' ||
    !event.details ||
    typeof event.details !== 'object'
  )
    return undefined;
  return {
    seq: event.seq,
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
    prevHash: event.prevHash,
    hash: event.hash,
  };
}
