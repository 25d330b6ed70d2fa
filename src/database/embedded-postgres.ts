import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

/**
 * The embedded database for a machine with no PostgreSQL server: PGlite (PostgreSQL in WASM)
 * persisted in a folder, reached by TypeORM through node-postgres with one connection.
 * PGlite is single-process: a lock file stops a second process from opening the same folder.
 */
export interface EmbeddedDatabase {
  readonly dataDir: string;
  readonly connectionOptions: Record<string, unknown>;
  close(): Promise<void>;
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function acquireLock(lockFile: string): void {
  try {
    fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const holder = Number(fs.readFileSync(lockFile, 'utf8').trim());
  if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
    throw new Error(
      `the embedded database ${path.dirname(lockFile)} is in use by process ${holder}; stop it, or set DATABASE_URL to share a PostgreSQL server between processes`,
    );
  }
  fs.writeFileSync(lockFile, String(process.pid));
}

export async function openEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  fs.mkdirSync(dataDir, { recursive: true });
  const lockFile = `${dataDir}.lock`;
  acquireLock(lockFile);
  // Required lazily: the embedded engine (a WASM PostgreSQL) is only loaded when it is used.
  // The main entry is loaded first and handed to the node-postgres adapter, whose CommonJS build
  // would otherwise look for its data files in the wrong folder.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PGlite: PGliteClass } = require('@electric-sql/pglite') as typeof import('@electric-sql/pglite');
  type NodePostgresAdapter = typeof import('@electric-sql/pglite/node-postgres');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createPgConfig } = require('@electric-sql/pglite/node-postgres') as NodePostgresAdapter;
  // pg_trgm: claim search's partial-match indexes (migration 1768900000000).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { pg_trgm } = require('@electric-sql/pglite/contrib/pg_trgm') as {
    pg_trgm: import('@electric-sql/pglite').Extension;
  };
  let pglite: PGlite;
  try {
    pglite = await PGliteClass.create(dataDir, { extensions: { pg_trgm } });
  } catch (error) {
    fs.rmSync(lockFile, { force: true });
    throw error;
  }
  const pgConfig = createPgConfig(pglite);
  return {
    dataDir,
    connectionOptions: {
      host: pgConfig.host,
      port: pgConfig.port,
      username: pgConfig.user,
      password: pgConfig.password,
      database: pgConfig.database,
      // One connection: PGlite serves one session; node-postgres must never open a second or drop it.
      extra: { ...pgConfig, max: 1, idleTimeoutMillis: 0 },
      poolSize: 1,
    },
    async close() {
      try {
        if (!pglite.closed) await pglite.close();
      } finally {
        fs.rmSync(lockFile, { force: true });
      }
    },
  };
}
