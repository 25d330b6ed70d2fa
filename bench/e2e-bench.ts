import 'reflect-metadata';
import * as fs from 'node:fs';
import { DEFAULT_MIX, runSimulation, type SimulatorSummary } from '../tools/simulate/intake-simulator';
import {
  argument,
  createApiKey,
  machine,
  startNode,
  tempDataDir,
  tempDatabase,
  waitReady,
  type Server,
} from './bench-support';
import { freePortNumber } from './free-port';

/**
 * `npm run bench:e2e`: the simulator's claims/s end to end (file, upload, submit, score, result) with
 * the fixture model, in two layouts on a fresh PostgreSQL database each:
 *   1. one process: API + worker (`node dist/src/main.js --with-worker`, what `npm start` runs);
 *   2. API (`main.js`) + 2 worker processes (`worker.js`).
 * Prints numbers; asserts nothing.
 *
 *   --claims N (default 100)  --concurrency C (default 8)  --layouts one,split (default both)
 *   PostgreSQL server: BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres
 */
async function runLayout(
  layout: 'one' | 'split',
  claims: number,
  concurrency: number,
): Promise<{ layout: string; summary: SimulatorSummary; database: string }> {
  const database = await tempDatabase(
    process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    layout,
  );
  const dataDir = tempDataDir(`e2e-${layout}`);
  const port = await freePortNumber();
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    PORT: String(port),
    QUEUE_PREFIX: `bench-e2e-${layout}-${port}`,
    HOST: '127.0.0.1',
  };
  const apiKey = await createApiKey(env);
  const processes: Server[] = [];
  try {
    if (layout === 'one') processes.push(startNode('dist/src/main.js', ['--with-worker'], env));
    else
      processes.push(
        startNode('dist/src/main.js', [], env),
        startNode('dist/src/worker.js', [], env),
        startNode('dist/src/worker.js', [], env),
      );
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url);
    // Workers load and warm the model after they start; give them the same head start the API had.
    if (layout === 'split') await new Promise((resolve) => setTimeout(resolve, 5000));
    const summary = await runSimulation({
      url,
      apiKey,
      claims,
      concurrency,
      encrypt: false,
      mix: DEFAULT_MIX,
      timeoutMs: 900_000,
      seedBase: 424_242,
    });
    return {
      layout: layout === 'one' ? 'API + worker, one process' : 'API + 2 worker processes',
      summary,
      database: database.description,
    };
  } finally {
    for (const server of processes) await server.stop();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const claims = Number(argument('claims', '100'));
  const concurrency = Number(argument('concurrency', '8'));
  const layouts = argument('layouts', 'one,split').split(',') as Array<'one' | 'split'>;
  process.stdout.write(`e2e bench — ${new Date().toISOString()} — ${machine()}\n`);
  process.stdout.write(
    `${claims} claims per layout (half honest, half with one planted inconsistency), simulator concurrency ${concurrency}, fixture model, CPU\n\n`,
  );
  const rows: string[] = [
    `${'layout'.padEnd(28)} ${'claims'.padStart(6)} ${'photos'.padStart(6)} ${'filing s'.padStart(8)} ${'total s'.padStart(8)} ${'claims/s'.padStart(8)} ${'final'.padStart(6)} ${'errors'.padStart(6)}`,
  ];
  for (const layout of layouts) {
    const { layout: name, summary } = await runLayout(layout, claims, concurrency);
    const finals = Object.entries(summary.outcomes)
      .filter(([status]) => status !== 'failed' && status !== 'unfinished')
      .reduce((sum, [, count]) => sum + count, 0);
    rows.push(
      `${name.padEnd(28)} ${String(summary.claims).padStart(6)} ${String(summary.photos).padStart(6)} ${summary.seconds.filing.toFixed(1).padStart(8)} ${summary.seconds.total.toFixed(1).padStart(8)} ${summary.claimsPerSecond.toFixed(2).padStart(8)} ${String(finals).padStart(6)} ${String(summary.requests.errors).padStart(6)}`,
    );
    process.stdout.write(`${rows[rows.length - 1]}\n`);
  }
  process.stdout.write(`\n${rows.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
