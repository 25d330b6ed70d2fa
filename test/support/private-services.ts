import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { redisAnswers } from '../../src/common/redis-preflight';
import { Client } from 'pg';
import { freePort, waitFor } from './processes';

/**
 * Private PostgreSQL and Redis servers for the fault tests, which stop and restart them. Other test runs
 * and engineers share this machine's PostgreSQL (5432) and Redis (6379): those are never touched here.
 * Each server listens on a free port on 127.0.0.1, keeps its files in a temp folder, and is stopped by
 * its `destroy()` (call it in afterAll; it is also run when the Jest process exits).
 */

const cleanups = new Set<() => void>();
process.once('exit', () => {
  for (const cleanup of cleanups) cleanup();
});

/** Registers the server's emergency stop (run at exit unless `destroy()` ran), starts it, and returns it. */
async function startRegistered<T extends { start(): Promise<void> }>(server: T, emergencyStop: () => void): Promise<T> {
  cleanups.add(emergencyStop);
  await server.start();
  return server;
}

/** A private server on a free loopback port that a fault test stops and starts again. */
interface PrivateServer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
  /** Starts it (again) on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

/** stop(): SIGTERM; no persistence, so a restart starts empty, like a lost Redis host. */
export type PrivateRedis = PrivateServer;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const kill = () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const redis: PrivateRedis = {
    port,
    url,
    async start() {
      if (child && child.exitCode === null && child.signalCode === null) return;
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      await waitFor(
        async () => ((await redisAnswers(url, 500)) ? true : undefined),
        10_000,
        `the private Redis on port ${port} to answer`,
      );
    },
    async stop() {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise((resolve) => running.once('exit', resolve));
      running.kill('SIGTERM');
      await exited;
    },
    async destroy() {
      await redis.stop();
      cleanups.delete(kill);
    },
  };
  return startRegistered(redis, kill);
}

/**
 * url: a URL of the server's `postgres` database (what TEST_POSTGRES_URL expects). stop(): fast
 * shutdown, open connections are terminated (SQLSTATE 57P01), as when a database host goes away.
 */
export type PrivatePostgres = PrivateServer;

function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((version) => fs.existsSync(path.join(root, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin') : undefined;
}

/** Whether this machine can run a private cluster (PostgreSQL server binaries installed). */
export function canStartPrivatePostgres(): boolean {
  return postgresBinDir() !== undefined;
}

/**
 * initdb refuses to run as root: as root, the cluster belongs to the `postgres` OS user (runuser);
 * as anyone else, to that user.
 */
function asClusterOwner(binary: string, args: string[]): string[] {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot ? ['runuser', '-u', 'postgres', '--', binary, ...args] : [binary, ...args];
}

function run(command: string[], what: string): void {
  const result = spawnSync(command[0], command.slice(1), { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(`${what} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-private-pg-'));
  const data = path.join(dir, 'data');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir]);
  run(
    asClusterOwner(path.join(bin, 'initdb'), [
      '-D',
      data,
      '-U',
      'postgres',
      '--auth=trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--locale=C',
    ]),
    'initdb',
  );
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=60`;
  const pgCtl = (args: string[], what: string) =>
    run(asClusterOwner(path.join(bin, 'pg_ctl'), ['-D', data, ...args]), what);
  let running = false;
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const emergencyStop = () => {
    if (running) {
      const command = asClusterOwner(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      spawnSync(command[0], command.slice(1), { timeout: 10_000 });
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const postgres: PrivatePostgres = {
    port,
    url,
    async start() {
      pgCtl(['-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '30', 'start'], 'pg_ctl start');
      running = true;
      await waitFor(
        async () => {
          const client = new Client({ connectionString: url, connectionTimeoutMillis: 1000 });
          try {
            await client.connect();
            await client.query('SELECT 1');
            return true;
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        15_000,
        `the private PostgreSQL on port ${port} to answer`,
      );
    },
    async stop() {
      if (!running) return;
      pgCtl(['-m', 'fast', '-w', '-t', '30', 'stop'], 'pg_ctl stop');
      running = false;
    },
    async destroy() {
      if (running) {
        try {
          pgCtl(['-m', 'immediate', '-w', '-t', '30', 'stop'], 'pg_ctl stop');
        } catch {
          // already gone
        }
        running = false;
      }
      fs.rmSync(dir, { recursive: true, force: true });
      cleanups.delete(emergencyStop);
    },
  };
  return startRegistered(postgres, emergencyStop);
}

export interface TinyFilesystem {
  readonly dir: string;
  /** Fills it up, leaving about `freeBytes` free. */
  fill(freeBytes: number): void;
  /** Frees what `fill` took. */
  empty(): void;
  destroy(): void;
}

/**
 * A real small filesystem (tmpfs of `sizeBytes`) mounted on `dir`, so a write fails with ENOSPC as on a
 * full disk. Needs root (mount); returns undefined where mounting is not allowed.
 */
export function mountTinyFilesystem(dir: string, sizeBytes: number): TinyFilesystem | undefined {
  fs.mkdirSync(dir, { recursive: true });
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], {
    encoding: 'utf8',
  });
  if (mounted.status !== 0) return undefined;
  const filler = path.join(dir, 'zz-filler');
  const unmount = () => {
    spawnSync('umount', ['-l', dir]);
  };
  cleanups.add(unmount);
  return {
    dir,
    fill(freeBytes: number) {
      const handle = fs.openSync(filler, 'w');
      const chunk = Buffer.alloc(64 * 1024, 1);
      let written = 0;
      try {
        for (;;) written += fs.writeSync(handle, chunk);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      // Some space may still be free after a short write; fill it byte-exactly, then give back freeBytes.
      try {
        for (;;) written += fs.writeSync(handle, Buffer.alloc(512, 1));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
      }
      fs.ftruncateSync(handle, Math.max(0, written - freeBytes));
      fs.closeSync(handle);
    },
    empty() {
      fs.rmSync(filler, { force: true });
    },
    destroy() {
      fs.rmSync(filler, { force: true });
      unmount();
      cleanups.delete(unmount);
    },
  };
}
