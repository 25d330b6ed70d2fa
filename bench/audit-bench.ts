/**
 * Audit append and verify throughput against a real PostgreSQL server.
 *   npm run bench:audit                     (temporary database on postgresql://postgres@127.0.0.1:5432, dropped after)
 *   DATABASE_URL=postgresql://... npm run bench:audit    (an existing database: events are appended to its chain)
 * Env: BENCH_WRITERS (8), BENCH_SECONDS (10), BENCH_MAX_EVENTS (200000). Prints numbers, asserts nothing.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { AuditSigningKey } from '../src/audit/audit-signing';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { AuditService } from '../src/audit/audit.service';
import { SystemClock } from '../src/common/clock';
import { loadConfig } from '../src/config/app-config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { openAppDatabase } from '../src/entities';
import { tempDataDir, tempDatabase } from './bench-support';

const SERVER_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const writers = Number(process.env.BENCH_WRITERS ?? 8);
  const seconds = Number(process.env.BENCH_SECONDS ?? 10);
  const maxEvents = Number(process.env.BENCH_MAX_EVENTS ?? 200_000);
  const temporary = process.env.DATABASE_URL ? undefined : await tempDatabase(SERVER_URL, 'audit');
  const databaseUrl = process.env.DATABASE_URL ?? temporary?.url;
  const dataDir = tempDataDir('audit');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    DATABASE_POOL_SIZE: String(writers + 2),
    LOG_LEVEL: 'silent',
  });
  const database = await openAppDatabase(config, { runMigrations: true });
  try {
    const audit = new AuditService(new TransactionRunner(database.dataSource), new SystemClock());
    const latencies: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    let appended = 0;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        while (Date.now() < deadline && appended < maxEvents) {
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
          appended += 1;
        }
      }),
    );
    const appendSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    latencies.sort((a, b) => a - b);
    console.log(
      `append: ${appended} events by ${writers} concurrent writers in ${appendSeconds.toFixed(2)} s = ${(appended / appendSeconds).toFixed(0)} events/s`,
    );
    console.log(
      `append latency: p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${percentile(latencies, 99).toFixed(2)} ms, max ${latencies[latencies.length - 1]?.toFixed(2)} ms`,
    );

    const verifier = new AuditVerificationService(
      new TransactionRunner(database.dataSource),
      new AuditSigningKey(config),
    );
    const v0 = process.hrtime.bigint();
    const report = await verifier.verify();
    const verifySeconds = Number(process.hrtime.bigint() - v0) / 1e9;
    console.log(
      `verify: ${report.ok ? 'ok' : `NOT OK (${report.problem?.kind} at ${report.problem?.seq})`}, ${report.eventsChecked} events in ${verifySeconds.toFixed(2)} s = ${(report.eventsChecked / verifySeconds).toFixed(0)} events/s`,
    );
  } finally {
    await database.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await temporary?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
