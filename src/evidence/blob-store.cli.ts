import { flag, option, type CliCommand } from '../cli/cli-command';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import { TransactionRunner } from '../database/transaction-runner';
import { createBlobStore } from './blob-store.module';
import { BlobsRepository } from './blobs.repository';
import { BlobSweeper, DEFAULT_SWEEP_GRACE_MS } from './blob-store-sweeper';

/** Blob store commands of the operator CLI. */
export const BLOB_COMMANDS: Record<string, CliCommand> = {
  'blobs:sweep': {
    summary: `delete photo blobs without a photo row, older than the grace period [--grace-minutes ${DEFAULT_SWEEP_GRACE_MS / 60_000}] [--dry-run] [--json]`,
    run: async (args, cli) => {
      const graceRaw = option(args, 'grace-minutes');
      if (graceRaw !== undefined && !/^\d+$/.test(graceRaw))
        throw new Error('--grace-minutes needs a whole number of minutes');
      const config = loadConfigOrExit();
      const database = await cli.openDatabase(config);
      try {
        const clock = new SystemClock();
        const sweeper = new BlobSweeper(
          createBlobStore(config, new BlobsRepository(database.dataSource)),
          new TransactionRunner(database.dataSource),
          new AuditService(new TransactionRunner(database.dataSource), clock),
          clock,
        );
        const report = await sweeper.sweep(
          { ...SYSTEM_CONTEXT, actorId: 'cli' },
          { graceMs: graceRaw === undefined ? undefined : Number(graceRaw) * 60_000, dryRun: flag(args, 'dry-run') },
        );
        if (flag(args, 'json')) console.log(JSON.stringify(report, null, 2));
        else
          console.log(
            `${report.dryRun ? 'dry run: would delete' : 'deleted'} ${report.dryRun ? report.orphans - report.tooYoung : report.deleted} orphan blob(s) of ${report.scanned} scanned; ` +
              `${report.tooYoung} orphan(s) younger than the grace period kept; ${report.staleTempFiles} stale temp file(s) removed`,
          );
      } finally {
        await database.close();
      }
    },
  },
};
