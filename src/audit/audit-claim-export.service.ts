import { Injectable, NotFoundException } from '@nestjs/common';
import { Clock } from '../common/clock';
import { TransactionRunner } from '../database/transaction-runner';
import type { AuditContext } from './audit-context';
import { claimEventsInTree } from './audit-claim-export.repository';
import { CLAIM_EXPORT_KIND, claimExportEvent, type ClaimExport } from './audit-claim-export-format';
import { AuditProofService } from './audit-proof.service';
import { AuditSequencer } from './audit-sequencer.service';
import { AuditSigningKey } from './audit-signing';
import { AuditWitnessService } from './audit-witness.service';
import { AuditService } from './audit.service';
import { formatVerifierKey, parseCheckpoint } from './signed-note';

export const AUDIT_CLAIM_EXPORTED = 'audit.claim_exported';

/**
 * A claim's history for a regulator without the rest of the log: its events, each with an
 * inclusion proof against one signed tree head (with the witnesses' cosignatures). The export is
 * itself audited first (resource claim/<id>), then everything committed is sequenced and a head
 * signed, so the export covers its own record.
 */
@Injectable()
export class AuditClaimExportService {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly sequencer: AuditSequencer,
    private readonly proofs: AuditProofService,
    private readonly signingKey: AuditSigningKey,
    private readonly witnesses: AuditWitnessService,
    private readonly clock: Clock,
  ) {}

  async export(context: AuditContext, claimId: string): Promise<ClaimExport> {
    const tx = this.transactions.manager;
    await this.sequencer.flush();
    const before = await claimEventsInTree(tx, claimId, Number.MAX_SAFE_INTEGER);
    if (before.length === 0) throw new NotFoundException(`the audit log has no events of claim ${claimId}`);
    await this.audit.record(context, {
      action: AUDIT_CLAIM_EXPORTED,
      resourceType: 'claim',
      resourceId: claimId,
      details: { format: CLAIM_EXPORT_KIND },
    });
    const { head: fresh } = await this.sequencer.flush();
    // Prefer the largest witness-cosigned head when it already holds every event of the claim (the
    // export's own record may then be left for a later export); otherwise the head just signed.
    const lastIndex = before[before.length - 1].logIndex as number;
    const cosigned = await this.witnesses.latestCosignedHead();
    const head = cosigned && cosigned.treeSize > lastIndex ? cosigned : fresh;
    const events = await claimEventsInTree(tx, claimId, head.treeSize);
    const exported = [];
    for (const event of events) {
      const proof = await this.proofs.inclusion(event.logIndex as number, head.treeSize);
      exported.push(
        claimExportEvent(
          event,
          proof.auditPath.map((p) => Buffer.from(p, 'base64')),
        ),
      );
    }
    const note = await this.witnesses.noteWithCosignatures(head);
    return {
      kind: CLAIM_EXPORT_KIND,
      version: 1,
      claimId,
      exportedAt: this.clock.now().toISOString(),
      treeHead: {
        origin: parseCheckpoint(head.note).origin,
        treeSize: head.treeSize,
        rootHash: head.rootHash.toString('base64'),
        note,
      },
      logKeys: this.signingKey.verifiers.map((v) => formatVerifierKey(v.name, v.publicKey)),
      witnessKeys: this.witnesses.witnessKeyStrings,
      events: exported,
    };
  }
}
