import { flag, option, type CliCommand, type CliContext } from '../cli/cli-command';
import { SYSTEM_CONTEXT, type AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import type { AppConfig } from '../config/app-config';
import type { DatabaseHandle } from '../database/data-source.factory';
import { TransactionRunner } from '../database/transaction-runner';
import { PhotosRepository } from '../claims/photos.repository';
import { EnvelopeCrypto } from './envelope-crypto';
import { KeyRing } from './key-ring';
import { KeyRotationService } from './key-rotation.service';
import { KeyRotationsRepository } from './key-rotations.repository';
import type { WrappedKeyHolder } from './wrapped-key-holder';

/** The other tables with keys wrapped by the ring, built on the CLI's database (src/cli.ts names them). */
export type KeyHolders = (database: DatabaseHandle) => WrappedKeyHolder[];

const CLI_CONTEXT: AuditContext = { ...SYSTEM_CONTEXT, actorId: 'cli' };

class UsageError extends Error {}

/** Builds the rotation service outside Nest (the CLI does not boot the app). */
export function keyRotationService(
  config: AppConfig,
  database: DatabaseHandle,
  holders: KeyHolders = () => [],
): KeyRotationService {
  const keyRing = new KeyRing(config);
  const transactions = new TransactionRunner(database.dataSource);
  const service = new KeyRotationService(
    transactions,
    keyRing,
    new EnvelopeCrypto(keyRing),
    new AuditService(transactions, new SystemClock()),
    new KeyRotationsRepository(database.dataSource),
    new PhotosRepository(database.dataSource),
  );
  // The other tables that keep keys wrapped by the ring (in the app, their modules register them).
  for (const holder of holders(database)) service.registerHolder(holder);
  return service;
}

async function withService<T>(
  cli: CliContext,
  holders: KeyHolders,
  work: (service: KeyRotationService) => Promise<T>,
): Promise<T> {
  const config = loadConfigOrExit();
  const database = await cli.openDatabase(config);
  try {
    return await work(keyRotationService(config, database, holders));
  } finally {
    await database.close();
  }
}

function positiveInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UsageError(`--${name} needs a positive integer`);
  return Number(value);
}

/**
 * Master key commands of the operator CLI. `holders`: the tables other than photos whose keys the ring wraps
 * (given by src/cli.ts, so this folder imports none of their modules).
 */
export function keyCommands(holders: KeyHolders): Record<string, CliCommand> {
  return {
    'keys:status': {
      summary: 'master key ring: versions, photos per version, open rotation [--json]',
      run: async (args, cli) => {
        const status = await withService(cli, holders, (service) => service.status());
        if (flag(args, 'json')) {
          console.log(JSON.stringify(status, null, 2));
          return;
        }
        console.log(
          `key ring: ${status.ring}${status.source === 'env' ? ' (read-only)' : ''}; active version ${status.activeVersion}`,
        );
        for (const version of status.versions)
          console.log(
            `  v${version.version}${version.active ? ' (active)' : ''}: ${version.photos} photo(s)${Object.entries(
              version.otherKeys,
            )
              .map(([label, count]) => `, ${count} ${label}`)
              .join('')}${version.createdAt ? `, created ${version.createdAt}` : ''}`,
          );
        for (const unknown of status.unknownVersions)
          console.log(
            `  v${unknown.version}: ${unknown.photos} photo(s) under a version NOT in the ring (unreadable until restored)`,
          );
        console.log(`  shredded: ${status.shreddedPhotos} photo(s)`);
        if (status.openRotation)
          console.log(
            `open rotation ${status.openRotation.id} to v${status.openRotation.targetVersion}: ${status.openRotation.rewrapped} re-wrapped so far; run keys:rotate to resume`,
          );
        if (status.unknownVersions.length > 0) process.exitCode = 1;
      },
    },
    'keys:rotate': {
      summary:
        'add a master key version (file ring) and re-wrap every data key to it; resumes an interrupted one [--batch-size N] [--json]',
      run: async (args, cli) => {
        const json = flag(args, 'json');
        const batchSize = positiveInteger(option(args, 'batch-size'), 'batch-size');
        const result = await withService(cli, holders, (service) =>
          service.rotate(CLI_CONTEXT, {
            batchSize,
            onProgress: (progress) => {
              const line = `batch ${progress.batch}: ${progress.rewrappedInBatch} re-wrapped to v${progress.targetVersion} (${progress.rewrapped} in this run, ${progress.failed} failed)`;
              if (json) process.stderr.write(`${line}\n`);
              else console.log(line);
            },
          }),
        );
        if (json) console.log(JSON.stringify(result, null, 2));
        else {
          console.log(
            `${result.resumed ? 'resumed rotation' : result.addedVersion !== null ? `added master key v${result.addedVersion}` : 'rotation'} ${result.rotationId}: ` +
              `${result.rewrapped} data key(s) re-wrapped to v${result.targetVersion} in ${result.batches} batch(es); ` +
              (result.completed
                ? 'complete'
                : `${result.remaining} still under older versions — run keys:rotate again`),
          );
          for (const other of result.otherKeys)
            console.log(`  ${other.rewrapped} ${other.label} re-wrapped to v${result.targetVersion}`);
          for (const failure of result.failures)
            console.log(`  FAILED photo ${failure.photoId} (v${failure.keyVersion}): ${failure.reason}`);
          for (const other of result.otherKeys)
            for (const failure of other.failures)
              console.log(`  FAILED ${other.label} ${failure.ref} (v${failure.keyVersion}): ${failure.reason}`);
        }
        if (!result.completed) process.exitCode = 1;
      },
    },
    'keys:retire': {
      summary:
        'remove a master key version from the file ring, refused while any photo, TOTP secret or webhook secret uses it: --version N [--json]',
      run: async (args, cli) => {
        const version = positiveInteger(option(args, 'version'), 'version');
        if (version === undefined) throw new UsageError('usage: keys:retire --version N [--json]');
        const result = await withService(cli, holders, (service) => service.retire(CLI_CONTEXT, version));
        if (flag(args, 'json')) console.log(JSON.stringify({ retired: result.version }, null, 2));
        else console.log(`retired master key v${result.version}`);
      },
    },
  };
}
