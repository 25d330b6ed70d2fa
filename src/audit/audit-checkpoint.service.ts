import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import type { AuditContext } from './audit-context';
import { AuditSigningKey } from './audit-signing';
import {
  findCheckpoint,
  insertCheckpoint,
  listCheckpoints,
  lockAuditChain,
  readChainHead,
  type CheckpointRecord,
} from './audit.repository';
import { AuditService } from './audit.service';

export const CHECKPOINT_CREATED = 'audit.checkpoint_created';

export interface CheckpointResult {
  checkpoint: CheckpointRecord;
  /** false when the head had not moved since the last checkpoint, which is returned instead. */
  created: boolean;
}

/**
 * Signed checkpoints: "the chain's event `seq` had hash `headHash`", signed with the audit key.
 * Creating one appends an `audit.checkpoint_created` event and signs the head *including* that
 * event, so the checkpoint records who asked for it and still covers the whole chain. When the head
 * is the previous checkpoint's own event, nothing has happened since and that checkpoint is returned.
 */
@Injectable()
export class AuditCheckpointService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly signingKey: AuditSigningKey,
    private readonly clock: Clock,
  ) {}

  async create(context: AuditContext, trigger: 'on_demand' | 'scheduled'): Promise<CheckpointResult> {
    return this.transactions.run(async (manager) => {
      await lockAuditChain(manager);
      const head = await readChainHead(manager);
      const existing = head.seq > 0 ? await findCheckpoint(manager, head.seq) : undefined;
      if (existing) return { checkpoint: existing, created: false };
      const newHead = await this.audit.appendWithin(manager, context, [
        {
          action: CHECKPOINT_CREATED,
          resourceType: 'audit_checkpoint',
          details: { trigger, keyId: this.signingKey.keyId, previousSeq: head.seq },
        },
      ]);
      const signed = this.signingKey.sign({ seq: newHead.seq, headHash: newHead.hash, signedAt: this.clock.now() });
      await insertCheckpoint(manager, signed);
      return { checkpoint: { ...signed, signedAt: new Date(signed.signedAt) }, created: true };
    });
  }

  async list(page: { offset: number; limit: number }): Promise<CheckpointRecord[]> {
    return listCheckpoints(this.transactions.manager, { newestFirst: true, ...page });
  }
}
