import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import type { AuditContext } from './audit-context';
import { latestTreeHead, listTreeHeads, countTreeHeads, type TreeHeadRecord } from './audit-log.repository';
import { AuditSequencer } from './audit-sequencer.service';

export interface CheckpointResult {
  checkpoint: TreeHeadRecord;
  /** false when the tree had not grown since the last signed head, which is returned instead. */
  created: boolean;
}

/**
 * Signed tree heads ("checkpoints"): C2SP tlog-checkpoint notes (origin, tree size, root hash)
 * signed with the audit key. The sequencer signs them as the tree grows (at most every
 * AUDIT_TREE_HEAD_INTERVAL_MS); `create` sequences everything committed so far and signs a head
 * of it now, or returns the latest head when the tree has not changed.
 */
@Injectable()
export class AuditCheckpointService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly sequencer: AuditSequencer,
  ) {}

  // The context is kept for the callers' sake (who asked); signing a head writes no event, since an
  // event would itself grow the tree and no head could ever be "unchanged".
  async create(_context: AuditContext, _trigger: 'on_demand' | 'scheduled'): Promise<CheckpointResult> {
    const result = await this.sequencer.flush();
    return { checkpoint: result.head, created: result.created };
  }

  async latest(): Promise<TreeHeadRecord | undefined> {
    return latestTreeHead(this.transactions.manager);
  }

  async list(page: { offset: number; limit: number }): Promise<{ items: TreeHeadRecord[]; total: number }> {
    const manager = this.transactions.manager;
    return {
      items: await listTreeHeads(manager, { newestFirst: true, ...page }),
      total: await countTreeHeads(manager),
    };
  }
}
