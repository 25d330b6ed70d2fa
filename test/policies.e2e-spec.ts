import request from 'supertest';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { useTestApp } from './support/test-app';
import { createClaim, policyBody } from './fixtures/intake-fixtures';

describe('policies', () => {
  let intakeA: { id: string; apiKey: string };
  let intakeB: { id: string; apiKey: string };
  let admin: string;
  let adjuster: string;
  const testApp = useTestApp({ label: 'policies' }, async (started) => {
    intakeA = await createIntakeClient(started, 'team-a');
    intakeB = await createIntakeClient(started, 'team-b');
    admin = await tokenFor(started, 'admin', 'ops');
    adjuster = await tokenFor(started, 'adjuster', 'team-a');
  });

  const http = () => request(testApp().app.getHttpServer());

  it('an intake system creates a policy with clauses and reads it back; the creation is audited', async () => {
    const body = policyBody();
    const created = await http().post('/v1/policies').set('X-API-Key', intakeA.apiKey).send(body).expect(201);
    expect(created.body).toMatchObject({
      number: body.number,
      lineOfBusiness: 'auto',
      insuredObject: 'blue 2019 Toyota sedan',
      effectiveFrom: '2025-01-01',
      effectiveTo: '2026-12-31',
    });
    expect(created.body.clauses).toEqual([
      expect.objectContaining({
        code: 'C-COLL',
        kind: 'coverage',
        perilKey: 'collision',
        prompts: ['a photo of a car with collision damage'],
        promptVersion: 1,
      }),
      expect.objectContaining({ code: 'X-RUST', kind: 'exclusion', perilKey: 'rust', prompts: [] }),
    ]);
    const read = await http().get(`/v1/policies/${created.body.id}`).set('X-API-Key', intakeA.apiKey).expect(200);
    expect(read.body).toEqual(created.body);
    const [event] = (await testApp().database.dataSource.query(
      `SELECT actor_id, details FROM audit_events WHERE action = 'policy.created' AND resource_id = $1`,
      [created.body.id],
    )) as Array<{ actor_id: string; details: { clauses: unknown[] } }>;
    expect(event.actor_id).toBe(intakeA.id);
    expect(event.details.clauses).toHaveLength(2);
  });

  it('another intake system gets 404 for it; staff once a claim they may see references it; admins always', async () => {
    const created = await http().post('/v1/policies').set('X-API-Key', intakeA.apiKey).send(policyBody()).expect(201);
    await http().get(`/v1/policies/${created.body.id}`).set('X-API-Key', intakeB.apiKey).expect(404);
    await http().get(`/v1/policies/${created.body.id}`).set('Authorization', `Bearer ${adjuster}`).expect(404);
    await createClaim(testApp(), intakeA.apiKey, created.body.id);
    await http().get(`/v1/policies/${created.body.id}`).set('Authorization', `Bearer ${adjuster}`).expect(200);
    await http().get(`/v1/policies/${created.body.id}`).set('Authorization', `Bearer ${admin}`).expect(200);
    await http().get('/v1/policies/not-a-uuid').set('Authorization', `Bearer ${admin}`).expect(404);
  });

  it('admins create policies; adjusters may not (403)', async () => {
    await http().post('/v1/policies').set('Authorization', `Bearer ${admin}`).send(policyBody()).expect(201);
    await http().post('/v1/policies').set('Authorization', `Bearer ${adjuster}`).send(policyBody()).expect(403);
  });

  it('validates the body: clause kinds, duplicate codes, dates, unknown fields, duplicate numbers', async () => {
    const bad = [
      policyBody({ clauses: [{ code: 'A', kind: 'maybe', text: 't', perilKey: 'hail' }] }),
      policyBody({ clauses: [] }),
      policyBody({
        clauses: [
          { code: 'A', kind: 'coverage', text: 't', perilKey: 'hail' },
          { code: 'A', kind: 'exclusion', text: 'u', perilKey: 'rust' },
        ],
      }),
      policyBody({ effectiveFrom: '2026-01-01', effectiveTo: '2025-01-01' }),
      policyBody({ lineOfBusiness: 'marine' }),
      policyBody({ surprise: true }),
    ];
    for (const body of bad) {
      const response = await http().post('/v1/policies').set('X-API-Key', intakeA.apiKey).send(body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    const body = policyBody();
    await http().post('/v1/policies').set('X-API-Key', intakeA.apiKey).send(body).expect(201);
    await http().post('/v1/policies').set('X-API-Key', intakeA.apiKey).send(body).expect(409);
  });
});
