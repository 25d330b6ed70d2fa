import type { CliCommand } from '../cli/cli-command';

/** Audit commands of the operator CLI (audit:verify, ...). */
export const AUDIT_COMMANDS: Record<string, CliCommand> = {};
