import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { AuditService } from '../src/audit/audit.service';
import { ApiClientsService } from '../src/auth/api-clients.service';
import { SystemClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { openAppDatabase } from '../src/entities';
import { TransactionRunner } from '../src/database/transaction-runner';
import { ApiClientsRepository } from '../src/auth/api-clients.repository';

/** Shared by the intake and end-to-end benchmarks: servers on loopback, temp databases, latency stats. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function argument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1] : fallback;
}

export interface TempDatabase {
  url: string | undefined;
  description: string;
  drop(): Promise<void>;
}

/** A fresh PostgreSQL database on the server named by `serverUrl`, or the embedded one (undefined URL). */
export async function tempDatabase(serverUrl: string | undefined, label: string): Promise<TempDatabase> {
  if (!serverUrl) return { url: undefined, description: 'embedded PGlite', drop: async () => undefined };
  const name = `claims_bench_${label}_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    description: `PostgreSQL ${url.host}/${name}`,
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

export function tempDataDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `claims-bench-${label}-`));
}

/** Creates an intake client directly in the database (migrating it first), as the CLI does. */
export async function createApiKey(env: Record<string, string | undefined>, team = 'bench'): Promise<string> {
  const config = loadConfig({ ...process.env, ...env });
  const database = await openAppDatabase(config, { runMigrations: true });
  try {
    const clock = new SystemClock();
    const created = await new ApiClientsService(
      new AuditService(new TransactionRunner(database.dataSource), clock),
      clock,
      new ApiClientsRepository(database.dataSource),
    ).create(
      { actorType: 'system', actorId: 'bench', requestId: null, sourceIp: null },
      { name: 'Benchmark intake', team },
    );
    return created.apiKey;
  } finally {
    await database.close();
  }
}

export interface Server {
  child: ChildProcess;
  stop(): Promise<void>;
}

export function startNode(script: string, args: string[], env: Record<string, string | undefined>): Server {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, script), ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitReady(url: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not become ready within ${timeoutMs} ms`);
}

export interface LoadResult {
  name: string;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** A bounded async request loop: `concurrency` callers each run `call` until `count` calls are made. */
export async function load(
  name: string,
  count: number,
  concurrency: number,
  call: (index: number) => Promise<boolean>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        const t0 = performance.now();
        let ok = false;
        try {
          ok = await call(index);
        } catch {
          ok = false;
        }
        latencies.push(performance.now() - t0);
        if (!ok) errors += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    name,
    requests: count,
    errors,
    seconds,
    perSecond: count / seconds,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: latencies[latencies.length - 1] ?? 0,
  };
}

export function formatLoad(results: LoadResult[]): string {
  const header = `${'operation'.padEnd(34)} ${'requests'.padStart(8)} ${'errors'.padStart(6)} ${'req/s'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p90 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'max ms'.padStart(7)}`;
  return [
    header,
    ...results.map(
      (r) =>
        `${r.name.padEnd(34)} ${String(r.requests).padStart(8)} ${String(r.errors).padStart(6)} ${r.perSecond.toFixed(1).padStart(7)} ${r.p50.toFixed(0).padStart(7)} ${r.p90.toFixed(0).padStart(7)} ${r.p99.toFixed(0).padStart(7)} ${r.max.toFixed(0).padStart(7)}`,
    ),
  ].join('\n');
}

export function machine(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'cpu'}, Node ${process.version}, load average ${os.loadavg()[0].toFixed(2)}`;
}
