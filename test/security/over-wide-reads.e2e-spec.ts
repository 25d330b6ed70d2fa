import request from 'supertest';
import { createIntakeClient, tokenFor } from '../support/auth-helpers';
import { startTestApp, type TestApp } from '../support/test-app';
import { createClaim, createPolicy } from '../fixtures/intake-fixtures';

/**
 * Finding 7: adjusters, supervisors and compliance read any policy by id (200 across teams); they may
 * read one only when a claim they may see references it. An unknown probe job answered 200 with an
 * empty list instead of 404.
 */
describe('security finding 7: over-wide reads', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'sec_reads' });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  const read = (token: string, id: string) => http().get(`/v1/policies/${id}`).set('Authorization', `Bearer ${token}`);

  it('staff read a policy only through a claim they may see (404 otherwise); an unknown probe job is 404', async () => {
    const intakeA = await createIntakeClient(testApp, 'team-a');
    const adjusterA = await tokenFor(testApp, 'adjuster', 'team-a');
    const supervisorA = await tokenFor(testApp, 'supervisor', 'team-a');
    const adjusterB = await tokenFor(testApp, 'adjuster', 'team-b');
    const supervisorB = await tokenFor(testApp, 'supervisor', 'team-b');
    const compliance = await tokenFor(testApp, 'compliance', 'audit');
    const admin = await tokenFor(testApp, 'admin', 'ops');

    const used = await createPolicy(testApp, intakeA.apiKey);
    await createClaim(testApp, intakeA.apiKey, used.id);
    const unused = await createPolicy(testApp, intakeA.apiKey);

    const expectations: Array<[string, string, string, number]> = [
      ['adjuster of team-a', adjusterA, used.id, 200],
      ['supervisor of team-a', supervisorA, used.id, 200],
      ['compliance', compliance, used.id, 200],
      ['adjuster of team-b', adjusterB, used.id, 404],
      ['supervisor of team-b', supervisorB, used.id, 404],
      ['adjuster of team-a, policy without claims', adjusterA, unused.id, 404],
      ['compliance, policy without claims', compliance, unused.id, 404],
      ['admin, policy without claims', admin, unused.id, 200],
    ];
    const outcomes: Array<[string, number]> = [];
    for (const [who, token, id] of expectations) outcomes.push([who, (await read(token, id)).status]);
    expect(outcomes).toEqual(expectations.map(([who, , , status]) => [who, status]));

    const probe = await http()
      .get('/v1/ops/probe-jobs/9b2f6f5e-2a8e-4c61-9d1e-6f0a3c2b7d41')
      .set('Authorization', `Bearer ${admin}`);
    expect({ status: probe.status, message: probe.body.message }).toEqual({
      status: 404,
      message: 'probe job not found',
    });
    // A probe that exists (queued, not yet run: no worker here) is still answered.
    const created = await http()
      .post('/v1/ops/probe-jobs')
      .set('Authorization', `Bearer ${admin}`)
      .send({})
      .expect(202);
    const pending = await http()
      .get(`/v1/ops/probe-jobs/${created.body.probeId}`)
      .set('Authorization', `Bearer ${admin}`)
      .expect(200);
    expect(pending.body.completions).toEqual([]);
  });
});
