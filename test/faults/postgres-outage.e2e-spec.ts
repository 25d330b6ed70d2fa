import request from 'supertest';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { createIntakeClient } from '../support/auth-helpers';
import {
  createTestDatabasesOn,
  draftClaims,
  serviceUnavailable,
  submit,
  waitUntilScored,
} from '../support/fault-helpers';
import { canStartPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from '../support/private-services';
import { waitFor } from '../support/wait-for';
import { startTestApp, type TestApp } from '../support/test-app';
import { claimBody, createPolicy } from '../fixtures/intake-fixtures';

const DATABASE_DOWN = serviceUnavailable('the database is unavailable; retry later');

/**
 * Fault: PostgreSQL (a private cluster on a free port: the machine's shared server is never touched)
 * stops for a few seconds under a running API + worker, then comes back. No restart of the service.
 */
const describeWithPostgres = canStartPrivatePostgres() ? describe : describe.skip;

describeWithPostgres('fault: PostgreSQL stops for a few seconds', () => {
  let postgres: PrivatePostgres;
  let testApp: TestApp;
  let apiKey: string;
  let restoreTestServer = (): void => undefined;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    restoreTestServer = createTestDatabasesOn(postgres.url);
    testApp = await startTestApp({
      processJobs: true,
      label: 'fault_postgres',
      env: { DATABASE_CONNECT_TIMEOUT_MS: '2000' },
    });
    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
  });

  afterAll(async () => {
    await postgres?.start().catch(() => undefined);
    await testApp?.close();
    restoreTestServer();
    await postgres?.destroy();
  });

  const http = () => request(testApp.app.getHttpServer());

  it('fails readiness and requests cleanly with 503 while it is down, and recovers without a restart', async () => {
    const [existing] = await draftClaims(testApp, apiKey, 1, 1, 700);
    const policy = await createPolicy(testApp, apiKey);
    // Ready once the model has loaded in the background (its inference thread starts first).
    await waitFor(async () => ((await http().get('/health/ready')).status === 200 ? true : undefined), {
      timeoutMs: 30_000,
      description: 'readiness before the outage',
    });

    await postgres.stop();

    const ready = await http().get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'not_ready', checks: { database: { ok: false } } });

    // Reads and writes both answer 503 with the one error shape, quickly, never a 500 with a stack.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const started = Date.now();
      const read = await http().get(`/v1/claims/${existing}`).set('X-API-Key', apiKey);
      expect(read.status).toBe(503);
      expect(read.body).toEqual(DATABASE_DOWN);
      expect(read.headers['retry-after']).toBe('5');
      const write = await http()
        .post('/v1/claims')
        .set('X-API-Key', apiKey)
        .set('Idempotency-Key', `pg-down-${attempt}`)
        .send(claimBody(policy.id));
      expect(write.status).toBe(503);
      expect(write.body).toEqual(DATABASE_DOWN);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    await http().get('/health/live').expect(200);

    // Down until the pool has lost every connection it had before the outage (the server closed the idle
    // ones, the attempts above were refused): coming back then takes fresh connections, not old ones.
    const pool = (testApp.app.get(DataSource).driver as PostgresDriver).master as { totalCount: number };
    await waitFor(() => pool.totalCount === 0, {
      timeoutMs: 15_000,
      description: 'the connection pool to have dropped every connection',
    });
    await postgres.start();

    // The pool reconnects by itself: the same process serves again.
    await waitFor(async () => ((await http().get('/health/ready')).status === 200 ? true : undefined), {
      timeoutMs: 15_000,
      description: 'readiness to recover',
    });
    await http().get(`/v1/claims/${existing}`).set('X-API-Key', apiKey).expect(200);
    // The refused write changed nothing: the same Idempotency-Key now creates the claim.
    await http()
      .post('/v1/claims')
      .set('X-API-Key', apiKey)
      .set('Idempotency-Key', 'pg-down-0')
      .send(claimBody(policy.id))
      .expect(201);

    // And the whole path works again, the in-process worker included.
    await submit(testApp, apiKey, existing).expect(202);
    await waitUntilScored(testApp.app.get(DataSource), [existing], 20_000);
  });
});
