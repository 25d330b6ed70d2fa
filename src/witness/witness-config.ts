/**
 * The witness's configuration: flags override environment variables.
 *
 * | flag | variable | default |
 * |---|---|---|
 * | --log-url | WITNESS_LOG_URL | (required) the log's base URL, e.g. https://claims.example |
 * | --origin | WITNESS_LOG_ORIGIN | (required) the log's origin line |
 * | --log-key (repeatable) | WITNESS_LOG_KEYS (comma-separated) | (required) the log's verifier keys |
 * | --name | WITNESS_NAME | (required) this witness's name, e.g. witness.insurer.example |
 * | --key-file | WITNESS_KEY_FILE | ./witness-data/witness-ed25519.pem (created, mode 0600) |
 * | --state-file | WITNESS_STATE_FILE | ./witness-data/witness-state.json |
 * | --interval-ms | WITNESS_INTERVAL_MS | 60000 |
 * | --port | WITNESS_PORT | 7380 (0: serve nothing) |
 * | --host | WITNESS_HOST | 127.0.0.1 |
 * | --history-limit | WITNESS_HISTORY_LIMIT | 10000 |
 */
import { parseVerifierKey, type NoteVerifier } from '../audit/signed-note';

export interface WitnessConfig {
  logUrl: string;
  origin: string;
  logKeys: NoteVerifier[];
  name: string;
  keyFile: string;
  stateFile: string;
  intervalMs: number;
  port: number;
  host: string;
  historyLimit: number;
  once: boolean;
  printKey: boolean;
}

export class WitnessConfigError extends Error {}

function flagValues(args: readonly string[], name: string): string[] {
  const values: string[] = [];
  args.forEach((arg, i) => {
    if (arg === `--${name}` && i + 1 < args.length) values.push(args[i + 1]);
    else if (arg.startsWith(`--${name}=`)) values.push(arg.slice(name.length + 3));
  });
  return values;
}

export function loadWitnessConfig(args: readonly string[], env: NodeJS.ProcessEnv = process.env): WitnessConfig {
  const value = (flag: string, variable: string): string | undefined =>
    flagValues(args, flag).at(-1) ?? (env[variable]?.trim() || undefined);
  const required = (flag: string, variable: string): string => {
    const found = value(flag, variable);
    if (!found) throw new WitnessConfigError(`--${flag} or ${variable} is required`);
    return found;
  };
  const integer = (flag: string, variable: string, fallback: number, min: number, max: number): number => {
    const raw = value(flag, variable);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new WitnessConfigError(`--${flag} / ${variable} must be an integer from ${min} to ${max} (got ${raw})`);
    return parsed;
  };
  const printKey = args.includes('--print-key');
  const keyFile = value('key-file', 'WITNESS_KEY_FILE') ?? 'witness-data/witness-ed25519.pem';
  const name = required('name', 'WITNESS_NAME');
  if (/[\s+]/.test(name)) throw new WitnessConfigError('the witness name must have no spaces or "+"');
  if (printKey)
    return {
      logUrl: '',
      origin: '',
      logKeys: [],
      name,
      keyFile,
      stateFile: '',
      intervalMs: 0,
      port: 0,
      host: '',
      historyLimit: 0,
      once: false,
      printKey,
    };
  const logUrl = required('log-url', 'WITNESS_LOG_URL');
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(logUrl);
  } catch {
    throw new WitnessConfigError(`--log-url / WITNESS_LOG_URL is not a URL: ${logUrl}`);
  }
  if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:')
    throw new WitnessConfigError('--log-url / WITNESS_LOG_URL must be http(s)');
  const keyTexts = [
    ...flagValues(args, 'log-key'),
    ...(flagValues(args, 'log-key').length === 0 ? (env.WITNESS_LOG_KEYS ?? '').split(',') : []),
  ]
    .map((k) => k.trim())
    .filter(Boolean);
  if (keyTexts.length === 0) throw new WitnessConfigError('--log-key or WITNESS_LOG_KEYS is required');
  let logKeys: NoteVerifier[];
  try {
    logKeys = keyTexts.map((k) => parseVerifierKey(k));
  } catch (error) {
    throw new WitnessConfigError(`log key: ${(error as Error).message}`);
  }
  return {
    logUrl,
    origin: required('origin', 'WITNESS_LOG_ORIGIN'),
    logKeys,
    name,
    keyFile,
    stateFile: value('state-file', 'WITNESS_STATE_FILE') ?? 'witness-data/witness-state.json',
    intervalMs: integer('interval-ms', 'WITNESS_INTERVAL_MS', 60_000, 100, 24 * 3600 * 1000),
    port: integer('port', 'WITNESS_PORT', 7380, 0, 65535),
    host: value('host', 'WITNESS_HOST') ?? '127.0.0.1',
    historyLimit: integer('history-limit', 'WITNESS_HISTORY_LIMIT', 10_000, 4, 10_000_000),
    once: args.includes('--once'),
    printKey,
  };
}
