import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { TransactionRunner, type Tx } from '../database/transaction-runner';
import { chainedEventBytes, leafBytesOf } from './audit-leaf';
import {
  countUnsequenced,
  findLeafIndex,
  listTreeHeads,
  readLeafNodes,
  treeSize,
  type TreeHeadRecord,
} from './audit-log.repository';
import { AuditSigningKey, checkCheckpointSignature } from './audit-signing';
import { listCheckpoints, logPages, unsequencedPages, type AuditEventRecord } from './audit.repository';
import { CompactRange, leafHash } from './merkle/rfc6962';
import { openNote, parseCheckpoint, type NoteVerifier } from './signed-note';

export type LogProblemKind =
  /** a log index without its event (deleted) */
  | 'missing_event'
  /** an event whose content no longer gives the leaf the log holds for it (changed) */
  | 'leaf_mismatch'
  /** an event whose leaf the tree holds at another index (reordered) */
  | 'reordered'
  /** a signed tree head whose root the events do not give */
  | 'head_mismatch'
  /** a tree head larger than the log (events removed from the end) */
  | 'head_beyond_log'
  /** a tree head whose signature does not verify with a trusted key */
  | 'bad_signature'
  /** two validly signed heads of the same size with different roots */
  | 'fork'
  /** an event of the former hash chain whose chain hash does not match */
  | 'hash_mismatch'
  /** a checkpoint of the former hash chain that does not match or verify */
  | 'checkpoint_mismatch';

export interface LogProblem {
  kind: LogProblemKind;
  /** The log index where it was found (null when not located at one event). */
  logIndex: number | null;
  /** The event's insertion id, when one event is concerned. */
  seq: number | null;
  /** For head problems: the head's tree size. */
  treeSize: number | null;
  message: string;
}

export interface AuditVerifyReport {
  ok: boolean;
  /** Sequenced events whose leaf was recomputed and appended to the rebuilt tree. */
  eventsChecked: number;
  /** Signed tree heads checked (signature and root). */
  treeHeadsChecked: number;
  /** Signed checkpoints of the former hash chain checked. */
  legacyCheckpointsChecked: number;
  /** Events written but not yet sequenced (their leaf hashes were checked too). */
  unsequenced: number;
  /** The rebuilt tree: size and base64 root. */
  treeSize: number;
  rootHash: string;
  problem?: LogProblem;
}

interface LegacyCheckpoint {
  seq: number;
  headHash: string;
  check: () => string | undefined;
}

/**
 * Verifies the whole log, streamed page by page in log order (memory bounded: a page, the tree's
 * right edge, a page of heads): recomputes every event's leaf from its content and checks it
 * against the leaf the tree stores, rebuilds the Merkle tree from the recomputed leaves, and checks
 * every signed tree head (signature by a trusted key, root equal to the rebuilt root at its size,
 * no two different roots for one size). Events not yet sequenced have their leaf recomputed too.
 * Reports the first problem in log order, located where the stored data allows.
 */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly signingKey: AuditSigningKey,
  ) {}

  async verify(options: { pageSize?: number } = {}): Promise<AuditVerifyReport> {
    const tx = this.transactions.manager;
    const pageSize = options.pageSize ?? 5000;
    const verifiers = this.signingKey.verifiers;
    const legacyKeyIds = this.signingKey.legacyKeyIds;
    const range = new CompactRange();
    const report = (problem?: LogProblem, extra: Partial<AuditVerifyReport> = {}): AuditVerifyReport => ({
      ok: !problem,
      eventsChecked: range.size,
      treeHeadsChecked: heads.checked,
      legacyCheckpointsChecked: legacy.checked,
      unsequenced: 0,
      treeSize: range.size,
      rootHash: range.root().toString('base64'),
      ...extra,
      ...(problem ? { problem } : {}),
    });

    const heads = new HeadWalker(tx, verifiers);
    const legacy = new LegacyWalker(
      (await listCheckpoints(tx)).map((checkpoint) => ({
        seq: checkpoint.seq,
        headHash: checkpoint.headHash,
        check: () => checkCheckpointSignature(checkpoint, legacyKeyIds),
      })),
    );
    const storedSize = await treeSize(tx);

    let problem = await heads.checkUpTo(range);
    if (problem) return report(problem);
    for await (const page of logPages(tx, { fromIndex: 0, pageSize })) {
      const first = range.size;
      const stored = await readLeafNodes(tx, first, first + pageSize);
      for (const event of page) {
        const index = range.size;
        if (event.logIndex !== index)
          return report({
            kind: 'missing_event',
            logIndex: index,
            seq: null,
            treeSize: null,
            message: `log index ${index} has no event (the next event has index ${event.logIndex}): events were deleted`,
          });
        const leaf = leafHash(leafBytesOf(event));
        const storedLeaf = stored[index - first];
        if (!storedLeaf || !leaf.equals(storedLeaf) || leaf.toString('hex') !== event.leafHash) {
          problem = await this.locateLeafProblem(tx, event, leaf, storedLeaf);
          return report(problem);
        }
        problem = legacy.accept(event);
        if (problem) return report(problem);
        range.append(leaf);
        problem = await heads.checkUpTo(range);
        if (problem) return report(problem);
      }
    }
    if (storedSize > range.size)
      return report({
        kind: 'missing_event',
        logIndex: range.size,
        seq: null,
        treeSize: null,
        message: `the tree holds ${storedSize} leaves but only ${range.size} events have a log index: events from index ${range.size} were deleted`,
      });
    problem = (await heads.remaining(range)) ?? legacy.remaining();
    if (problem) return report(problem);

    let unsequenced = 0;
    for await (const page of unsequencedPages(tx, pageSize)) {
      for (const event of page) {
        unsequenced += 1;
        if (leafHash(leafBytesOf(event)).toString('hex') !== event.leafHash)
          return report(
            {
              kind: 'leaf_mismatch',
              logIndex: null,
              seq: event.seq,
              treeSize: null,
              message: `event seq ${event.seq} (not yet in the log) was altered after it was written: its content does not give its leaf hash`,
            },
            { unsequenced: await countUnsequenced(tx) },
          );
      }
    }
    return report(undefined, { unsequenced });
  }

  private async locateLeafProblem(
    tx: Tx,
    event: AuditEventRecord,
    leaf: Buffer,
    storedLeaf: Buffer | undefined,
  ): Promise<LogProblem> {
    const index = event.logIndex as number;
    const elsewhere = await findLeafIndex(tx, leaf);
    if (elsewhere !== undefined && elsewhere !== index)
      return {
        kind: 'reordered',
        logIndex: index,
        seq: event.seq,
        treeSize: null,
        message: `the event at log index ${index} (seq ${event.seq}) is the tree's leaf ${elsewhere}: events were reordered`,
      };
    return {
      kind: 'leaf_mismatch',
      logIndex: index,
      seq: event.seq,
      treeSize: null,
      message:
        storedLeaf && storedLeaf.toString('hex') === event.leafHash
          ? `the event at log index ${index} (seq ${event.seq}) was altered: its content does not give the leaf the log holds`
          : `the event at log index ${index} (seq ${event.seq}) does not match the tree's leaf ${index}: the event or the tree was altered`,
    };
  }
}

/** Walks the signed tree heads in size order, a page at a time, alongside the rebuilt tree. */
class HeadWalker {
  checked = 0;
  private page: TreeHeadRecord[] = [];
  private position = 0;
  private offset = 0;
  private done = false;
  private lastGood: { size: number; root: Buffer } | undefined;

  constructor(
    private readonly tx: Tx,
    private readonly verifiers: NoteVerifier[],
  ) {}

  private async peek(): Promise<TreeHeadRecord | undefined> {
    if (this.position < this.page.length) return this.page[this.position];
    if (this.done) return undefined;
    this.page = await listTreeHeads(this.tx, { limit: 1000, offset: this.offset });
    this.offset += this.page.length;
    this.position = 0;
    if (this.page.length < 1000) this.done = true;
    return this.page[0];
  }

  /** Checks every head of exactly the rebuilt tree's size. */
  async checkUpTo(range: CompactRange): Promise<LogProblem | undefined> {
    for (let head = await this.peek(); head && head.treeSize <= range.size; head = await this.peek()) {
      this.position += 1;
      if (head.treeSize < range.size) continue; // cannot happen: heads are walked in size order
      const problem = this.check(head, range.root());
      if (problem) return problem;
      this.checked += 1;
    }
    return undefined;
  }

  async remaining(range: CompactRange): Promise<LogProblem | undefined> {
    const head = await this.peek();
    if (!head) return undefined;
    return {
      kind: 'head_beyond_log',
      logIndex: range.size,
      seq: null,
      treeSize: head.treeSize,
      message: `a tree head signs size ${head.treeSize} but the log has ${range.size} events: events from index ${range.size} were removed`,
    };
  }

  private check(head: TreeHeadRecord, root: Buffer): LogProblem | undefined {
    const at = { logIndex: null, seq: null, treeSize: head.treeSize };
    let opened;
    try {
      opened = openNote(head.note, this.verifiers);
    } catch {
      return {
        kind: 'bad_signature',
        ...at,
        message: `tree head ${head.id} (size ${head.treeSize}) is not a signed note`,
      };
    }
    if (opened.verifiedBy.length === 0)
      return {
        kind: 'bad_signature',
        ...at,
        message: `tree head ${head.id} (size ${head.treeSize}) is not signed by a trusted audit key`,
      };
    let body;
    try {
      body = parseCheckpoint(opened.body);
    } catch {
      return { kind: 'bad_signature', ...at, message: `tree head ${head.id} does not hold a checkpoint` };
    }
    if (body.size !== head.treeSize || !body.rootHash.equals(head.rootHash))
      return { kind: 'bad_signature', ...at, message: `tree head ${head.id}: its columns differ from its signed note` };
    if (this.lastGood && this.lastGood.size === head.treeSize && !this.lastGood.root.equals(head.rootHash))
      return {
        kind: 'fork',
        ...at,
        message: `two signed tree heads of size ${head.treeSize} have different roots: the log was forked`,
      };
    if (!head.rootHash.equals(root))
      return {
        kind: 'head_mismatch',
        ...at,
        message: `the tree head of size ${head.treeSize} signed a root the events do not give: an event with index ${this.lastGood ? `from ${this.lastGood.size}` : 'from 0'} to ${head.treeSize - 1} was changed`,
      };
    this.lastGood = { size: head.treeSize, root: head.rootHash };
    return undefined;
  }
}

/** Checks the former hash chain's events (their hash) and checkpoints (at their seq). */
class LegacyWalker {
  checked = 0;
  private next = 0;

  constructor(private readonly checkpoints: LegacyCheckpoint[]) {}

  accept(event: AuditEventRecord): LogProblem | undefined {
    if (event.prevHash === null) return undefined;
    const at = { logIndex: event.logIndex, seq: event.seq, treeSize: null };
    const hash = createHash('sha256')
      .update(chainedEventBytes({ ...event, prevHash: event.prevHash }))
      .digest('hex');
    if (hash !== event.hash)
      return { kind: 'hash_mismatch', ...at, message: `former chain event seq ${event.seq}: its hash does not match` };
    while (this.next < this.checkpoints.length && this.checkpoints[this.next].seq === event.seq) {
      const checkpoint = this.checkpoints[this.next];
      this.next += 1;
      const bad = checkpoint.check();
      if (bad) return { kind: 'checkpoint_mismatch', ...at, message: bad };
      if (checkpoint.headHash !== hash)
        return { kind: 'checkpoint_mismatch', ...at, message: `checkpoint ${checkpoint.seq} does not match the chain` };
      this.checked += 1;
    }
    return undefined;
  }

  remaining(): LogProblem | undefined {
    const checkpoint = this.checkpoints[this.next];
    if (!checkpoint) return undefined;
    return {
      kind: 'checkpoint_mismatch',
      logIndex: null,
      seq: checkpoint.seq,
      treeSize: null,
      message: `checkpoint ${checkpoint.seq} of the former chain has no matching event: events were removed`,
    };
  }
}
