import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { TransactionRunner, type Tx } from '../database/transaction-runner';
import { latestTreeHead, readTreeNodes, treeSize, type TreeHeadRecord } from './audit-log.repository';
import { consistencyProof, inclusionProof, type NodeSource } from './merkle/rfc6962';

export interface InclusionProofAnswer {
  leafIndex: number;
  treeSize: number;
  /** base64 SHA-256(0x00 ‖ leaf bytes) */
  leafHash: string;
  /** base64 hashes, nearest sibling first (RFC 9162 §2.1.3) */
  auditPath: string[];
}

export interface ConsistencyProofAnswer {
  first: number;
  second: number;
  proof: string[];
}

export class NoTreeHeadError extends NotFoundException {
  constructor() {
    super('the audit log has no signed tree head yet');
  }
}

/**
 * Inclusion and consistency proofs (RFC 9162 §2.1.3–2.1.4) from the stored complete-subtree
 * nodes. A proof reads its O(log n) nodes in one query: the nodes a proof needs depend only on the
 * sizes and index, so a first pass with placeholder hashes lists them.
 */
@Injectable()
export class AuditProofService {
  constructor(private readonly transactions: TransactionRunner) {}

  async latestHead(): Promise<TreeHeadRecord> {
    const head = await latestTreeHead(this.transactions.manager);
    if (!head) throw new NoTreeHeadError();
    return head;
  }

  /** Proof of leaf `index` in the tree of `size` leaves (default: the latest signed head's size). */
  async inclusion(index: number, size?: number): Promise<InclusionProofAnswer> {
    const tx = this.transactions.manager;
    const current = await treeSize(tx);
    const target = size ?? (await latestTreeHead(tx))?.treeSize ?? current;
    if (target > current) throw new BadRequestException(`treeSize ${target} is beyond the tree (size ${current})`);
    if (index >= target)
      throw new BadRequestException(
        target === current
          ? `leaf index ${index} is not in the log yet (tree size ${current})`
          : `leaf index ${index} is not below treeSize ${target}`,
      );
    const path = await withNodes(tx, (node) => inclusionProof(index, target, node));
    const [leaf] = await withNodes(tx, async (node) => [await node(0, index)]);
    return {
      leafIndex: index,
      treeSize: target,
      leafHash: leaf.toString('base64'),
      auditPath: path.map((hash) => hash.toString('base64')),
    };
  }

  async consistency(first: number, second: number): Promise<ConsistencyProofAnswer> {
    const tx = this.transactions.manager;
    if (first > second) throw new BadRequestException(`first (${first}) must not be greater than second (${second})`);
    const current = await treeSize(tx);
    if (second > current) throw new BadRequestException(`second ${second} is beyond the tree (size ${current})`);
    const proof = await withNodes(tx, (node) => consistencyProof(first, second, node));
    return { first, second, proof: proof.map((hash) => hash.toString('base64')) };
  }
}

/** Runs a proof computation twice: once to learn which nodes it reads, then on those nodes. */
async function withNodes<T>(tx: Tx, compute: (node: NodeSource) => Promise<T>): Promise<T> {
  const wanted: Array<{ level: number; index: number }> = [];
  const placeholder = Buffer.alloc(32);
  await compute((level, index) => {
    wanted.push({ level, index });
    return placeholder;
  });
  const found = await readTreeNodes(tx, wanted);
  return compute((level, index) => {
    const hash = found.get(`${level}/${index}`);
    if (!hash) throw new Error(`the audit tree has no node ${level}/${index}`);
    return hash;
  });
}
