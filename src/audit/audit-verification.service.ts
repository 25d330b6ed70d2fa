import { Injectable, NotFoundException } from '@nestjs/common';
import { TransactionRunner } from '../database/transaction-runner';
import { ChainVerifier, GENESIS_HASH, type ChainProblem } from './audit-chain';
import { AuditSigningKey, checkCheckpointSignature } from './audit-signing';
import { eventPages, findCheckpoint, findEvent, listCheckpoints, type CheckpointRecord } from './audit.repository';

export interface AuditVerifyReport {
  ok: boolean;
  eventsChecked: number;
  checkpointsChecked: number;
  /** Where the walk started: the genesis, or the checkpoint given as `fromCheckpoint`. */
  from: { seq: number; hash: string };
  /** The last event that was found good. */
  head: { seq: number; hash: string };
  problem?: ChainProblem;
}

/** A NotFoundException, so that the HTTP API answers 404 without a mapping of its own. */
export class CheckpointNotFoundError extends NotFoundException {
  constructor(readonly seq: number) {
    super(`no audit checkpoint at seq ${seq}`);
  }
}

/**
 * Verifies the stored chain page by page: every link, every hash, no gap; and every checkpoint on
 * the way: its signature (by the service's audit key) and that its head hash is the chain's hash
 * at its seq. A checkpoint beyond the chain's end means events were cut off the end. Reports the
 * first problem in sequence order.
 */
@Injectable()
export class AuditVerificationService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly signingKey: AuditSigningKey,
  ) {}

  async verify(options: { fromCheckpoint?: number; pageSize?: number } = {}): Promise<AuditVerifyReport> {
    const manager = this.transactions.manager;
    const trusted = [this.signingKey.keyId];
    let start = { seq: 0, hash: GENESIS_HASH };
    let from = start;
    if (options.fromCheckpoint !== undefined) {
      const anchor = await findCheckpoint(manager, options.fromCheckpoint);
      if (!anchor) throw new CheckpointNotFoundError(options.fromCheckpoint);
      from = { seq: anchor.seq, hash: anchor.headHash };
      const badSignature = checkCheckpointSignature(anchor, trusted);
      if (badSignature) return failed(from, 0, 0, { kind: 'bad_signature', seq: anchor.seq, message: badSignature });
      const anchorEvent = await findEvent(manager, anchor.seq);
      if (!anchorEvent)
        return failed(from, 0, 0, {
          kind: 'checkpoint_mismatch',
          seq: anchor.seq,
          message: `checkpoint ${anchor.seq}: the chain has no event ${anchor.seq}`,
        });
      // Start just before the anchor so that its own event is re-hashed and compared to the checkpoint.
      start = { seq: anchor.seq - 1, hash: anchorEvent.prevHash };
    }
    const verifier = new ChainVerifier(start);
    const checkpoints = await listCheckpoints(manager, { fromSeq: start.seq + 1 });
    let next = 0;
    let checkpointsChecked = 0;
    let problem: ChainProblem | undefined;
    const checkCheckpoint = (checkpoint: CheckpointRecord, chainHash: string): ChainProblem | undefined => {
      const badSignature = checkCheckpointSignature(checkpoint, trusted);
      if (badSignature) return { kind: 'bad_signature', seq: checkpoint.seq, message: badSignature };
      if (checkpoint.headHash !== chainHash) {
        return {
          kind: 'checkpoint_mismatch',
          seq: checkpoint.seq,
          message: `checkpoint ${checkpoint.seq} signed head ${checkpoint.headHash.slice(0, 16)}…, the chain has ${chainHash.slice(0, 16)}…`,
        };
      }
      return undefined;
    };
    walk: for await (const page of eventPages(manager, { afterSeq: start.seq, pageSize: options.pageSize })) {
      for (const event of page) {
        if (!verifier.accept(event)) {
          problem = verifier.problem;
          break walk;
        }
        while (next < checkpoints.length && checkpoints[next].seq === event.seq) {
          problem = checkCheckpoint(checkpoints[next], event.hash);
          next += 1;
          if (problem) break walk;
          checkpointsChecked += 1;
        }
      }
    }
    if (!problem && next < checkpoints.length) {
      const beyond = checkpoints[next];
      problem = {
        kind: 'checkpoint_mismatch',
        seq: beyond.seq,
        message: `checkpoint ${beyond.seq} is beyond the chain's last event ${verifier.head.seq}: events were removed from the end`,
      };
    }
    return {
      ok: !problem,
      eventsChecked: verifier.eventsChecked,
      checkpointsChecked,
      from,
      head: verifier.head,
      ...(problem ? { problem } : {}),
    };
  }
}

function failed(
  from: { seq: number; hash: string },
  eventsChecked: number,
  checkpointsChecked: number,
  problem: ChainProblem,
): AuditVerifyReport {
  return { ok: false, eventsChecked, checkpointsChecked, from, head: from, problem };
}
