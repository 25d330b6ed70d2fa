import { spawn, type ChildProcess } from 'node:child_process';
import { freePortNumber } from '../../bench/free-port';
import * as path from 'node:path';
import { waitFor as waitForCondition } from './wait-for';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export interface RunningProcess {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a compiled entry point (dist/src/...) as a separate OS process, as an operator would. */
export function startProcess(script: string, args: string[], env: Record<string, string | undefined>): RunningProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // test/setup-env.ts: the suite signs admins in with a password only, unless a test says otherwise.
      ...(process.env.MFA_REQUIRED_ROLES !== undefined ? { MFA_REQUIRED_ROLES: process.env.MFA_REQUIRED_ROLES } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (buffer += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, ms: Date.now() - started })),
  );
  return {
    child,
    output: () => buffer,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}

/** The older positional form of waitFor (see wait-for.ts): probes every 200 ms until `probe` returns a value. */
export async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  return waitForCondition(probe, { timeoutMs, intervalMs: 200, description: what });
}

/** A free loopback port (the benchmarks' helper: one implementation for tests and benches). */
export const freePort = freePortNumber;
