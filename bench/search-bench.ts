import 'reflect-metadata';
import { Client } from 'pg';
import { PasswordHasher } from '../src/auth/password-hasher';
import { performance } from 'node:perf_hooks';
import { argument, createApiKey, machine, startNode, tempDataDir, tempDatabase, waitReady } from './bench-support';
import { freePortNumber } from './free-port';

/**
 * `npm run bench:search`: claim search and the server-side queue over a large table, through the HTTP API.
 * Generates N claims (default 100,000) with one bulk `INSERT … SELECT generate_series` (policies, claims in
 * five teams, a review task, scoring run and check for every fifth claim), ANALYZEs, starts the API on
 * loopback and times representative queries as a team-A adjuster (about 20,000 claims visible) and as
 * compliance (all of them). Prints p50/p90/p99 per query; asserts nothing.
 *
 *   --claims N (default 100000)  --requests R per query (default 200)  --concurrency C (default 4)
 *   --keep-database (leave the generated database for EXPLAIN ANALYZE)
 *   PostgreSQL: BENCH_POSTGRES_URL or postgresql://postgres@127.0.0.1:5432/postgres (a temporary database)
 */
interface Timing {
  name: string;
  errors: number;
  /** `total` of the last response (rows matching), to show what the query selects. */
  total: number | string;
  p50: number;
  p95: number;
  p99: number;
}

/** `count` calls by `concurrency` callers; latency percentiles of each call. */
async function measure(
  name: string,
  count: number,
  concurrency: number,
  call: () => Promise<boolean>,
): Promise<Timing> {
  const latencies: number[] = [];
  let errors = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1;
        const started = performance.now();
        if (!(await call().catch(() => false))) errors += 1;
        latencies.push(performance.now() - started);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return { name, errors, total: '', p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

async function main(): Promise<void> {
  const claims = Number(argument('claims', '100000'));
  const requests = Number(argument('requests', '200'));
  const concurrency = Number(argument('concurrency', '4'));
  const database = await tempDatabase(
    process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    'search',
  );
  const dataDir = tempDataDir('search');
  const port = await freePortNumber();
  const env = {
    DATA_DIR: dataDir,
    DATABASE_URL: database.url,
    PORT: String(port),
    QUEUE_PREFIX: `bench-search-${port}`,
    HOST: '127.0.0.1',
    // The benchmark signs in a compliance officer with a password only; two-factor sign-in is not what it measures.
    MFA_REQUIRED_ROLES: '',
  };
  let server: ReturnType<typeof startNode> | undefined;
  try {
    await createApiKey(env, 'team-0'); // migrates the database
    const passwordHash = await new PasswordHasher().hash('bench-password-1');
    const db = new Client({ connectionString: database.url });
    await db.connect();
    const t0 = Date.now();
    await db.query(
      `INSERT INTO users (email, display_name, password_hash, role, team)
       VALUES ('adjuster@bench.test', 'Bench adjuster', $1, 'adjuster', 'team-0'),
              ('compliance@bench.test', 'Bench compliance', $1, 'compliance', 'team-0')`,
      [passwordHash],
    );
    const [{ id: clientId }] = (await db.query(`SELECT id FROM api_clients LIMIT 1`)).rows as Array<{ id: string }>;
    await db.query(
      `INSERT INTO policies (number, line_of_business, insured_object, effective_from, effective_to)
       SELECT 'POL-' || lpad(i::text, 6, '0'), CASE WHEN i % 2 = 0 THEN 'auto' ELSE 'property' END, 'insured object', '2025-01-01', '2027-12-31'
         FROM generate_series(1, 2000) AS i`,
    );
    await db.query(
      `INSERT INTO claims (policy_id, submitter_client_id, external_reference, claimed_peril, description, incident_date, amount, currency,
                           claimant_ref, photo_source, status, team, idempotency_key, request_hash, submitted_at, created_at, updated_at)
       SELECT p.id, $1, 'CLM-' || lpad(i::text, 7, '0'),
              (ARRAY['hail', 'collision', 'water_damage', 'fire', 'theft'])[1 + i % 5],
              'Bench claim', DATE '2026-01-01' + (i % 60), (100 + i % 9000)::numeric(14, 2), 'EUR',
              'cust-' || md5(i::text), 'camera',
              (ARRAY['inconsistent', 'needs_review', 'consistent', 'decided', 'closed'])[1 + i % 5],
              'team-' || ((i / 5) % 5), 'bench-' || i, 'bench',
              TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 minute', TIMESTAMPTZ '2026-01-01' + i * INTERVAL '1 minute', now()
         FROM generate_series(1, $2::int) AS i
         JOIN policies p ON p.number = 'POL-' || lpad((1 + i % 2000)::text, 6, '0')`,
      [clientId, claims],
    );
    // Every fifth claim (all of them in status inconsistent) waits in review with a flagged scoring run.
    await db.query(
      `INSERT INTO review_tasks (claim_id, reason, priority, sla_due_at, team, status, created_at, updated_at, version)
       SELECT id, 'flagged', (abs(hashtext(id::text)) % 100), now() + ((abs(hashtext(id::text)) % 96) - 24) * INTERVAL '1 hour',
              team, 'open', created_at, created_at, 1
         FROM claims WHERE status = 'inconsistent'`,
    );
    await db.query(
      `INSERT INTO scoring_runs (claim_id, model_id, model_hash, prompt_set_version, thresholds, scores, provider, duration_ms, outcome, created_at)
       SELECT id, 'bench', 'bench', 'v1', '{}', '{}', 'bench', 1, 'inconsistent', created_at FROM claims WHERE status = 'inconsistent'`,
    );
    await db.query(
      `INSERT INTO checks (claim_id, scoring_run_id, kind, score, confidence, flagged, severity, reason)
       SELECT r.claim_id, r.id, (ARRAY['exif_anomaly', 'peril_mismatch', 'duplicate_photo'])[1 + abs(hashtext(r.id::text)) % 3],
              0.9, 0.9, true, 'high', 'bench' FROM scoring_runs r`,
    );
    await db.query(`ANALYZE`);
    const [{ n }] = (await db.query(`SELECT count(*)::int AS n FROM claims`)).rows as Array<{ n: number }>;
    const [{ id: someId }] = (
      await db.query(`SELECT id FROM claims WHERE team = 'team-0' ORDER BY id LIMIT 1 OFFSET 500`)
    ).rows as Array<{ id: string }>;
    const [{ claimant_ref: someClaimant }] = (
      await db.query(`SELECT claimant_ref FROM claims WHERE team = 'team-0' ORDER BY id LIMIT 1 OFFSET 900`)
    ).rows as Array<{ claimant_ref: string }>;
    await db.end();
    console.log(`generated ${n} claims in ${((Date.now() - t0) / 1000).toFixed(1)} s (${database.description})`);

    server = startNode('dist/src/main.js', [], env);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url);
    const headersFor = async (email: string): Promise<Record<string, string>> => {
      const response = await fetch(`${url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password: 'bench-password-1' }),
      });
      const body = (await response.json()) as { accessToken?: string };
      if (body.accessToken) return { Authorization: `Bearer ${body.accessToken}` };
      const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(';')[0]);
      return { Cookie: cookies.join('; ') };
    };
    const adjuster = await headersFor('adjuster@bench.test');
    const compliance = await headersFor('compliance@bench.test');
    const queries: Array<[string, Record<string, string>, string]> = [
      ['claims q=<claim id> (exact)', adjuster, `/v1/claims?q=${someId}`],
      ['claims q=CLM-00123 (reference part)', adjuster, '/v1/claims?q=CLM-00123'],
      ['claims q=POL-0012 (policy part)', adjuster, '/v1/claims?q=POL-0012'],
      ['claims q=<claimant part>', adjuster, `/v1/claims?q=${someClaimant.slice(0, 12)}`],
      ['claims q=CLM-0012 all teams', compliance, '/v1/claims?q=CLM-0012'],
      [
        'claims status+lob+dates',
        adjuster,
        '/v1/claims?status=decided&lineOfBusiness=auto&createdFrom=2026-01-10&createdTo=2026-01-20',
      ],
      ['claims check=exif_anomaly', adjuster, '/v1/claims?check=exif_anomaly'],
      ['claims page 40 (no filter)', adjuster, '/v1/claims?page=40&pageSize=25'],
      ['tasks queue (default)', adjuster, '/v1/review/tasks'],
      ['tasks sort=amount page 20', adjuster, '/v1/review/tasks?sort=amount&page=20'],
      ['tasks lob=auto check=exif', adjuster, '/v1/review/tasks?lineOfBusiness=auto&check=exif_anomaly'],
      ['tasks breached=true sort=sla', adjuster, '/v1/review/tasks?breached=true&sort=sla'],
    ];
    const results: Timing[] = [];
    for (const [name, headers, path] of queries) {
      // Warm-up (plans, caches), then the measured run.
      let total: number | string = '?';
      for (let index = 0; index < 5; index += 1) {
        const response = await fetch(`${url}${path}`, { headers });
        total = ((await response.json()) as { total?: number }).total ?? `HTTP ${response.status}`;
      }
      results.push(
        await measure(name, requests, concurrency, async () => {
          const response = await fetch(`${url}${path}`, { headers });
          await response.arrayBuffer();
          return response.status === 200;
        }),
      );
      results[results.length - 1].total = total;
    }
    console.log(`\nbench:search — ${n} claims, ${requests} requests per query, concurrency ${concurrency}`);
    console.log(`machine: ${machine()}\n`);
    console.log(
      `${'query'.padEnd(38)} ${'errors'.padStart(6)} ${'total'.padStart(7)} ${'p50 ms'.padStart(7)} ${'p95 ms'.padStart(7)} ${'p99 ms'.padStart(7)}`,
    );
    for (const r of results)
      console.log(
        `${r.name.padEnd(38)} ${String(r.errors).padStart(6)} ${String(r.total).padStart(7)} ${r.p50.toFixed(1).padStart(7)} ${r.p95.toFixed(1).padStart(7)} ${r.p99.toFixed(1).padStart(7)}`,
      );
    console.log(`\nworst p95: ${Math.max(...results.map((r) => r.p95)).toFixed(1)} ms (goal: p95 <= 100 ms)`);
  } finally {
    await server?.stop();
    if (process.argv.includes('--keep-database')) console.log(`kept ${database.description}`);
    else await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
