import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort, startProcess, type RunningProcess } from './processes';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * Where a built server (dist/src/main.js) runs in a test: a fresh database, a data folder and a free
 * loopback port, for tests that start the server as an operator would (`npm start`).
 */
export interface ServerHome {
  readonly database: TestDatabase;
  readonly dataDir: string;
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** Starts `main.js --with-worker` here (queue prefix `<label>-<port>`); `env` adds to or overrides the set-up. */
  startServer(env?: Record<string, string | undefined>): RunningProcess;
  /** Drops the database and removes the data folder (stop the server first). */
  remove(): Promise<void>;
}

export async function createServerHome(label: string): Promise<ServerHome> {
  const database = await createTestDatabase(label);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `claims-${label}-`));
  const port = await freePort();
  return {
    database,
    dataDir,
    port,
    url: `http://127.0.0.1:${port}`,
    startServer: (env = {}) =>
      startProcess('dist/src/main.js', ['--with-worker'], {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        PORT: String(port),
        QUEUE_PREFIX: `${label}-${port}`,
        REDIS_URL: process.env.REDIS_URL,
        ...env,
      }),
    async remove() {
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
