import request from 'supertest';
import { createIntakeClient } from '../support/auth-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { claimBody, createClaim, createPolicy, uploadPhotos } from '../fixtures/intake-fixtures';
import { ModelRegistry } from '../../src/scoring/model-registry.service';
import { ScoringBackfillService } from '../../src/scoring/scoring-backfill.service';
import { noisePhoto } from './security-fixtures';

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1];
}

/**
 * Finding 8: after a kill -9 left 108 photos unembedded, the start-up backfill (64 photos at once)
 * held intake for ~35 s. Catch-up work now runs at low priority with bounded concurrency. The check
 * is a ratio within one run (never a wall-clock time): intake p99 with a backfill pending stays within
 * 2× of intake p99 when idle, the idle figure taken before and after (drift on a shared machine).
 */
describe('security finding 8: recovery does not starve intake', () => {
  // 300 samples per phase: p99 is then the 4th-slowest request, so one scheduler or GC hiccup on a shared machine
  // does not decide the ratio on its own.
  const SAMPLES = 300;
  let testApp: TestApp;
  let apiKey: string;
  let policyId: string;

  beforeAll(async () => {
    testApp = await startTestApp({
      label: 'sec_backfill',
      processJobs: true,
      env: { PHOTO_MAX_FILES_PER_CLAIM: '500', PHOTO_MAX_FILES_PER_REQUEST: '8', SCORING_BACKFILL_CONCURRENCY: '1' },
    });
    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
    policyId = (await createPolicy(testApp, apiKey)).id;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function intakeLatencies(count: number): Promise<number[]> {
    const server = testApp.app.getHttpServer();
    const latencies: number[] = [];
    for (let index = 0; index < count; index += 1) {
      const started = performance.now();
      const response = await request(server)
        .post('/v1/claims')
        .set('X-API-Key', apiKey)
        .set('Idempotency-Key', `bf-${process.hrtime.bigint()}-${index}`)
        .send(claimBody(policyId));
      latencies.push(performance.now() - started);
      expect(response.status).toBe(201);
    }
    return latencies;
  }

  it('keeps intake p99 within 2× of idle while a backfill of many stored photos is pending', async () => {
    // Photos stored without embeddings: what a worker killed before embedding leaves behind.
    const claim = await createClaim(testApp, apiKey, policyId);
    const distinct = await Promise.all(Array.from({ length: 8 }, (_, index) => noisePhoto(1600, 1200, 1000 + index)));
    for (let batch = 0; batch < 6; batch += 1) {
      const files = distinct.map((bytes, index) => ({ name: `stored-${batch}-${index}.jpg`, bytes }));
      const response = await uploadPhotos(testApp, apiKey, claim.id, files);
      expect(response.status).toBe(201);
    }
    const backfill = testApp.app.get(ScoringBackfillService);
    const model = await testApp.app.get(ModelRegistry).get();
    const stale = await backfill.countStale(model.hash);
    expect(stale).toBeGreaterThanOrEqual(48);

    await intakeLatencies(20); // warm-up
    const idleBefore = await intakeLatencies(SAMPLES);
    expect(await backfill.enqueueIfStale(model.hash)).toBe(true);
    // Intake measured while the backfill is pending (polled beside the requests), up to SAMPLES requests.
    let pendingNow = true;
    let watching = true;
    const watcher = (async () => {
      while (watching && pendingNow) {
        pendingNow = (await backfill.countStale(model.hash)) > 0;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const busy: number[] = [];
    while (busy.length < SAMPLES && pendingNow) busy.push(...(await intakeLatencies(1)));
    const stillPending = pendingNow;
    watching = false;
    await watcher;
    // Left alone, it finishes.
    const deadline = Date.now() + 120_000;
    while ((await backfill.countStale(model.hash)) > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await backfill.countStale(model.hash)).toBe(0);
    const idleAfter = await intakeLatencies(SAMPLES);

    const idle = p99([...idleBefore, ...idleAfter]);
    const pending = p99(busy);
    const measured = { idleP99Ms: Math.round(idle), pendingP99Ms: Math.round(pending), pendingSamples: busy.length };
    // On failure the numbers are shown.
    expect({ ...measured, withinTwiceIdle: pending <= 2 * idle }).toEqual({ ...measured, withinTwiceIdle: true });
    // Not vacuous: the backfill stayed pending through a full measurement (it yields to intake).
    expect({ pendingSamples: busy.length, stillPending }).toEqual({ pendingSamples: SAMPLES, stillPending: true });
  }, 240_000);
});
