import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import type { SimulatorSummary } from '../tools/simulate/intake-simulator';
import { parseMix, plantedKinds } from '../tools/simulate/intake-simulator';
import { startProcess, waitFor, type RunningProcess } from './support/processes';
import { createServerHome, type ServerHome } from './support/server-home';

jest.setTimeout(300_000);

describe('npm run simulate (built simulator against the built server)', () => {
  let home: ServerHome;
  let server: RunningProcess;

  beforeAll(async () => {
    home = await createServerHome('simulate');
    // The --webhooks run's listener is on 127.0.0.1: the operator allow-list names it.
    server = home.startServer({ LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '4', WEBHOOKS_ALLOWED_HOSTS: '127.0.0.1' });
    await waitFor(
      async () => ((await request(home.url).get('/health/ready')).status === 200 ? true : undefined),
      120_000,
      'readiness',
    );
  });

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await home?.remove();
  });

  async function simulate(
    args: string[],
    env: Record<string, string | undefined> = {},
  ): Promise<{ code: number | null; stdout: string; output: string }> {
    const child = startProcess('dist/tools/simulate/simulate.js', ['--url', home.url, ...args], {
      DATA_DIR: home.dataDir,
      ...env,
    });
    let stdout = '';
    child.child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exit = await child.exited;
    return { code: exit.code, stdout, output: child.output() };
  }

  function expectComplete(summary: SimulatorSummary, claims: number): void {
    expect(summary.claims).toBe(claims);
    expect(summary.allFinal).toBe(true);
    const total = Object.values(summary.outcomes).reduce((sum, count) => sum + count, 0);
    expect(total).toBe(claims);
    expect(
      Object.keys(summary.outcomes).every((status) => ['consistent', 'inconsistent', 'needs_review'].includes(status)),
    ).toBe(true);
    expect(summary.requests.errors).toBe(0);
    expect(summary.claimsPerSecond).toBeGreaterThan(0);
    expect(
      summary.flag.truePositive + summary.flag.falsePositive + summary.flag.falseNegative + summary.flag.trueNegative,
    ).toBe(claims);
    expect(summary.byPlanted.honest.total).toBe(claims / 2);
  }

  it('files 12 claims with multipart uploads, creating its own intake client through DATABASE_URL, and reports every claim final', async () => {
    const result = await simulate(['--claims', '12', '--concurrency', '4', '--json'], {
      DATABASE_URL: home.database.url,
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as SimulatorSummary;
    expectComplete(summary, 12);
    expect(summary.encrypted).toBe(false);
    expect(result.output).toMatch(/API key from new intake client/);
  });

  it('files 12 claims with JWE-encrypted uploads using a given --api-key', async () => {
    const created = startProcess(
      'dist/src/cli.js',
      ['api-clients:create', '--name', 'Simulator', '--team', 'sim', '--json'],
      { DATABASE_URL: home.database.url, DATA_DIR: home.dataDir, LOG_LEVEL: 'silent', MIGRATIONS_RUN: 'false' },
    );
    expect((await created.exited).code).toBe(0);
    const apiKey = (JSON.parse(created.output().trim().split('\n').pop()!) as { apiKey: string }).apiKey;
    const result = await simulate(['--claims', '12', '--concurrency', '4', '--encrypt', '--json', '--api-key', apiKey]);
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as SimulatorSummary;
    expectComplete(summary, 12);
    expect(summary.encrypted).toBe(true);
    // Encrypted uploads were decrypted by the service (audited as such).
    expect(summary.photos).toBeGreaterThanOrEqual(12);
  });

  it('--webhooks: learns every outcome from verified webhooks instead of polling and prints change → delivery p50/p99', async () => {
    const result = await simulate(['--claims', '6', '--concurrency', '3', '--webhooks', '--json'], {
      DATABASE_URL: home.database.url,
    });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout.trim()) as SimulatorSummary;
    expect(summary.allFinal).toBe(true);
    expect(summary.requests.errors).toBe(0);
    const hooks = summary.webhooks!;
    expect(hooks.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks$/);
    expect(hooks.failedVerification).toBe(0);
    expect(hooks.byType['claim.scored']).toBe(6);
    expect(hooks.latencyMs['claim.scored'].count).toBe(6);
    expect(hooks.latencyMs.all.p99).toBeGreaterThanOrEqual(hooks.latencyMs.all.p50);
    // No status polling: policies, webhook registration and removal, and per claim create, upload and submit.
    expect(summary.requests.total).toBe(2 + 2 + 6 * 3);
    expect(result.output).toMatch(/webhook listener at http:\/\/127\.0\.0\.1:/);
  });

  it('refuses to run without a key it can find, and says how to get one', async () => {
    const result = await simulate(['--claims', '2'], {
      DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'claims-simulate-empty-')),
    });
    expect(result.code).toBe(2);
    expect(result.output).toMatch(/^error: no API key: pass --api-key/m);
  });

  it('splits claims by the --mix shares', () => {
    expect(
      plantedKinds(10, parseMix('honest=0.5,duplicate_photo=0.5')).filter((kind) => kind === 'honest'),
    ).toHaveLength(5);
    expect(() => parseMix('honest=1,bogus=2')).toThrow(/unknown kind "bogus"/);
  });
});
