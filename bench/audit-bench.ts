/**
 * Audit log append, sequencing and verification against a real PostgreSQL server.
 *   npm run bench:audit [-- --json] [-- --seconds 10] [-- --verify-events 1000000] [-- --no-sequencer]
 * A temporary database on postgresql://postgres@127.0.0.1:5432 (BENCH_POSTGRES_URL), dropped after.
 *
 * - Append: 1 writer, then 16 concurrent writers, each committing one transaction per event through
 *   AuditService (no batching across transactions), for `--seconds` each; events/s, p50/p99 latency.
 * - Sequencer: the worker's sequencer loop runs meanwhile (default settings) in a child process of its
 *   own, as it does in deployment (a worker process beside the API processes); `--sequencer-in-process`
 *   runs it on the writers' event loop instead (the setup of the figures before 2026-12-03 evening), and
 *   `--no-sequencer` not at all (the appends alone); `sequencerLagP99Ms` is the p99, over samples every 25 ms, of the age of the oldest event not
 *   yet given a log index (what `audit_unsequenced_age_seconds` reports), and the backlog after the
 *   writers stop.
 * - Verification (`--verify-events N`): loads N events (1000 per transaction), sequences them, then
 *   times a full `AuditVerificationService.verify()` and reports the peak RSS.
 * Prints numbers, asserts nothing.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { unsequencedAgeSeconds } from '../src/audit/audit-log.repository';
import { AuditSequencerLoop } from '../src/audit/audit-sequencer.loop';
import { AuditSequencer } from '../src/audit/audit-sequencer.service';
import { AuditSigningKey } from '../src/audit/audit-signing';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { AuditService } from '../src/audit/audit.service';
import { SystemClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { openAppDatabase } from '../src/entities';
import { argument, tempDataDir, tempDatabase } from './bench-support';

const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const WRITER_COUNTS = [1, 16];

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

interface WriterResult {
  eventsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  events: number;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const seconds = Number(argument('seconds', process.env.BENCH_SECONDS ?? '10'));
  const verifyEvents = Number(argument('verify-events', '0'));
  const log = (line: string) => {
    if (!json) console.log(line);
  };
  const temporary = await tempDatabase(SERVER_URL, 'audit');
  const dataDir = tempDataDir('audit');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: temporary.url,
    DATA_DIR: dataDir,
    DATABASE_POOL_SIZE: String(Math.max(...WRITER_COUNTS) + 4),
    LOG_LEVEL: 'silent',
  });
  const database = await openAppDatabase(config, { runMigrations: true });
  const transactions = new TransactionRunner(database.dataSource);
  const clock = new SystemClock();
  const signingKey = new AuditSigningKey(config);
  const audit = new AuditService(transactions, clock);
  const sequencer = new AuditSequencer(transactions, signingKey, clock, config);
  const loop = new AuditSequencerLoop(sequencer, config);
  let child: ChildProcess | undefined;
  try {
    // --no-sequencer: the appends alone (the ceiling the sequencer's own writes are measured against).
    const sequencing = !process.argv.includes('--no-sequencer');
    // (An embedded database has one connection in one process: the sequencer stays in this one.)
    if (sequencing && (process.argv.includes('--sequencer-in-process') || !temporary.url)) loop.start();
    else if (sequencing) child = await startSequencerProcess(temporary.url as string, dataDir);
    const lagSamples: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        lagSamples.push((await unsequencedAgeSeconds(transactions.manager)) * 1000);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    })();

    const writers: Record<string, WriterResult> = {};
    for (const count of WRITER_COUNTS) {
      const latencies: number[] = [];
      const deadline = Date.now() + seconds * 1000;
      const started = process.hrtime.bigint();
      await Promise.all(
        Array.from({ length: count }, async (_, writer) => {
          while (Date.now() < deadline) {
            const t0 = process.hrtime.bigint();
            await audit.record(
              {
                actorType: 'user',
                actorId: `bench-writer-${writer}`,
                requestId: randomBytes(8).toString('hex'),
                sourceIp: '127.0.0.1',
              },
              {
                action: 'bench.event',
                resourceType: 'claim',
                resourceId: randomBytes(8).toString('hex'),
                details: { writer, status: 'needs_review', score: Math.random() },
              },
            );
            latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          }
        }),
      );
      const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
      latencies.sort((a, b) => a - b);
      writers[String(count)] = {
        eventsPerSecond: round(latencies.length / elapsed, 0),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        events: latencies.length,
      };
      log(
        `append, ${count} writer(s): ${latencies.length} events in ${elapsed.toFixed(2)} s = ${writers[String(count)].eventsPerSecond} events/s; p50 ${writers[String(count)].p50Ms} ms, p99 ${writers[String(count)].p99Ms} ms`,
      );
    }
    const stopped = Date.now();
    while (sequencing && (await unsequencedAgeSeconds(transactions.manager)) > 0 && Date.now() - stopped < 30_000)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const drainMs = Date.now() - stopped;
    sampling = false;
    await sampler;
    lagSamples.sort((a, b) => a - b);
    const sequencerLagP99Ms = round(percentile(lagSamples, 99));
    log(
      `sequencer: oldest-unsequenced-event age p50 ${round(percentile(lagSamples, 50))} ms, p99 ${sequencerLagP99Ms} ms, max ${round(lagSamples[lagSamples.length - 1] ?? 0)} ms (${lagSamples.length} samples); backlog drained ${drainMs} ms after the writers stopped`,
    );
    await loop.stop();
    await stopSequencerProcess(child);
    child = undefined;

    let verify: Record<string, unknown> | undefined;
    if (verifyEvents > 0) {
      const verifier = new AuditVerificationService(transactions, signingKey);
      const existing = (await verifier.verify()).eventsChecked;
      const toLoad = Math.max(0, verifyEvents - existing);
      const l0 = Date.now();
      for (let loaded = 0; loaded < toLoad; loaded += 1000) {
        const size = Math.min(1000, toLoad - loaded);
        await audit.run({ actorType: 'system', actorId: 'bench-loader' }, async (tx) => {
          for (let i = 0; i < size; i += 1)
            tx.record({
              action: 'bench.bulk',
              resourceType: 'claim',
              resourceId: randomBytes(8).toString('hex'),
              details: { n: loaded + i, status: 'needs_review', score: Math.random() },
            });
        });
      }
      for (;;) {
        const batch = await sequencer.runBatch({ holder: null, batchSize: 20_000, signHead: 'never' });
        if (batch.status === 'sequenced' && batch.count === 0) break;
      }
      await sequencer.flush();
      log(`loaded and sequenced ${toLoad} more events in ${((Date.now() - l0) / 1000).toFixed(1)} s`);
      let peakRss = process.memoryUsage().rss;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
      const v0 = process.hrtime.bigint();
      const report = await verifier.verify();
      const verifySeconds = Number(process.hrtime.bigint() - v0) / 1e9;
      clearInterval(sampler);
      verify = {
        ok: report.ok,
        events: report.eventsChecked,
        treeHeads: report.treeHeadsChecked,
        seconds: round(verifySeconds),
        eventsPerSecond: round(report.eventsChecked / verifySeconds, 0),
        peakRssMiB: round(peakRss / 2 ** 20, 0),
      };
      log(
        `verify: ${report.ok ? 'ok' : `NOT OK (${report.problem?.kind}: ${report.problem?.message})`}, ${report.eventsChecked} events and ${report.treeHeadsChecked} tree heads in ${verifySeconds.toFixed(2)} s = ${verify.eventsPerSecond} events/s, peak RSS ${verify.peakRssMiB} MiB`,
      );
    }
    if (json)
      console.log(
        JSON.stringify({
          writers: Object.fromEntries(
            Object.entries(writers).map(([count, { eventsPerSecond, p50Ms, p99Ms }]) => [
              count,
              { eventsPerSecond, p50Ms, p99Ms },
            ]),
          ),
          sequencerLagP99Ms,
          ...(verify ? { verify } : {}),
        }),
      );
  } finally {
    await loop.stop();
    await stopSequencerProcess(child);
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await temporary.drop();
  }
}

/** This script again, as the worker: the sequencer loop alone on the same database and data dir (signing key). */
async function startSequencerProcess(databaseUrl: string, dataDir: string): Promise<ChildProcess> {
  const child = fork(__filename, ['--sequencer-child'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, DATA_DIR: dataDir },
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`the sequencer process exited (${code}) before it started`)));
  });
  return child;
}

async function stopSequencerProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.send('stop');
  await exited;
}

async function sequencerChild(): Promise<void> {
  const config = loadConfig({ ...process.env, DATABASE_POOL_SIZE: '2', LOG_LEVEL: 'silent' });
  const database = await openAppDatabase(config, { runMigrations: false });
  const clock = new SystemClock();
  const loop = new AuditSequencerLoop(
    new AuditSequencer(new TransactionRunner(database.dataSource), new AuditSigningKey(config), clock, config),
    config,
  );
  loop.start();
  process.on('message', () => {
    void loop
      .stop()
      .then(() => database.close())
      .then(() => process.exit(0));
  });
  process.send?.('ready');
}

if (process.argv.includes('--sequencer-child'))
  sequencerChild().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
else
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
