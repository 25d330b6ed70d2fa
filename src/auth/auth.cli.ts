import * as os from 'node:os';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { flag, option, type CliCommand, type CliContext } from '../cli/cli-command';
import { SystemClock } from '../common/clock';
import { loadConfigOrExit } from '../common/process-entry';
import type { DatabaseHandle } from '../database/data-source.factory';
import { TransactionRunner } from '../database/transaction-runner';
import { ApiClientsService } from './api-clients.service';
import { PasswordHasher } from './password-hasher';
import { STAFF_ROLES, type StaffRole } from '../common/actor';
import { UsersService } from './users.service';
import { ApiClientsRepository } from './api-clients.repository';
import { UsersRepository } from './users.repository';

export const FIRST_ADMIN_COMMAND = 'npm run cli -- users:create --email admin@example.com --role admin --team ops';

class UsageError extends Error {}

function cliContext(): AuditContext {
  let who = 'unknown';
  try {
    who = os.userInfo().username;
  } catch {
    // no passwd entry (containers): stay "unknown"
  }
  return { actorType: 'system', actorId: `cli:${who}`, requestId: null, sourceIp: null };
}

async function withDatabase<T>(
  cli: CliContext,
  work: (database: DatabaseHandle, audit: AuditService) => Promise<T>,
): Promise<T> {
  const database = await cli.openDatabase(loadConfigOrExit());
  try {
    return await work(database, new AuditService(new TransactionRunner(database.dataSource), new SystemClock()));
  } finally {
    await database.close();
  }
}

function required(args: string[], name: string): string {
  const value = option(args, name);
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

function print(json: boolean, value: Record<string, unknown>, lines: string[]): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${lines.join('\n')}\n`);
}

/** Identity commands of the operator CLI. Creations go through the same services and are audited. */
export const AUTH_COMMANDS: Record<string, CliCommand> = {
  'users:create': {
    summary:
      'create a user: --email E --role adjuster|supervisor|compliance|admin [--team T] [--password P] [--name N] [--json]',
    run: async (args, cli) => {
      const email = required(args, 'email');
      const role = required(args, 'role');
      if (!(STAFF_ROLES as readonly string[]).includes(role))
        throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      const team = option(args, 'team') || 'default';
      const password = option(args, 'password') || undefined;
      const json = flag(args, 'json');
      const result = await withDatabase(cli, (database, audit) =>
        new UsersService(new UsersRepository(database.dataSource), audit, new PasswordHasher()).create(cliContext(), {
          email,
          role: role as StaffRole,
          team,
          password,
          displayName: option(args, 'name') || undefined,
        }),
      );
      const lines = [
        `created ${result.user.role} ${result.user.email} (team ${result.user.team}, id ${result.user.id})`,
      ];
      if (result.generatedPassword) lines.push(`password (shown once, store it now): ${result.generatedPassword}`);
      print(
        json,
        { user: result.user, ...(result.generatedPassword ? { password: result.generatedPassword } : {}) },
        lines,
      );
    },
  },
  'api-clients:create': {
    summary: 'create an intake API client: --name N [--team T] [--json]; prints its API key once',
    run: async (args, cli) => {
      const name = required(args, 'name');
      const team = option(args, 'team') || 'default';
      const json = flag(args, 'json');
      const created = await withDatabase(cli, (database, audit) =>
        new ApiClientsService(audit, new SystemClock(), new ApiClientsRepository(database.dataSource)).create(
          cliContext(),
          { name, team },
        ),
      );
      print(
        json,
        { id: created.id, name: created.name, team: created.team, keyId: created.keyId, apiKey: created.apiKey },
        [
          `created API client ${created.name} (team ${created.team}, id ${created.id})`,
          `API key (shown once, store it now): ${created.apiKey}`,
        ],
      );
    },
  },
};
