import 'reflect-metadata';
import { AUDIT_COMMANDS } from './audit/audit.cli';
import { AUTH_COMMANDS } from './auth/auth.cli';
import type { CliCommand } from './cli/cli-command';
import { keyCommands } from './crypto/crypto.cli';
import { UsersRepository } from './auth/users.repository';
import { TotpKeyHolder } from './mfa/totp-key-holder';
import { WebhookEndpointsRepository } from './webhooks/webhook-endpoints.repository';
import { WebhookSecretKeyHolder } from './webhooks/webhook-secret-key-holder';
import { BLOB_COMMANDS } from './evidence/blob-store.cli';
import { SCORING_COMMANDS } from './scoring/scoring.cli';
import { GOVERNANCE_COMMANDS } from './governance/governance.cli';
import { WEBHOOK_COMMANDS } from './webhooks/webhooks.cli';
import { CALIBRATION_COMMANDS } from './validation/calibration.cli';
import { failStartup, loadConfigOrExit } from './common/process-entry';
import { openAppDatabase } from './entities';

/** Operator CLI: `npm run cli -- <command> [--json]`. Reads the same configuration as the server. */
const commands: Record<string, CliCommand> = {
  ...AUTH_COMMANDS,
  ...AUDIT_COMMANDS,
  ...SCORING_COMMANDS,
  ...keyCommands(({ dataSource }) => [
    new TotpKeyHolder(new UsersRepository(dataSource)),
    new WebhookSecretKeyHolder(new WebhookEndpointsRepository(dataSource)),
  ]),
  ...BLOB_COMMANDS,
  ...WEBHOOK_COMMANDS,
  ...GOVERNANCE_COMMANDS,
  ...CALIBRATION_COMMANDS,
  'migration:run': {
    summary: 'apply pending migrations',
    run: async () => {
      const database = await openAppDatabase(loadConfigOrExit(), { runMigrations: false });
      try {
        const applied = await database.dataSource.runMigrations({ transaction: 'each' });
        console.log(
          applied.length === 0 ? 'no pending migrations' : `applied: ${applied.map((m) => m.name).join(', ')}`,
        );
      } finally {
        await database.close();
      }
    },
  },
  'migration:revert': {
    summary: 'revert the last applied migration',
    run: async () => {
      const database = await openAppDatabase(loadConfigOrExit(), { runMigrations: false });
      try {
        await database.dataSource.undoLastMigration({ transaction: 'each' });
        console.log('reverted the last migration');
      } finally {
        await database.close();
      }
    },
  },
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name ? commands[name] : undefined;
  if (!command) {
    const list = Object.entries(commands)
      .map(([commandName, { summary }]) => `  ${commandName.padEnd(24)} ${summary}`)
      .join('\n');
    process.stderr.write(
      `${name ? `unknown command: ${name}\n` : ''}usage: npm run cli -- <command> [options]\n${list}\n`,
    );
    process.exit(name ? 2 : 0);
  }
  await command.run(args, { openDatabase: openAppDatabase });
}

main().catch(failStartup);
