import * as fs from 'node:fs';
import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { TransactionRunner } from '../database/transaction-runner';
import type { AuditContext } from './audit-context';
import {
  latestCosignedHead,
  cosignaturesOfHead,
  findTreeHeadByRoot,
  insertCosignature,
  listCosignatures,
  type CosignatureRecord,
} from './audit-cosignature.repository';
import { latestTreeHead, readTreeNodes, treeSize } from './audit-log.repository';
import { AuditSigningKey } from './audit-signing';
import { AuditService } from './audit.service';
import type { AuditVerifyReport } from './audit-verification.service';
import {
  formatCosignatureVerifierKey,
  parseCosignatureLine,
  parseCosignatureVerifierKey,
  verifyCosignature,
  type CosignatureVerifier,
} from './cosignature';
import { rootFromNodes, verifyConsistency, consistencyProof } from './merkle/rfc6962';
import { openNote, parseCheckpoint, parseNote } from './signed-note';
import { checkWitnesses, type WitnessSection, type WitnessView } from './witness-check';

export type AuditVerifyWithWitnesses = Omit<AuditVerifyReport, 'problem'> & {
  problem?: Omit<NonNullable<AuditVerifyReport['problem']>, 'kind'> & {
    kind: NonNullable<AuditVerifyReport['problem']>['kind'] | 'rolled_back_or_forked' | 'witness_unverified';
  };
  witness: WitnessSection;
};

/**
 * Witness cosignatures of the log's tree heads (C2SP tlog-cosignature), and the check of the
 * database against what witnesses cosigned (rollback / fork detection; see src/audit/README.md).
 */
@Injectable()
export class AuditWitnessService {
  private readonly witnessKeys: CosignatureVerifier[];
  private readonly witnessUrls: readonly string[];

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly transactions: TransactionRunner,
    private readonly audit: AuditService,
    private readonly signingKey: AuditSigningKey,
  ) {
    this.witnessKeys = (config.audit.witnessKeys ?? []).map((key) => parseCosignatureVerifierKey(key));
    this.witnessUrls = config.audit.witnessUrls ?? [];
  }

  /**
   * Stores a witness's cosignature of a tree head this log signed. Self-authenticating: accepted
   * only when the line verifies with a configured witness key over a checkpoint whose log signature
   * verifies and which the log holds. 201 new, 200 already stored.
   */
  async add(
    context: AuditContext,
    input: { checkpoint: string; cosignature: string },
  ): Promise<{ created: boolean; cosignature: CosignatureRecord }> {
    let body: string;
    try {
      body = input.checkpoint.includes('\n\n') ? parseNote(input.checkpoint).body : input.checkpoint;
      parseCheckpoint(body);
    } catch (error) {
      throw new BadRequestException(`checkpoint: ${(error as Error).message}`);
    }
    const checkpoint = parseCheckpoint(body);
    let cosignature;
    try {
      cosignature = parseCosignatureLine(input.cosignature.trim());
    } catch (error) {
      throw new BadRequestException((error as Error).message);
    }
    const known = this.witnessKeys.find(
      (key) => key.name === cosignature.name && key.keyId.toString('hex') === cosignature.keyId,
    );
    if (!known)
      throw new ForbiddenException(
        `the cosignature is by ${cosignature.name}+${cosignature.keyId}, which is not a configured witness key (AUDIT_WITNESS_KEYS)`,
      );
    if (!verifyCosignature(body, cosignature, [known]))
      throw new ForbiddenException(`the cosignature by ${cosignature.name} does not verify over this checkpoint`);
    if (checkpoint.origin !== this.signingKey.origin)
      throw new UnprocessableEntityException(`the checkpoint is for another log (${checkpoint.origin})`);
    return this.audit.run(context, async (tx) => {
      const head = await findTreeHeadByRoot(tx.manager, checkpoint.size, checkpoint.rootHash);
      if (!head || openNote(head.note, this.signingKey.verifiers).verifiedBy.length === 0)
        throw new UnprocessableEntityException(
          `the log never signed a tree head of size ${checkpoint.size} with this root: nothing to cosign`,
        );
      const line = input.cosignature.trim();
      const stored = await insertCosignature(tx.manager, {
        treeHeadId: head.id,
        treeSize: checkpoint.size,
        witnessName: cosignature.name,
        keyId: cosignature.keyId,
        cosignedAt: new Date(cosignature.timestamp * 1000),
        line,
      });
      if (!stored) {
        const existing = (await cosignaturesOfHead(tx.manager, head.id)).find(
          (c) => c.witnessName === cosignature.name && c.keyId === cosignature.keyId,
        ) as CosignatureRecord;
        return { created: false, cosignature: existing };
      }
      tx.record({
        action: 'audit.cosignature_added',
        resourceType: 'audit_tree_head',
        resourceId: String(head.id),
        details: { treeSize: checkpoint.size, witness: `${cosignature.name}+${cosignature.keyId}` },
      });
      return { created: true, cosignature: stored };
    });
  }

  /** The latest signed tree head's note with its stored cosignature lines appended. */
  async latestCosignedNote(): Promise<string | undefined> {
    const tx = this.transactions.manager;
    const head = await latestTreeHead(tx);
    if (!head) return undefined;
    const lines = (await cosignaturesOfHead(tx, head.id)).map((c) => `${c.line}\n`);
    return head.note + lines.join('');
  }

  /** A head's note with its stored cosignature lines appended. */
  async noteWithCosignatures(head: { id: number; note: string }): Promise<string> {
    const lines = (await cosignaturesOfHead(this.transactions.manager, head.id)).map((c) => `${c.line}\n`);
    return head.note + lines.join('');
  }

  /** The largest head that witnesses cosigned (with the stored cosignatures), if any. */
  async latestCosignedHead() {
    return latestCosignedHead(this.transactions.manager);
  }

  /** The configured witness keys as vkey strings. */
  get witnessKeyStrings(): string[] {
    return this.witnessKeys.map((key) => formatCosignatureVerifierKey(key.name, key.publicKey));
  }

  async list(options: { limit: number; offset: number; treeSize?: number }) {
    return listCosignatures(this.transactions.manager, options);
  }

  /** Fetches each configured witness's latest cosigned checkpoint and history (loopback or private hosts only as configured). */
  async fetchViews(urls: readonly string[] = this.witnessUrls): Promise<WitnessView[]> {
    return Promise.all(urls.map((url) => fetchWitnessView(url)));
  }

  /** Compares the database's tree with each witness's latest cosigned head. */
  async checkWitnesses(views: readonly WitnessView[]): Promise<WitnessSection> {
    const tx = this.transactions.manager;
    const size = await treeSize(tx);
    const node = async (level: number, index: number) => {
      const found = await readTreeNodes(tx, [{ level, index }]);
      const hash = found.get(`${level}/${index}`);
      if (!hash) throw new Error(`the audit tree has no node ${level}/${index}`);
      return hash;
    };
    const head = await latestTreeHead(tx);
    const target = head && head.treeSize <= size ? { size: head.treeSize, root: head.rootHash } : undefined;
    const current = target ?? { size, root: await rootFromNodes(size, node) };
    return checkWitnesses(views, {
      origin: this.signingKey.origin,
      witnessKeys: this.witnessKeys,
      size: current.size,
      consistentWith: async (first, root) => {
        // RFC 9162 consistency proof from the witness's size to the database's latest head.
        const proof = await consistencyProof(first, current.size, node);
        return verifyConsistency(first, current.size, root, current.root, proof);
      },
    });
  }

  /** Adds the witness section to a verification report; the log is not ok when a witness disagrees. */
  async withWitnesses(
    report: AuditVerifyReport,
    extra: readonly WitnessView[] = [],
  ): Promise<AuditVerifyWithWitnesses> {
    const views = [...(await this.fetchViews()), ...extra];
    const witness = await this.checkWitnesses(views);
    const result: AuditVerifyWithWitnesses = { ...report, witness };
    if (report.problem) return result;
    const bad =
      witness.findings.find((f) => f.status === 'rolled_back_or_forked') ??
      witness.findings.find((f) => f.status === 'unverified');
    if (!bad) return result;
    return {
      ...result,
      ok: false,
      problem: {
        kind: bad.status === 'rolled_back_or_forked' ? 'rolled_back_or_forked' : 'witness_unverified',
        logIndex: bad.located ? bad.located.consistentSize : null,
        seq: null,
        treeSize: bad.treeSize,
        message: `${bad.source}: ${bad.message}`,
      },
    };
  }
}

/** GET <url>/checkpoint (text) and <url>/history (JSON). */
export async function fetchWitnessView(url: string): Promise<WitnessView> {
  const base = url.replace(/\/+$/, '');
  try {
    const response = await fetch(`${base}/checkpoint`, { signal: AbortSignal.timeout(5000), redirect: 'error' });
    if (!response.ok) return { source: url, error: `GET /checkpoint answered ${response.status}` };
    const note = await response.text();
    let history: WitnessView['history'];
    const historyResponse = await fetch(`${base}/history`, { signal: AbortSignal.timeout(5000), redirect: 'error' });
    if (historyResponse.ok) {
      const parsed = (await historyResponse.json()) as { entries?: Array<{ size: number; rootHash: string }> };
      history = Array.isArray(parsed.entries) ? parsed.entries : undefined;
    }
    return { source: url, note, history };
  } catch (error) {
    return { source: url, error: `unreachable: ${(error as Error).message}` };
  }
}

/**
 * What verification needs from a witness's state file (src/witness/witness-state.ts, version 1):
 * its latest cosigned note and its history of cosigned (size, root) pairs.
 */
export function witnessViewOfStateFile(file: string): WitnessView {
  try {
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      version?: number;
      latest?: { note?: string } | null;
      history?: Array<{ size: number; rootHash: string }>;
    };
    if (state.version !== 1) return { source: file, error: 'not a witness state file (version 1)' };
    if (!state.latest?.note) return { source: file, error: 'the witness has cosigned nothing yet' };
    return { source: file, note: state.latest.note, history: state.history };
  } catch (error) {
    return { source: file, error: `unreadable: ${(error as Error).message}` };
  }
}
