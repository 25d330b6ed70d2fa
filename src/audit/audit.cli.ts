import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { flag, type CliCommand } from '../cli/cli-command';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import { TransactionRunner } from '../database/transaction-runner';
import { SYSTEM_CONTEXT } from './audit-context';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { verifyExportLines, type ExportVerifyReport } from './audit-export-format';
import { AuditSequencer } from './audit-sequencer.service';
import { AuditSigningKey } from './audit-signing';
import { AuditClaimExportService } from './audit-claim-export.service';
import {
  CLAIM_EXPORT_KIND,
  verifyClaimExport,
  type ClaimExport,
  type ClaimExportReport,
} from './audit-claim-export-format';
import { AuditProofService } from './audit-proof.service';
import { AuditVerificationService, type AuditVerifyReport } from './audit-verification.service';
import { AuditWitnessService, fetchWitnessView, witnessViewOfStateFile } from './audit-witness.service';
import { AuditService } from './audit.service';

class UsageError extends Error {}

/** A claim export is one JSON document whose first key is "kind": "audit_claim_export". */
function isClaimExport(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const start = Buffer.alloc(200);
    const read = fs.readSync(fd, start, 0, start.length, 0);
    return new RegExp(`^\\s*\\{\\s*"kind"\\s*:\\s*"${CLAIM_EXPORT_KIND}"`).test(
      start.subarray(0, read).toString('utf8'),
    );
  } finally {
    fs.closeSync(fd);
  }
}

function valuesOf(args: readonly string[], name: string): string[] {
  return args.flatMap((arg, index) => (args[index - 1] === `--${name}` ? [arg] : []));
}

function printReport(
  report:
    | AuditVerifyReport
    | ExportVerifyReport
    | ClaimExportReport
    | { problem?: { kind: string; logIndex: number | null; message: string } },
  json: boolean,
  summary: string,
): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(summary);
  if (report.problem)
    console.log(
      `FAILED: ${report.problem.kind} at log index ${report.problem.logIndex ?? '-'}: ${report.problem.message}`,
    );
}

/** Audit commands of the operator CLI. Verification commands exit 1 when the log does not verify. */
export const AUDIT_COMMANDS: Record<string, CliCommand> = {
  'audit:verify': {
    summary:
      'verify the whole audit log: every leaf, the rebuilt Merkle tree, every signed tree head, and against witnesses (AUDIT_WITNESS_URLS, --witness URL, --witness-state FILE) [--json]',
    run: async (args, cli) => {
      const config = loadConfigOrExit();
      const database = await cli.openDatabase(config);
      try {
        const transactions = new TransactionRunner(database.dataSource);
        const signingKey = new AuditSigningKey(config);
        const verifier = new AuditVerificationService(transactions, signingKey);
        const witnesses = new AuditWitnessService(
          config,
          transactions,
          new AuditService(transactions, new SystemClock()),
          signingKey,
        );
        const extra = [
          ...(await Promise.all(valuesOf(args, 'witness').map((url) => fetchWitnessView(url)))),
          ...valuesOf(args, 'witness-state').map((file) => witnessViewOfStateFile(file)),
        ];
        const report = await witnesses.withWitnesses(await verifier.verify(), extra);
        printReport(
          report,
          flag(args, 'json'),
          `${report.ok ? 'OK' : 'NOT OK'}: ${report.eventsChecked} events and ${report.treeHeadsChecked} signed tree heads checked (${report.legacyCheckpointsChecked} checkpoints of the former chain, ${report.unsequenced} events not yet sequenced); tree size ${report.treeSize}, root ${report.rootHash}`,
        );
        if (!flag(args, 'json'))
          for (const finding of report.witness.findings)
            console.log(`witness ${finding.source}: ${finding.status}: ${finding.message}`);
        if (!report.ok) process.exitCode = 1;
      } finally {
        await database.close();
      }
    },
  },
  'audit:checkpoint': {
    summary: 'sequence every committed audit event and sign a tree head now [--json]',
    run: async (args, cli) => {
      const config = loadConfigOrExit();
      const database = await cli.openDatabase(config);
      try {
        const transactions = new TransactionRunner(database.dataSource);
        const service = new AuditCheckpointService(
          transactions,
          new AuditSequencer(transactions, new AuditSigningKey(config), new SystemClock(), config),
        );
        const result = await service.create({ ...SYSTEM_CONTEXT, actorId: 'cli' }, 'on_demand');
        if (flag(args, 'json'))
          console.log(
            JSON.stringify(
              {
                ...result,
                checkpoint: { ...result.checkpoint, rootHash: result.checkpoint.rootHash.toString('base64') },
              },
              null,
              2,
            ),
          );
        else
          process.stdout.write(
            `${result.created ? 'signed' : 'unchanged tree, latest'} tree head:\n${result.checkpoint.note}`,
          );
      } finally {
        await database.close();
      }
    },
  },
  'audit:export-claim': {
    summary: "export a claim's history with inclusion proofs against one signed tree head: CLAIM_ID [--out FILE]",
    run: async (args, cli) => {
      const claimId = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--out');
      if (!claimId) throw new UsageError('usage: audit:export-claim CLAIM_ID [--out FILE]');
      const config = loadConfigOrExit();
      const database = await cli.openDatabase(config);
      try {
        const transactions = new TransactionRunner(database.dataSource);
        const signingKey = new AuditSigningKey(config);
        const clock = new SystemClock();
        const audit = new AuditService(transactions, clock);
        const service = new AuditClaimExportService(
          transactions,
          audit,
          new AuditSequencer(transactions, signingKey, clock, config),
          new AuditProofService(transactions),
          signingKey,
          new AuditWitnessService(config, transactions, audit, signingKey),
          clock,
        );
        const doc = await service.export({ ...SYSTEM_CONTEXT, actorId: 'cli' }, claimId);
        const text = `${JSON.stringify(doc, null, 2)}\n`;
        const out = valuesOf(args, 'out').at(-1);
        if (out) fs.writeFileSync(out, text, { mode: 0o600 });
        else process.stdout.write(text);
      } finally {
        await database.close();
      }
    },
  },
  'audit:keys': {
    summary: 'print the verifier keys (C2SP vkeys) of the audit log: the current signing key, then earlier ones',
    run: async (args) => {
      const config = loadConfigOrExit();
      const key = new AuditSigningKey(config);
      const keys = [
        { status: 'current', verifierKey: key.verifierKey },
        ...config.audit.previousVerifierKeys.map((verifierKey) => ({ status: 'previous', verifierKey })),
      ];
      if (flag(args, 'json')) console.log(JSON.stringify({ origin: key.origin, keys }, null, 2));
      else for (const entry of keys) console.log(`${entry.status}\t${entry.verifierKey}`);
    },
  },
  'audit:verify-export': {
    summary:
      'verify an audit export offline (a JSONL range export, or a claim export): FILE [--key VKEY]... [--witness-key VKEY]... [--min-cosignatures N] [--json]',
    run: async (args) => {
      const file = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--key');
      if (!file) throw new UsageError('usage: audit:verify-export FILE [--key VERIFIER_KEY]... [--json]');
      const trustedKeys = args.flatMap((arg, index) => (args[index - 1] === '--key' ? [arg] : []));
      if (isClaimExport(file)) {
        const witnessKeys = valuesOf(args, 'witness-key');
        const minCosignatures = Number(valuesOf(args, 'min-cosignatures').at(-1) ?? 0);
        if (!Number.isInteger(minCosignatures) || minCosignatures < 0)
          throw new UsageError('--min-cosignatures must be a non-negative integer');
        let doc: ClaimExport;
        try {
          doc = JSON.parse(fs.readFileSync(file, 'utf8')) as ClaimExport;
        } catch (error) {
          throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
        }
        const claimReport = verifyClaimExport(doc, { trustedKeys, witnessKeys, minCosignatures });
        printReport(
          claimReport,
          flag(args, 'json'),
          `${claimReport.ok ? 'OK' : 'NOT OK'}: ${claimReport.eventsChecked} events of claim ${claimReport.claimId ?? '-'} proven included in the signed tree head of size ${claimReport.treeHead?.treeSize ?? '-'}, ${claimReport.cosignaturesVerified.length} witness cosignature(s) verified${trustedKeys.length === 0 ? ' (trusting the keys named in the file: pass --key and --witness-key to pin them)' : ''}`,
        );
        if (!claimReport.ok) process.exitCode = 1;
        return;
      }
      const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
      const report = await verifyExportLines(lines, { trustedKeys });
      printReport(
        report,
        flag(args, 'json'),
        `${report.ok ? 'OK' : 'NOT OK'}: ${report.eventsChecked} events checked (log indexes ${report.range?.firstIndex ?? '-'}..${report.range?.lastIndex ?? '-'}) against the signed tree head of size ${report.treeHead?.treeSize ?? '-'}${trustedKeys.length === 0 ? ' (trusting the key named in the file: pass --key to pin one)' : ''}`,
      );
      if (!report.ok) process.exitCode = 1;
    },
  },
};
