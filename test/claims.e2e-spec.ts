import request from 'supertest';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';
import { claimBody, createClaim, createPolicy, uploadPhotos } from './fixtures/intake-fixtures';
import { scenePhoto } from './fixtures/photo-fixtures';

describe('claims', () => {
  let testApp: TestApp;
  let intakeA: { id: string; apiKey: string };
  let intakeB: { id: string; apiKey: string };
  let policyA: string;
  let policyB: string;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'claims' });
    intakeA = await createIntakeClient(testApp, 'team-a');
    intakeB = await createIntakeClient(testApp, 'team-b');
    policyA = (await createPolicy(testApp, intakeA.apiKey)).id;
    policyB = (await createPolicy(testApp, intakeB.apiKey)).id;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  /** POST /v1/claims as an intake client with an Idempotency-Key. */
  const postClaim = (apiKey: string, idempotencyKey: string, body: object) =>
    http().post('/v1/claims').set('X-API-Key', apiKey).set('Idempotency-Key', idempotencyKey).send(body);

  it('creates a draft claim in the intake client’s team; the intake view carries no staff fields', async () => {
    const response = await postClaim(intakeA.apiKey, 'create-1', claimBody(policyA, { amount: '1250' })).expect(201);
    expect(response.body).toMatchObject({
      status: 'draft',
      policyId: policyA,
      amount: '1250.00',
      currency: 'EUR',
      claimedPeril: 'collision',
      photoCount: 0,
      photos: [],
    });
    for (const field of ['team', 'submitterClientId', 'validation', 'legalHold'])
      expect(response.body).not.toHaveProperty(field);
    const [row] = (await testApp.database.dataSource.query(
      'SELECT team, submitter_client_id FROM claims WHERE id = $1',
      [response.body.id],
    )) as Array<{ team: string; submitter_client_id: string }>;
    expect(row).toEqual({ team: 'team-a', submitter_client_id: intakeA.id });
    const events = (await testApp.database.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'claim.created' AND resource_id = $1`,
      [response.body.id],
    )) as Array<{ n: number }>;
    expect(events[0].n).toBe(1);
  });

  it('requires the Idempotency-Key header and a policy the caller may read', async () => {
    const missing = await http()
      .post('/v1/claims')
      .set('X-API-Key', intakeA.apiKey)
      .send(claimBody(policyA))
      .expect(400);
    expect(missing.body.message).toMatch(/Idempotency-Key/);
    await postClaim(intakeA.apiKey, 'foreign-policy', claimBody(policyB)).expect(404);
    await postClaim(intakeA.apiKey, 'bad-body', claimBody(policyA, { photoSource: 'drone' })).expect(400);
    await postClaim(intakeA.apiKey, 'bad-amount', claimBody(policyA, { amount: '-5' })).expect(400);
  });

  it('idempotency: 20 concurrent identical posts with one key create exactly one claim; another body with that key is 409', async () => {
    const body = claimBody(policyA);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => postClaim(intakeA.apiKey, 'race-key-1', body)),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 200 || status === 201)).toBe(true);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    const ids = new Set(responses.map((response) => response.body.id as string));
    expect(ids.size).toBe(1);
    const rows = (await testApp.database.dataSource.query(
      `SELECT id FROM claims WHERE submitter_client_id = $1 AND idempotency_key = 'race-key-1'`,
      [intakeA.id],
    )) as unknown[];
    expect(rows).toHaveLength(1);
    const events = (await testApp.database.dataSource.query(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'claim.created' AND resource_id = $1`,
      [[...ids][0]],
    )) as Array<{ n: number }>;
    expect(events[0].n).toBe(1);

    const replay = await postClaim(intakeA.apiKey, 'race-key-1', body).expect(200);
    expect(replay.body.id).toBe([...ids][0]);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    const conflict = await postClaim(intakeA.apiKey, 'race-key-1', { ...body, amount: '99.00' }).expect(409);
    expect(conflict.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: expect.stringMatching(/different request body/),
    });
    // The key is per intake client: another client may use the same key for its own claim.
    const other = await postClaim(intakeB.apiKey, 'race-key-1', claimBody(policyB)).expect(201);
    expect(other.body.id).not.toBe([...ids][0]);
  });

  it('intake client A cannot read, list, upload to or submit client B’s claim (404 each, never listed)', async () => {
    const claimOfB = await createClaim(testApp, intakeB.apiKey, policyB);
    await http().get(`/v1/claims/${claimOfB.id}`).set('X-API-Key', intakeA.apiKey).expect(404);
    await http().post(`/v1/claims/${claimOfB.id}/submit`).set('X-API-Key', intakeA.apiKey).expect(404);
    const upload = await uploadPhotos(testApp, intakeA.apiKey, claimOfB.id, [
      { name: 'a.jpg', bytes: await scenePhoto(1) },
    ]);
    expect(upload.status).toBe(404);
    const list = await http().get('/v1/claims?pageSize=100').set('X-API-Key', intakeA.apiKey).expect(200);
    expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(claimOfB.id);
    expect(list.body.items.length).toBeGreaterThan(0);
    const photos = (await testApp.database.dataSource.query(
      'SELECT count(*)::int AS n FROM photos WHERE claim_id = $1',
      [claimOfB.id],
    )) as Array<{ n: number }>;
    expect(photos[0].n).toBe(0);
    // B itself sees it.
    await http().get(`/v1/claims/${claimOfB.id}`).set('X-API-Key', intakeB.apiKey).expect(200);
  });

  it('staff see claims of their team with the staff view; other teams get 404; lists are filtered in SQL', async () => {
    const claim = await createClaim(testApp, intakeA.apiKey, policyA);
    const adjusterA = await tokenFor(testApp, 'adjuster', 'team-a');
    const supervisorB = await tokenFor(testApp, 'supervisor', 'team-b');
    const compliance = await tokenFor(testApp, 'compliance', 'audit');
    const staff = await http().get(`/v1/claims/${claim.id}`).set('Authorization', `Bearer ${adjusterA}`).expect(200);
    expect(staff.body).toMatchObject({
      id: claim.id,
      team: 'team-a',
      submitterClientId: intakeA.id,
      legalHold: false,
      validation: null,
    });
    await http().get(`/v1/claims/${claim.id}`).set('Authorization', `Bearer ${supervisorB}`).expect(404);
    await http().get(`/v1/claims/${claim.id}`).set('Authorization', `Bearer ${compliance}`).expect(200);
    const listB = await http().get('/v1/claims?pageSize=100').set('Authorization', `Bearer ${supervisorB}`).expect(200);
    expect(listB.body.items.every((item: { team: string }) => item.team === 'team-b')).toBe(true);
    const listAll = await http()
      .get('/v1/claims?pageSize=100')
      .set('Authorization', `Bearer ${compliance}`)
      .expect(200);
    expect(new Set(listAll.body.items.map((item: { team: string }) => item.team))).toEqual(
      new Set(['team-a', 'team-b']),
    );
    await http().post(`/v1/claims/${claim.id}/submit`).set('Authorization', `Bearer ${adjusterA}`).expect(403);
  });

  it('pages and filters by status', async () => {
    const page1 = await http()
      .get('/v1/claims?page=1&pageSize=2&status=draft')
      .set('X-API-Key', intakeA.apiKey)
      .expect(200);
    expect(page1.body.pageSize).toBe(2);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.total).toBeGreaterThan(2);
    const page2 = await http()
      .get('/v1/claims?page=2&pageSize=2&status=draft')
      .set('X-API-Key', intakeA.apiKey)
      .expect(200);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[0].id);
    const queued = await http().get('/v1/claims?status=queued').set('X-API-Key', intakeA.apiKey).expect(200);
    expect(queued.body.items.every((item: { status: string }) => item.status === 'queued')).toBe(true);
    await http().get('/v1/claims?status=bogus').set('X-API-Key', intakeA.apiKey).expect(400);
  });

  it('submit: needs a photo, moves draft → queued (202, audited), then the claim is frozen (409)', async () => {
    const claim = await createClaim(testApp, intakeA.apiKey, policyA);
    const empty = await http().post(`/v1/claims/${claim.id}/submit`).set('X-API-Key', intakeA.apiKey).expect(422);
    expect(empty.body.message).toMatch(/no photos/);
    await uploadPhotos(testApp, intakeA.apiKey, claim.id, [{ name: 'scene.jpg', bytes: await scenePhoto(7) }]).expect(
      201,
    );
    const submitted = await http().post(`/v1/claims/${claim.id}/submit`).set('X-API-Key', intakeA.apiKey).expect(202);
    expect(submitted.body).toMatchObject({ id: claim.id, status: 'queued' });
    const read = await http().get(`/v1/claims/${claim.id}`).set('X-API-Key', intakeA.apiKey).expect(200);
    expect(read.body).toMatchObject({ status: 'queued', photoCount: 1 });
    expect(read.body.submittedAt).not.toBeNull();
    await http().post(`/v1/claims/${claim.id}/submit`).set('X-API-Key', intakeA.apiKey).expect(409);
    const more = await uploadPhotos(testApp, intakeA.apiKey, claim.id, [
      { name: 'late.jpg', bytes: await scenePhoto(8) },
    ]);
    expect(more.status).toBe(409);
    expect(more.body.message).toMatch(/submitted/);
    const photos = (await testApp.database.dataSource.query(
      'SELECT count(*)::int AS n FROM photos WHERE claim_id = $1',
      [claim.id],
    )) as Array<{ n: number }>;
    expect(photos[0].n).toBe(1);
    const events = (await testApp.database.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'claim.submitted' AND resource_id = $1`,
      [claim.id],
    )) as Array<{ details: { to: string } }>;
    expect(events).toEqual([{ details: expect.objectContaining({ to: 'queued', photoCount: 1 }) }]);
  });
});
