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
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import type { AppConfig } from '../config/app-config';

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
  work: (database: DatabaseHandle, audit: AuditService, config: AppConfig) => Promise<T>,
): Promise<T> {
  const config = loadConfigOrExit();
  const database = await cli.openDatabase(config);
  try {
    return await work(
      database,
      new AuditService(new TransactionRunner(database.dataSource), new SystemClock()),
      config,
    );
  } finally {
    await database.close();
  }
}

function usersService(database: DatabaseHandle, audit: AuditService, config?: AppConfig): UsersService {
  return new UsersService(
    new UsersRepository(database.dataSource),
    audit,
    new PasswordHasher(),
    new RefreshTokensRepository(),
    new PasswordResetTokensRepository(),
    new SystemClock(),
    config,
  );
}

function clientsService(database: DatabaseHandle, audit: AuditService, config?: AppConfig): ApiClientsService {
  return new ApiClientsService(audit, new SystemClock(), new ApiClientsRepository(database.dataSource), config);
}

/** The user named by --id or --email (exit 1 when there is none). */
async function userIdOf(args: string[], database: DatabaseHandle): Promise<string> {
  const id = option(args, 'id');
  const email = option(args, 'email');
  if (!id && !email) throw new UsageError('--email or --id is required');
  const repository = new UsersRepository(database.dataSource);
  const user = id
    ? /^[0-9a-f-]{36}$/i.test(id)
      ? await repository.findById(id)
      : null
    : await repository.findByEmail(email!.trim().toLowerCase());
  if (!user) throw new UsageError(`no user ${id ?? email}`);
  return user.id;
}

function requiredClientId(args: string[]): string {
  const id = required(args, 'id');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new UsageError('--id must be an API client id (uuid)');
  return id;
}

function userLine(user: { email: string; role: string; team: string; id: string; disabledAt: string | null }): string {
  return `${user.email}  ${user.role}  team ${user.team}  ${user.disabledAt ? 'DISABLED' : 'active'}  ${user.id}`;
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
      const result = await withDatabase(cli, (database, audit, config) =>
        usersService(database, audit, config).create(cliContext(), {
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
        clientsService(database, audit).create(cliContext(), { name, team }),
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
  'users:list': {
    summary: 'list users (role, team, status, last sign-in, second factor) [--json]',
    run: async (args, cli) => {
      const users = await withDatabase(cli, (database, audit) => usersService(database, audit).list());
      print(flag(args, 'json'), { items: users }, users.length === 0 ? ['no users'] : users.map(userLine));
    },
  },
  'users:disable': {
    summary:
      'deactivate a user: --email E | --id ID [--json]; every session and access token of the person ends at once',
    run: async (args, cli) => {
      const user = await withDatabase(cli, async (database, audit) =>
        usersService(database, audit).disable(cliContext(), await userIdOf(args, database)),
      );
      print(flag(args, 'json'), { user }, [`deactivated ${userLine(user)}`]);
    },
  },
  'users:enable': {
    summary: 'reactivate a user: --email E | --id ID [--json]',
    run: async (args, cli) => {
      const user = await withDatabase(cli, async (database, audit) =>
        usersService(database, audit).enable(cliContext(), await userIdOf(args, database)),
      );
      print(flag(args, 'json'), { user }, [`reactivated ${userLine(user)}`]);
    },
  },
  'users:role': {
    summary: `change role and/or team: --email E | --id ID [--role ${STAFF_ROLES.join('|')}] [--team T] [--json]`,
    run: async (args, cli) => {
      const role = option(args, 'role') || undefined;
      const team = option(args, 'team') || undefined;
      if (!role && !team) throw new UsageError('--role or --team is required');
      if (role && !(STAFF_ROLES as readonly string[]).includes(role))
        throw new UsageError(`--role must be one of ${STAFF_ROLES.join(', ')}`);
      if (team && !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(team))
        throw new UsageError('--team must be lowercase letters, digits, dot, dash or underscore');
      const user = await withDatabase(cli, async (database, audit) =>
        usersService(database, audit).update(cliContext(), await userIdOf(args, database), {
          role: role as StaffRole | undefined,
          team,
        }),
      );
      print(flag(args, 'json'), { user }, [`updated ${userLine(user)}`]);
    },
  },
  'users:reset-password': {
    summary:
      'issue a one-time, expiring set-password token: --email E | --id ID [--json]; printed once, the person sets a new password at /set-password',
    run: async (args, cli) => {
      const reset = await withDatabase(cli, async (database, audit, config) =>
        usersService(database, audit, config).createPasswordReset(cliContext(), await userIdOf(args, database)),
      );
      print(flag(args, 'json'), { ...reset }, [
        `set-password token (shown once, expires ${reset.expiresAt}): ${reset.token}`,
        `the person opens <server>${reset.path} (or POST /v1/auth/password with the token)`,
      ]);
    },
  },
  'clients:list': {
    summary: 'list intake API clients and their keys [--json]',
    run: async (args, cli) => {
      const clients = await withDatabase(cli, (database, audit) => clientsService(database, audit).list());
      const lines = clients.flatMap((client) => [
        `${client.name}  team ${client.team}  ${client.revokedAt ? 'REVOKED' : 'active'}  ${client.id}`,
        ...client.keys.map(
          (key) =>
            `  key ${key.prefix}  ${key.revokedAt ? 'revoked' : key.expiresAt ? `expires ${key.expiresAt}` : 'no expiry'}`,
        ),
      ]);
      print(flag(args, 'json'), { items: clients }, lines.length === 0 ? ['no API clients'] : lines);
    },
  },
  'clients:rotate-key': {
    summary:
      'rotate an intake client key: --id ID [--overlap-s N (default API_KEY_ROTATION_OVERLAP_S)] [--json]; prints the new key once',
    run: async (args, cli) => {
      const id = requiredClientId(args);
      const rawOverlap = option(args, 'overlap-s');
      if (rawOverlap !== undefined && !/^\d+$/.test(rawOverlap)) throw new UsageError('--overlap-s must be seconds');
      const rotated = await withDatabase(cli, (database, audit, config) =>
        clientsService(database, audit, config).rotateKey(cliContext(), id, {
          overlapS: rawOverlap === undefined ? undefined : Number(rawOverlap),
        }),
      );
      print(flag(args, 'json'), { ...rotated }, [
        `new API key (shown once, store it now): ${rotated.apiKey}`,
        `the previous keys stop working at ${rotated.oldKeysExpireAt}`,
      ]);
    },
  },
  'clients:revoke': {
    summary: 'revoke an intake client and all its keys at once: --id ID [--json]',
    run: async (args, cli) => {
      const id = requiredClientId(args);
      const client = await withDatabase(cli, (database, audit) =>
        clientsService(database, audit).revoke(cliContext(), id),
      );
      print(flag(args, 'json'), { client }, [
        `revoked ${client.name} (${client.id}) and its ${client.keys.length} keys`,
      ]);
    },
  },
};
