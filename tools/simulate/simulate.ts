import 'reflect-metadata';
import * as fs from 'node:fs';
import { AuditService } from '../../src/audit/audit.service';
import { ApiClientsRepository } from '../../src/auth/api-clients.repository';
import { ApiClientsService } from '../../src/auth/api-clients.service';
import { flag, option } from '../../src/cli/cli-command';
import { SystemClock } from '../../src/common/clock';
import { TransactionRunner } from '../../src/database/transaction-runner';
import { openAppDatabase } from '../../src/entities';
import { loadConfig } from '../../src/config/app-config';
import { demoIntakeKeyFile } from '../../src/demo/demo-seeder';
import { WebhookListener } from './webhook-listener';
import { DEFAULT_MIX, formatSummary, parseMix, runSimulation, type SimulatorProgress } from './intake-simulator';

const USAGE = `usage: npm run simulate -- [--claims N] [--concurrency C] [--encrypt] [--url U] [--api-key K] [--team T] [--json]
                            [--mix honest=0.5,peril_mismatch=0.1,...] [--timeout-s S] [--seed-base B] [--labels-out FILE]
                            [--webhooks [--webhook-host H] [--webhook-port P] [--linger-s S]]
Acts as an intake system through the public API only: files claims with rendered photos (honest ones and
ones with a planted inconsistency), submits them, waits for their outcome and prints a summary.
--webhooks: instead of polling, listens on H:P (default 127.0.0.1, a free port), registers that URL as a webhook
endpoint of its intake client (the server needs WEBHOOKS_ALLOWED_HOSTS to name H, e.g. 127.0.0.1), learns each
outcome from the signed events, answers information requests with another photo and a resubmit, and prints the
time from each change to its webhook delivery (p50/p99); --linger-s keeps listening S seconds after the last
outcome, for adjusters' decisions and information requests.
The summary includes the routing against what was planted: the false-clear rate among auto-cleared claims and the
review rate. --labels-out FILE writes {"claimId","planted"} per claim (JSON lines), a labelled file for
\`npm run cli -- calibration:fit --labels FILE\`.
API key: --api-key, else SIMULATE_API_KEY, else (with DATABASE_URL) a new intake client created the way
\`npm run cli -- api-clients:create\` does, else the demo intake key that \`DEMO=1 npm start\` saved under DATA_DIR.`;

class UsageError extends Error {}

function positiveInteger(args: string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new UsageError(`--${name} must be a positive integer (got "${raw}")`);
  return value;
}

/**
 * Where the key comes from when none is given. The embedded database serves one process — the running
 * server — so the simulator cannot open it to create a client; with a real PostgreSQL it can.
 */
async function resolveApiKey(args: string[]): Promise<{ apiKey: string; source: string }> {
  const given = option(args, 'api-key') || process.env.SIMULATE_API_KEY;
  if (given) return { apiKey: given, source: option(args, 'api-key') ? '--api-key' : 'SIMULATE_API_KEY' };
  const config = loadConfig();
  if (config.database.url) {
    const database = await openAppDatabase(config, { runMigrations: false });
    try {
      const team = option(args, 'team') || 'simulator';
      const created = await new ApiClientsService(
        new AuditService(new TransactionRunner(database.dataSource), new SystemClock()),
        new SystemClock(),
        new ApiClientsRepository(database.dataSource),
      ).create(
        { actorType: 'system', actorId: 'cli:simulate', requestId: null, sourceIp: null },
        { name: `Intake simulator ${new Date().toISOString()}`, team },
      );
      return {
        apiKey: created.apiKey,
        source: `new intake client ${created.id} (team ${team}) in ${database.description}`,
      };
    } finally {
      await database.close();
    }
  }
  const demoKey = demoIntakeKeyFile(config);
  if (fs.existsSync(demoKey))
    return { apiKey: fs.readFileSync(demoKey, 'utf8').trim(), source: `the demo intake key in ${demoKey}` };
  throw new UsageError(
    'no API key: pass --api-key cev_... (from `npm run cli -- api-clients:create --name Simulator --team T`, run while the server is stopped when it uses the embedded database), ' +
      'or start the server with DEMO=1 on an empty database (it saves a demo intake key the simulator finds), or set DATABASE_URL so the simulator can create a client itself',
  );
}

function progressPrinter(json: boolean): (progress: SimulatorProgress) => void {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let lastText = '';
  return (progress) => {
    const done = progress.phase === 'filing' ? progress.submitted + progress.failed : progress.final + progress.failed;
    const label = progress.phase === 'filing' ? 'filed ' : 'scored';
    if (tty && !json) {
      const width = 30;
      const filled = Math.round((done / Math.max(1, progress.total)) * width);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${progress.total}${progress.failed ? ` (${progress.failed} failed)` : ''}   `,
      );
      if (progress.phase === 'waiting' && done === progress.total && lastText !== 'end') {
        lastText = 'end';
        process.stderr.write('\n');
      }
      return;
    }
    const text = `${label} ${done}/${progress.total} (final ${progress.final}, failed ${progress.failed})`;
    if (text !== lastText && (Date.now() - lastLine >= 5000 || done === progress.total)) {
      lastLine = Date.now();
      lastText = text;
      process.stderr.write(`${text}\n`);
    }
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (flag(args, 'help') || flag(args, 'h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const json = flag(args, 'json');
  const claims = positiveInteger(args, 'claims', 50);
  const concurrency = positiveInteger(args, 'concurrency', 4);
  const timeoutMs = positiveInteger(args, 'timeout-s', 600) * 1000;
  const seedRaw = option(args, 'seed-base');
  const mixText = option(args, 'mix');
  const mix = mixText ? parseMix(mixText) : DEFAULT_MIX;
  const url = option(args, 'url') || 'http://localhost:3000';
  const { apiKey, source } = await resolveApiKey(args);
  let webhooks: WebhookListener | undefined;
  if (flag(args, 'webhooks')) {
    webhooks = new WebhookListener();
    const port = option(args, 'webhook-port');
    if (port !== undefined && !/^\d+$/.test(port)) throw new UsageError('--webhook-port must be a port number');
    const listening = await webhooks.start(option(args, 'webhook-host') || '127.0.0.1', Number(port ?? 0));
    process.stderr.write(`simulate: webhook listener at ${listening}\n`);
  }
  process.stderr.write(
    `simulate: ${claims} claims, concurrency ${concurrency}, against ${url}, API key from ${source}\n`,
  );
  const summary = await runSimulation({
    url,
    apiKey,
    claims,
    concurrency,
    encrypt: flag(args, 'encrypt'),
    mix,
    timeoutMs,
    seedBase: seedRaw ? Number(seedRaw) : undefined,
    onProgress: progressPrinter(json),
    webhooks,
    lingerMs: option(args, 'linger-s') ? positiveInteger(args, 'linger-s', 0) * 1000 : 0,
    labelsOut: option(args, 'labels-out') || undefined,
  });
  process.stdout.write(json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
  if (!summary.allFinal || (summary.webhooks && summary.webhooks.failedVerification > 0)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  if (error instanceof UsageError) process.stderr.write(`${USAGE}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
