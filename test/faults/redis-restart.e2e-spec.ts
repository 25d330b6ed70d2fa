import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createIntakeClient } from '../support/auth-helpers';
import {
  draftClaims,
  scoringLedger,
  serviceUnavailable,
  statuses,
  submit,
  waitUntilScored,
} from '../support/fault-helpers';
import { startPrivateRedis, type PrivateRedis } from '../support/private-services';
import { waitFor } from '../support/processes';
import { startTestApp, type TestApp } from '../support/test-app';

const QUEUE_DOWN = serviceUnavailable('the job queue (Redis) is unavailable; retry later');

/**
 * Fault: Redis (a private server: the machine's shared one is never touched) stops in the middle of
 * intake and comes back empty (no persistence, like a replaced Redis host). The API and an in-process
 * worker run against it.
 */
describe('fault: Redis stops and restarts during intake', () => {
  let redis: PrivateRedis;
  let testApp: TestApp;
  let dataSource: DataSource;
  let apiKey: string;
  let locker: Client | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    testApp = await startTestApp({
      processJobs: true,
      label: 'fault_redis',
      env: { REDIS_URL: redis.url, WORKER_CONCURRENCY: '1', JOB_ENQUEUE_TIMEOUT_MS: '1000' },
    });
    dataSource = testApp.app.get(DataSource);
    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
  });

  afterAll(async () => {
    await locker?.end().catch(() => undefined);
    await redis?.start().catch(() => undefined); // lets the app's Bull clients close cleanly
    await testApp?.close();
    await redis?.destroy();
  });

  const http = () => request(testApp.app.getHttpServer());

  async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
    const started = Date.now();
    const value = await work();
    return { value, ms: Date.now() - started };
  }

  it('answers 503 while Redis is down, accepts again after, and loses no submitted claim', async () => {
    const [before, during, after] = [
      await draftClaims(testApp, apiKey, 3, 1, 300),
      await draftClaims(testApp, apiKey, 3, 1, 400),
      await draftClaims(testApp, apiKey, 2, 1, 500),
    ];

    // Hold the first claim mid-scoring (its result insert waits on this lock), so the other two are
    // still waiting in Redis when it goes away.
    locker = new Client({ connectionString: testApp.testDatabase.url });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE scoring_runs IN EXCLUSIVE MODE');
    for (const id of before) await submit(testApp, apiKey, id).expect(202);
    await waitFor(
      async () => {
        const current = await statuses(dataSource, before);
        return [...current.values()].sort().join(',') === 'queued,queued,scoring' ? true : undefined;
      },
      20_000,
      'one claim mid-scoring and two waiting in Redis',
    );

    await redis.stop();

    // Readiness says so, quickly.
    const ready = await timed(() =>
      waitFor(
        async () => {
          const response = await http().get('/health/ready');
          return response.status === 503 ? response : undefined;
        },
        10_000,
        'readiness to fail',
      ),
    );
    expect(ready.value.body).toMatchObject({
      status: 'not_ready',
      checks: { redis: { ok: false }, database: { ok: true } },
    });

    // Submitting is refused honestly and quickly; the claim stays a draft the client can submit later.
    for (const id of during) {
      const refused = await timed(async () => submit(testApp, apiKey, id));
      expect(refused.value.status).toBe(503);
      expect(refused.value.body).toEqual(QUEUE_DOWN);
      expect(refused.value.headers['retry-after']).toBe('5');
      expect(refused.ms).toBeLessThan(3000);
    }
    expect([...(await statuses(dataSource, during)).values()]).toEqual(['draft', 'draft', 'draft']);

    // What does not need Redis keeps working: reading claims, creating drafts and uploading photos.
    await http().get(`/v1/claims/${before[0]}`).set('X-API-Key', apiKey).expect(200);
    const lateDraft = await draftClaims(testApp, apiKey, 1, 1, 600);
    await http().get('/health/live').expect(200);
    const metrics = await timed(async () => http().get('/metrics'));
    expect(metrics.value.status).toBe(200);
    expect(metrics.ms).toBeLessThan(3000);

    // The claim being scored finishes in the database while Redis is away.
    await locker.query('COMMIT');
    await locker.end();
    locker = undefined;

    await redis.start();
    await waitFor(
      async () => ((await http().get('/health/ready')).status === 200 ? true : undefined),
      15_000,
      'readiness to recover',
    );

    // Accepted again: the refused claims are retried, new ones submitted.
    for (const id of [...during, ...after, ...lateDraft]) await submit(testApp, apiKey, id).expect(202);

    // Every submitted claim is scored, the two whose jobs the restarted Redis forgot included
    // (re-enqueued from the database when the worker got Redis back), each exactly once.
    const all = [...before, ...during, ...after, ...lateDraft];
    await waitUntilScored(dataSource, all, 30_000);
    const ledger = await scoringLedger(dataSource, all);
    for (const id of all) {
      expect({ id, runs: ledger.runs.get(id), events: ledger.completedEvents.get(id) }).toEqual({
        id,
        runs: 1,
        events: 1,
      });
      expect(ledger.reviewTasks.get(id) ?? 0).toBeLessThanOrEqual(1);
    }
  });
});
