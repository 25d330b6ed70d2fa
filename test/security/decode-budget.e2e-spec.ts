import { createIntakeClient } from '../support/auth-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createClaim, createPolicy, uploadPhotos } from '../fixtures/intake-fixtures';
import { noisePhoto } from './security-fixtures';

/**
 * Finding 3: decoding was a cheap CPU attack (20 hollow 7000×7000 files in a 6.9 KB request held the
 * server 54 s, and honest uploads waited behind them). Decoding now has a budget: declared pixels per
 * request (judged from headers before any decode) and a bounded decode pool with a queue per process
 * that answers 503 + Retry-After when full, while honest uploads keep flowing.
 */
describe('security finding 3: decoding has a budget', () => {
  let testApp: TestApp;
  let apiKey: string;
  let policyId: string;
  let photos: Buffer[];

  beforeAll(async () => {
    testApp = await startTestApp({
      label: 'sec_decode',
      env: {
        PHOTO_MAX_PIXELS_PER_REQUEST: '10000000',
        PHOTO_DECODE_CONCURRENCY: '1',
        PHOTO_DECODE_QUEUE: '2',
        PHOTO_MAX_FILES_PER_CLAIM: '500',
      },
    });
    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
    policyId = (await createPolicy(testApp, apiKey)).id;
    photos = await Promise.all([1, 2, 3].map((seed) => noisePhoto(2000, 2000, seed)));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const photoCount = async (claimId: string): Promise<number> =>
    (
      (await testApp.database.dataSource.query(`SELECT count(*)::int AS n FROM photos WHERE claim_id = $1`, [
        claimId,
      ])) as Array<{ n: number }>
    )[0].n;

  it('refuses a request declaring more pixels than PHOTO_MAX_PIXELS_PER_REQUEST before decoding; a full decode queue answers 503 with Retry-After and honest uploads still get through', async () => {
    const claim = await createClaim(testApp, apiKey, policyId);
    const over = await uploadPhotos(
      testApp,
      apiKey,
      claim.id,
      photos.map((bytes, index) => ({ name: `big-${index}.jpg`, bytes })),
    );
    expect(over.status).toBe(413);
    expect(over.body.message).toMatch(/declare 12000000 pixels .*\(PHOTO_MAX_PIXELS_PER_REQUEST\)/);
    expect(await photoCount(claim.id)).toBe(0);

    // Eight uploads of two 4-megapixel photos at once, one decode at a time, two waiting at most.
    const burst = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        uploadPhotos(testApp, apiKey, claim.id, [
          { name: `a-${index}.jpg`, bytes: photos[index % 3] },
          { name: `b-${index}.jpg`, bytes: photos[(index + 1) % 3] },
        ]),
      ),
    );
    const statuses = burst.map((response) => response.status);
    const busy = burst.filter((response) => response.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    expect(statuses.filter((status) => status !== 503).every((status) => status === 201 || status === 409)).toBe(true);
    expect(statuses.some((status) => status === 201)).toBe(true);
    for (const response of busy) {
      expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(response.body.message).toMatch(/busy checking other photos; nothing of this upload was stored/);
    }

    // Once the burst is over, an honest upload is taken at once.
    const honest = await createClaim(testApp, apiKey, policyId);
    const after = await uploadPhotos(testApp, apiKey, honest.id, [{ name: 'honest.jpg', bytes: photos[0] }]);
    expect(after.status).toBe(201);
  });
});
