import type { CliCommand } from '../cli/cli-command';

/** Identity commands of the operator CLI (users:create, api-clients:create, ...). */
export const AUTH_COMMANDS: Record<string, CliCommand> = {};
