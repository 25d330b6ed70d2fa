/**
 * A claim's history export: its events, each with an RFC 9162 inclusion proof against one signed
 * tree head, whose note (with witness cosignatures) is in the file. Pure: building the document
 * from rows, and verifying it offline with no database. See src/audit/README.md ("A claim's
 * history export") for the exact leaf bytes, so any RFC 6962 verifier can check it.
 */
import { encodedEntryFields, leafBytesOf, type EncodedEntryFields } from './audit-leaf';
import type { AuditEventRecord } from './audit.repository';
import { parseCosignatureLine, verifyCosignature } from './cosignature';
import { leafHash, verifyInclusion } from './merkle/rfc6962';
import { openNote, parseCheckpoint, parseNote } from './signed-note';

export const CLAIM_EXPORT_KIND = 'audit_claim_export';

export type ClaimExportEvent = EncodedEntryFields & {
  logIndex: number;
  seq: number;
  /** Former hash chain events only (their leaf bytes include it); null otherwise. */
  prevHash: string | null;
  /** base64 of the exact leaf bytes (the entry); leafHash = SHA-256(0x00 ‖ these bytes). */
  leaf: string;
  /** base64 */
  leafHash: string;
  /** base64 hashes, RFC 9162 §2.1.3 order */
  auditPath: string[];
};

export interface ClaimExport {
  kind: typeof CLAIM_EXPORT_KIND;
  version: 1;
  claimId: string;
  exportedAt: string;
  treeHead: {
    origin: string;
    treeSize: number;
    /** base64 */
    rootHash: string;
    /** The signed note (C2SP tlog-checkpoint), the log's signature, then witness cosignatures. */
    note: string;
  };
  /** The log's verifier keys at export time (an outsider should pin its own copy: --key). */
  logKeys: string[];
  /** Witness cosignature keys configured at export time (pin with --witness-key). */
  witnessKeys: string[];
  events: ClaimExportEvent[];
}

export function claimExportEvent(event: AuditEventRecord, auditPath: Buffer[]): ClaimExportEvent {
  const bytes = leafBytesOf(event);
  return {
    logIndex: event.logIndex as number,
    seq: event.seq,
    ...encodedEntryFields(event),
    prevHash: event.prevHash,
    leaf: bytes.toString('base64'),
    leafHash: leafHash(bytes).toString('base64'),
    auditPath: auditPath.map((hash) => hash.toString('base64')),
  };
}

export type ClaimExportProblemKind =
  'format' | 'bad_signature' | 'leaf_mismatch' | 'inclusion_failed' | 'other_claim' | 'order';

export interface ClaimExportReport {
  ok: boolean;
  kind: 'claim';
  claimId: string | null;
  eventsChecked: number;
  treeHead: { treeSize: number; rootHash: string } | null;
  /** Witness cosignatures on the head that verified with a witness key. */
  cosignaturesVerified: string[];
  problem?: { kind: ClaimExportProblemKind; logIndex: number | null; message: string };
}

/**
 * Verifies a claim export: the tree head's signature (with `trustedKeys`, else the keys in the file —
 * internal consistency only), each event's leaf bytes recomputed from its fields, each inclusion
 * proof against the signed root, and the witness cosignatures on the head (`witnessKeys`, else the
 * file's). `minCosignatures`: how many must verify.
 */
export function verifyClaimExport(
  doc: ClaimExport,
  options: { trustedKeys?: string[]; witnessKeys?: string[]; minCosignatures?: number } = {},
): ClaimExportReport {
  const report: ClaimExportReport = {
    ok: false,
    kind: 'claim',
    claimId: typeof doc?.claimId === 'string' ? doc.claimId : null,
    eventsChecked: 0,
    treeHead: null,
    cosignaturesVerified: [],
  };
  const fail = (kind: ClaimExportProblemKind, message: string, logIndex: number | null = null) => ({
    ...report,
    ok: false,
    problem: { kind, logIndex, message },
  });
  if (doc?.kind !== CLAIM_EXPORT_KIND || doc.version !== 1 || !Array.isArray(doc.events) || !doc.treeHead)
    return fail('format', 'not a claim export (kind audit_claim_export, version 1)');
  const keys = options.trustedKeys?.length ? options.trustedKeys : (doc.logKeys ?? []);
  let body: string;
  let checkpoint;
  try {
    const opened = openNote(doc.treeHead.note, keys);
    if (opened.verifiedBy.length === 0)
      return fail('bad_signature', 'the tree head is not signed by a trusted log key');
    body = opened.body;
    checkpoint = parseCheckpoint(body);
  } catch (error) {
    return fail('format', `tree head: ${(error as Error).message}`);
  }
  if (
    checkpoint.size !== doc.treeHead.treeSize ||
    checkpoint.rootHash.toString('base64') !== doc.treeHead.rootHash ||
    checkpoint.origin !== doc.treeHead.origin
  )
    return fail('bad_signature', "the tree head's fields differ from its signed note");
  report.treeHead = { treeSize: checkpoint.size, rootHash: doc.treeHead.rootHash };

  const witnessKeys = options.witnessKeys?.length ? options.witnessKeys : (doc.witnessKeys ?? []);
  for (const line of parseNote(doc.treeHead.note).signatures) {
    if (line.signature.length !== 72) continue;
    try {
      const cosignature = parseCosignatureLine(
        `\u2014 ${line.name} ${Buffer.concat([Buffer.from(line.keyId, 'hex'), line.signature]).toString('base64')}`,
      );
      const key = verifyCosignature(body, cosignature, witnessKeys);
      if (key) report.cosignaturesVerified.push(`${key.name}+${key.keyId.toString('hex')}`);
    } catch {
      // a line that is not a cosignature, or an unparsable witness key: not counted
    }
  }
  if (report.cosignaturesVerified.length < (options.minCosignatures ?? 0))
    return fail(
      'bad_signature',
      `the tree head carries ${report.cosignaturesVerified.length} verified witness cosignature(s), ${options.minCosignatures} required`,
    );

  let previous = -1;
  for (const event of doc.events) {
    const at = typeof event?.logIndex === 'number' ? event.logIndex : null;
    if (at === null || !Number.isSafeInteger(at) || at <= previous)
      return fail('order', 'events must be in increasing log index order', at);
    previous = at;
    if (!(event.resourceType === 'claim' && event.resourceId === doc.claimId) && event.details?.claimId !== doc.claimId)
      return fail('other_claim', `the event at log index ${at} is not about claim ${doc.claimId}`, at);
    let bytes: Buffer;
    try {
      bytes = leafBytesOf({ ...event, occurredAt: new Date(event.occurredAt) });
    } catch (error) {
      return fail('format', `event at log index ${at}: ${(error as Error).message}`, at);
    }
    if (bytes.toString('base64') !== event.leaf)
      return fail('leaf_mismatch', `the event at log index ${at} does not give its leaf bytes: it was altered`, at);
    const hash = leafHash(bytes);
    if (hash.toString('base64') !== event.leafHash)
      return fail('leaf_mismatch', `the event at log index ${at} does not give its leaf hash`, at);
    const path = (event.auditPath ?? []).map((p) => Buffer.from(p, 'base64'));
    if (at >= checkpoint.size || !verifyInclusion(hash, at, checkpoint.size, path, checkpoint.rootHash))
      return fail(
        'inclusion_failed',
        `the inclusion proof of log index ${at} does not lead to the signed root of size ${checkpoint.size}`,
        at,
      );
    report.eventsChecked += 1;
  }
  return { ...report, ok: true };
}
