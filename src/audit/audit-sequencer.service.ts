import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionRunner, type Tx } from '../database/transaction-runner';
import { AuditSigningKey } from './audit-signing';
import {
  advanceSequencedWatermark,
  assignLogIndexes,
  hasUnsequencedUpTo,
  maxEventSeq,
  insertTreeHead,
  insertTreeNodes,
  latestTreeHead,
  lockLease,
  readTreeNodes,
  releaseLease,
  takeSequenceable,
  treeSize,
  type TreeHeadRecord,
} from './audit-log.repository';
import { CompactRange, frontierNodes, type TreeNode } from './merkle/rfc6962';
import { formatCheckpoint, signNote } from './signed-note';

export type SignHead = 'if-due' | 'always' | 'never';

export type BatchResult =
  | { status: 'waiting'; holder: string; expiresAt: Date }
  | { status: 'sequenced'; count: number; treeSize: number; head?: TreeHeadRecord };

/** Thrown when the stored tree is not what the sequencer can extend (a missing frontier node). */
export class TreeCorruptError extends Error {}

/**
 * The sequencer: gives unsequenced audit events their log index and appends their leaves to the
 * Merkle tree, one batch per transaction, and signs tree heads.
 *
 * - One batch = one transaction that first locks the lease row, so batches never interleave,
 *   whoever runs them; the continuous loop (AuditSequencerLoop, in worker processes) holds the
 *   lease, a second loop waits until the lease expires. A one-off flush (`holder` null, e.g. an
 *   on-demand checkpoint) needs only the row lock.
 * - Everything a batch writes (indexes, tree nodes, head) commits together or not at all: a
 *   sequencer killed mid-batch leaves the tree as the last committed batch left it, and the next
 *   batch (any instance) reads size and frontier from the database and continues.
 * - Which events: see takeSequenceable (only transactions older than every running one).
 */
@Injectable()
export class AuditSequencer {
  /** This process's lease holder name. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly signingKey: AuditSigningKey,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: Pick<AppConfig, 'audit'>,
  ) {}

  async runBatch(
    options: {
      holder?: string | null;
      signHead?: SignHead;
      batchSize?: number;
      /** Tests: runs inside the batch transaction after the writes, before the commit. */
      beforeCommit?: (tx: Tx) => Promise<void>;
    } = {},
  ): Promise<BatchResult> {
    const holder = options.holder === undefined ? this.instanceId : options.holder;
    const limit = options.batchSize ?? this.config.audit.sequencer.batchSize;
    return this.transactions.run(async (tx): Promise<BatchResult> => {
      const lease = await lockLease(tx, holder, this.config.audit.sequencer.leaseMs);
      if (!lease.held) return { status: 'waiting', holder: lease.holder, expiresAt: lease.expiresAt };
      const { events, xmin } = await takeSequenceable(tx, limit);
      const range = await loadRange(tx);
      const firstIndex = range.size;
      const nodes: TreeNode[] = [];
      for (const event of events) nodes.push(...range.append(event.leafHash));
      if (events.length > 0) {
        const assigned = await assignLogIndexes(
          tx,
          events.map((e) => e.seq),
          firstIndex,
        );
        if (assigned !== events.length)
          throw new Error(`sequencer: ${events.length - assigned} events were sequenced by someone else meanwhile`);
        await insertTreeNodes(tx, nodes);
      }
      if (events.length < limit) await advanceSequencedWatermark(tx, xmin);
      const head = await this.maybeSignHead(tx, range, options.signHead ?? 'if-due');
      if (options.beforeCommit) await options.beforeCommit(tx);
      return { status: 'sequenced', count: events.length, treeSize: range.size, ...(head ? { head } : {}) };
    });
  }

  /**
   * Sequences everything committed before the call and signs a head of the result (when it is
   * new). An event becomes sequenceable only once every older transaction of the database cluster
   * has ended, so this may wait a little for transactions in flight (up to `maxWaitMs`; then it
   * signs what it has).
   */
  async flush(maxWaitMs = 30_000): Promise<{ treeSize: number; head: TreeHeadRecord; created: boolean }> {
    const upTo = await maxEventSeq(this.transactions.manager);
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      const result = await this.runBatch({ holder: null, signHead: 'never' });
      if (result.status === 'sequenced' && result.count === this.config.audit.sequencer.batchSize) continue;
      if (!(await hasUnsequencedUpTo(this.transactions.manager, upTo)) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return this.transactions.run(async (tx) => {
      await lockLease(tx, null, 0);
      const range = await loadRange(tx);
      const latest = await latestTreeHead(tx);
      if (latest && latest.treeSize === range.size && latest.rootHash.equals(range.root()))
        return { treeSize: range.size, head: latest, created: false };
      const head = await this.signHead(tx, range);
      return { treeSize: range.size, head, created: true };
    });
  }

  async release(holder = this.instanceId): Promise<void> {
    await this.transactions.run((tx) => releaseLease(tx, holder));
  }

  private async maybeSignHead(tx: Tx, range: CompactRange, mode: SignHead): Promise<TreeHeadRecord | undefined> {
    if (mode === 'never') return undefined;
    const latest = await latestTreeHead(tx);
    if (latest && latest.treeSize === range.size) return undefined;
    if (mode === 'if-due') {
      if (range.size === 0) return undefined;
      const due =
        !latest ||
        this.clock.now().getTime() - latest.signedAt.getTime() >= this.config.audit.sequencer.treeHeadIntervalMs;
      if (!due) return undefined;
    }
    return this.signHead(tx, range);
  }

  private async signHead(tx: Tx, range: CompactRange): Promise<TreeHeadRecord> {
    const rootHash = range.root();
    const body = formatCheckpoint({ origin: this.signingKey.origin, size: range.size, rootHash });
    const note = signNote(body, this.signingKey.noteSigner);
    return insertTreeHead(tx, {
      treeSize: range.size,
      rootHash,
      signedAt: this.clock.now(),
      keyName: this.signingKey.origin,
      keyId: this.signingKey.noteKeyId,
      note,
    });
  }
}

/** The tree's right edge as stored: size and frontier nodes. */
export async function loadRange(tx: Tx): Promise<CompactRange> {
  const size = await treeSize(tx);
  const wanted = frontierNodes(size);
  const found = await readTreeNodes(tx, wanted);
  const frontier = wanted.map(({ level, index }) => {
    const hash = found.get(`${level}/${index}`);
    if (!hash) throw new TreeCorruptError(`the audit tree has no node ${level}/${index} (size ${size})`);
    return hash;
  });
  return new CompactRange(size, frontier);
}
