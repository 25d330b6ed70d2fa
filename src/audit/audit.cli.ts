import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { flag, option, type CliCommand } from '../cli/cli-command';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import { TransactionRunner } from '../database/transaction-runner';
import { SYSTEM_CONTEXT } from './audit-context';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { parsePinnedCheckpoint, verifyExportLines, type ExportVerifyReport } from './audit-export-format';
import { AuditSigningKey } from './audit-signing';
import { AuditVerificationService, type AuditVerifyReport } from './audit-verification.service';
import { AuditService } from './audit.service';

class UsageError extends Error {}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} needs a positive integer`);
  return Number(value);
}

function printReport(report: AuditVerifyReport | ExportVerifyReport, json: boolean, summary: string): void {
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  console.log(summary);
  if (report.problem)
    console.log(`FAILED: ${report.problem.kind} at seq ${report.problem.seq ?? '-'}: ${report.problem.message}`);
}

/** Audit commands of the operator CLI. Verification commands exit 1 when the chain does not verify. */
export const AUDIT_COMMANDS: Record<string, CliCommand> = {
  'audit:verify': {
    summary: 'verify the audit chain and its checkpoints [--from-checkpoint SEQ] [--json]',
    run: async (args, cli) => {
      const fromCheckpoint = positiveInteger(option(args, 'from-checkpoint'), 'from-checkpoint');
      const config = loadConfigOrExit();
      const database = await cli.openDatabase(config);
      try {
        const verifier = new AuditVerificationService(
          new TransactionRunner(database.dataSource),
          new AuditSigningKey(config),
        );
        const report = await verifier.verify({ fromCheckpoint });
        printReport(
          report,
          flag(args, 'json'),
          `${report.ok ? 'OK' : 'NOT OK'}: ${report.eventsChecked} events and ${report.checkpointsChecked} checkpoints checked from seq ${report.from.seq}; head ${report.head.seq} ${report.head.hash}`,
        );
        if (!report.ok) process.exitCode = 1;
      } finally {
        await database.close();
      }
    },
  },
  'audit:checkpoint': {
    summary: 'sign a checkpoint of the audit chain head now [--json]',
    run: async (args, cli) => {
      const config = loadConfigOrExit();
      const database = await cli.openDatabase(config);
      try {
        const clock = new SystemClock();
        const service = new AuditCheckpointService(
          new TransactionRunner(database.dataSource),
          new AuditService(new TransactionRunner(database.dataSource), clock),
          new AuditSigningKey(config),
          clock,
        );
        const result = await service.create({ ...SYSTEM_CONTEXT, actorId: 'cli' }, 'on_demand');
        if (flag(args, 'json')) console.log(JSON.stringify(result, null, 2));
        else
          console.log(
            `${result.created ? 'signed' : 'unchanged head, existing'} checkpoint ${result.checkpoint.seq} ${result.checkpoint.headHash} (key ${result.checkpoint.keyId})`,
          );
      } finally {
        await database.close();
      }
    },
  },
  'audit:verify-export': {
    summary: 'verify a JSONL audit export offline: FILE [--checkpoint FILE] [--json]',
    run: async (args) => {
      const file = args.find((arg, index) => !arg.startsWith('--') && args[index - 1] !== '--checkpoint');
      if (!file)
        throw new UsageError('usage: audit:verify-export FILE [--checkpoint CHECKPOINT_OR_EARLIER_EXPORT] [--json]');
      const checkpointFile = option(args, 'checkpoint');
      const pinned = checkpointFile ? parsePinnedCheckpoint(fs.readFileSync(checkpointFile, 'utf8')) : undefined;
      const lines = readline.createInterface({ input: fs.createReadStream(file, 'utf8'), crlfDelay: Infinity });
      const report = await verifyExportLines(lines, { pinned });
      printReport(
        report,
        flag(args, 'json'),
        `${report.ok ? 'OK' : 'NOT OK'}: ${report.eventsChecked} events checked (${report.range?.firstSeq ?? '-'}..${report.range?.lastSeq ?? '-'}); checkpoints verified: ${report.checkpointsVerified.join(', ') || 'none'}`,
      );
      if (!report.ok) process.exitCode = 1;
    },
  },
};
