import type { AppConfig } from '../config/app-config';
import type { DatabaseHandle } from '../database/data-source.factory';

/**
 * What src/cli.ts hands every command: the way to open the service's database (with every entity),
 * so that a feature's commands need not import the list of all entities.
 */
export interface CliContext {
  openDatabase(config: AppConfig, options?: { runMigrations?: boolean }): Promise<DatabaseHandle>;
}

/** One operator CLI command. `args` are the words after the command name. */
export interface CliCommand {
  readonly summary: string;
  run(args: string[], context: CliContext): Promise<void>;
}

/** `--name value` or `--flag` from argv; the CLI's commands are few and flat, so no parser library. */
export function option(args: string[], name: string): string | undefined {
  const index = args.indexOf(`--${name}`);
  if (index === -1) return undefined;
  const value = args[index + 1];
  return value === undefined || value.startsWith('--') ? '' : value;
}

export function flag(args: string[], name: string): boolean {
  return args.includes(`--${name}`);
}
