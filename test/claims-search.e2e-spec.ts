import request from 'supertest';
import type { DataSource } from 'typeorm';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Claim search (`GET /v1/claims?q=…` and filters) under the list's access rules: staff see their team only,
 * intake systems their own claims only, compliance every claim. A foreign claim never appears, whatever
 * the query names.
 */
describe('claim search (real PostgreSQL, pg_trgm)', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  const tokens: Record<string, string> = {};
  let intakeA: { id: string; apiKey: string };
  let intakeA2: { id: string; apiKey: string };
  const ids: Record<string, string> = {};

  const http = () => request(testApp.app.getHttpServer());
  const asStaff = (who: string, query: Record<string, string>) =>
    http().get('/v1/claims').query(query).set('Authorization', `Bearer ${tokens[who]}`);
  const refs = (body: { items: Array<{ externalReference: string }> }) =>
    body.items.map((item) => item.externalReference).sort();

  /** A flagged scoring run of the claim with a check of `kind` (the check filter reads the latest run). */
  async function flag(claimId: string, kind: string, at: string): Promise<void> {
    const [run] = (await dataSource.query(
      `INSERT INTO scoring_runs (claim_id, model_id, model_hash, prompt_set_version, thresholds, scores, provider, duration_ms, outcome, created_at)
       VALUES ($1, 'm', 'h', 'v1', '{}', '{}', 'test', 1, 'inconsistent', $2) RETURNING id`,
      [claimId, at],
    )) as Array<{ id: string }>;
    await dataSource.query(
      `INSERT INTO checks (claim_id, scoring_run_id, kind, score, confidence, flagged, severity, reason)
       VALUES ($1, $2, $3, 0.9, 0.9, true, 'high', 'test')`,
      [claimId, run.id, kind],
    );
  }

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'claims_search' });
    dataSource = testApp.database.dataSource;
    const make = factories(testApp);
    intakeA = await createIntakeClient(testApp, 'team-a');
    intakeA2 = await createIntakeClient(testApp, 'team-a');
    const intakeB = await createIntakeClient(testApp, 'team-b');
    const autoA = await make.newPolicy({ number: 'POL-ALPHA-7731', lineOfBusiness: 'auto' });
    const homeA = await make.newPolicy({ number: 'POL-HOME-1200', lineOfBusiness: 'property' });
    const autoB = await make.newPolicy({ number: 'POL-BRAVO-7731', lineOfBusiness: 'auto' });
    const claim = async (key: string, values: Parameters<typeof make.newClaim>[0]) => {
      ids[key] = (await make.newClaim(values)).id;
    };
    await claim('a1', {
      team: 'team-a',
      policyId: autoA.id,
      submitterClientId: intakeA.id,
      externalReference: 'CLM-2026-000123',
      claimantRef: 'cust-anna-01',
      claimedPeril: 'hail',
      status: 'inconsistent',
      createdAt: new Date('2026-02-10T10:00:00Z'),
    });
    await claim('a2', {
      team: 'team-a',
      policyId: homeA.id,
      submitterClientId: intakeA.id,
      externalReference: 'CLM-2026-000124',
      claimantRef: 'cust-bert-02',
      claimedPeril: 'water_damage',
      status: 'needs_review',
      createdAt: new Date('2026-02-20T10:00:00Z'),
    });
    await claim('a3', {
      team: 'team-a',
      policyId: autoA.id,
      submitterClientId: intakeA2.id,
      externalReference: 'OTHER-50%_X',
      claimantRef: null,
      claimedPeril: 'collision',
      status: 'decided',
      createdAt: new Date('2026-03-01T10:00:00Z'),
    });
    // Team B's claim shares the reference pattern, the policy number's digits and the claimant: never seen by team A.
    await claim('b1', {
      team: 'team-b',
      policyId: autoB.id,
      submitterClientId: intakeB.id,
      externalReference: 'CLM-2026-000125',
      claimantRef: 'cust-anna-01',
      claimedPeril: 'hail',
      status: 'inconsistent',
      createdAt: new Date('2026-02-15T10:00:00Z'),
    });
    await flag(ids.a1, 'exif_anomaly', '2026-02-10T11:00:00Z');
    await flag(ids.b1, 'exif_anomaly', '2026-02-15T11:00:00Z');
    // a2 was flagged once, then rescored clean: the check filter reads the latest run only.
    await flag(ids.a2, 'duplicate_photo', '2026-02-20T11:00:00Z');
    await dataSource.query(
      `INSERT INTO scoring_runs (claim_id, model_id, model_hash, prompt_set_version, thresholds, scores, provider, duration_ms, outcome, created_at)
       VALUES ($1, 'm', 'h', 'v1', '{}', '{}', 'test', 1, 'consistent', '2026-02-21T11:00:00Z')`,
      [ids.a2],
    );
    tokens.adjA = await tokenFor(testApp, 'adjuster', 'team-a');
    tokens.supB = await tokenFor(testApp, 'supervisor', 'team-b');
    tokens.compliance = await tokenFor(testApp, 'compliance', 'team-a');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('finds by part of the external reference, case-insensitively, within the team only', async () => {
    const response = await asStaff('adjA', { q: 'clm-2026' });
    expect(response.status).toBe(200);
    expect(refs(response.body)).toEqual(['CLM-2026-000123', 'CLM-2026-000124']);
    expect(response.body.total).toBe(2);
    // The display fields of a result row.
    const row = response.body.items.find((item: { id: string }) => item.id === ids.a1);
    expect(row).toMatchObject({ policyNumber: 'POL-ALPHA-7731', lineOfBusiness: 'auto', team: 'team-a' });
  });

  it('finds by policy number and by claimant reference, never a foreign claim', async () => {
    expect(refs((await asStaff('adjA', { q: '7731' })).body)).toEqual(['CLM-2026-000123', 'OTHER-50%_X']);
    expect(refs((await asStaff('adjA', { q: 'cust-anna' })).body)).toEqual(['CLM-2026-000123']);
    expect(refs((await asStaff('supB', { q: 'cust-anna' })).body)).toEqual(['CLM-2026-000125']);
    // Compliance sees every team.
    expect(refs((await asStaff('compliance', { q: 'cust-anna' })).body)).toEqual([
      'CLM-2026-000123',
      'CLM-2026-000125',
    ]);
  });

  it('matches a claim id exactly, and a foreign id finds nothing', async () => {
    expect(refs((await asStaff('adjA', { q: ids.a2.toUpperCase() })).body)).toEqual(['CLM-2026-000124']);
    const foreign = await asStaff('adjA', { q: ids.b1 });
    expect(foreign.status).toBe(200);
    expect(foreign.body).toMatchObject({ items: [], total: 0 });
  });

  it('treats % and _ in the query as text, not as wildcards', async () => {
    expect(refs((await asStaff('adjA', { q: '50%_' })).body)).toEqual(['OTHER-50%_X']);
    expect(refs((await asStaff('adjA', { q: '0%_' })).body)).toEqual(['OTHER-50%_X']);
    expect(refs((await asStaff('adjA', { q: '___' })).body)).toEqual([]);
  });

  it('filters by status, peril, line of business, date range and flagged check', async () => {
    expect(refs((await asStaff('adjA', { status: 'needs_review' })).body)).toEqual(['CLM-2026-000124']);
    expect(refs((await asStaff('adjA', { peril: 'hail' })).body)).toEqual(['CLM-2026-000123']);
    expect(refs((await asStaff('adjA', { lineOfBusiness: 'property' })).body)).toEqual(['CLM-2026-000124']);
    expect(refs((await asStaff('adjA', { createdFrom: '2026-02-20', createdTo: '2026-03-01' })).body)).toEqual([
      'CLM-2026-000124',
      'OTHER-50%_X',
    ]);
    expect(refs((await asStaff('adjA', { check: 'exif_anomaly' })).body)).toEqual(['CLM-2026-000123']);
    // a2's latest run is clean: its older duplicate_photo flag does not count.
    expect(refs((await asStaff('adjA', { check: 'duplicate_photo' })).body)).toEqual([]);
    // Compliance may narrow to a team; a staff member naming another team still sees only its own.
    expect(refs((await asStaff('compliance', { team: 'team-b' })).body)).toEqual(['CLM-2026-000125']);
    expect(refs((await asStaff('adjA', { team: 'team-b' })).body)).toEqual([]);
  });

  it('intake systems search only their own claims and may not filter by scoring flags', async () => {
    const own = await http().get('/v1/claims').query({ q: 'CLM' }).set('X-API-Key', intakeA.apiKey);
    expect(own.status).toBe(200);
    expect(refs(own.body)).toEqual(['CLM-2026-000123', 'CLM-2026-000124']);
    expect(own.body.items[0]).not.toHaveProperty('policyNumber');
    const other = await http().get('/v1/claims').query({ q: '7731' }).set('X-API-Key', intakeA2.apiKey);
    expect(refs(other.body)).toEqual(['OTHER-50%_X']);
    const flags = await http().get('/v1/claims').query({ check: 'exif_anomaly' }).set('X-API-Key', intakeA.apiKey);
    expect(flags.status).toBe(400);
    expect(flags.body.message).toMatch(/check/);
  });

  it('pages newest first with no duplicate or missing row', async () => {
    const seen: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const response = await asStaff('compliance', { page: String(page), pageSize: '1' });
      seen.push(...response.body.items.map((item: { id: string }) => item.id));
    }
    expect(seen).toEqual([ids.a3, ids.a2, ids.b1]);
  });

  it('answers 400 naming a bad filter', async () => {
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ q: 'x'.repeat(101) }, /q must be at most 100/],
      [{ q: '   ' }, /q must be at least 3 characters/],
      [{ q: 'ab' }, /q must be at least 3 characters/],
      [{ createdFrom: '2026-02-30' }, /createdFrom must be a real date/],
      [{ createdFrom: '2026-03-02', createdTo: '2026-03-01' }, /createdFrom must not be after createdTo/],
      [{ peril: 'Hail!' }, /peril must be a peril key/],
      [{ lineOfBusiness: 'A B' }, /lineOfBusiness must be a key/],
    ];
    for (const [query, message] of cases) {
      const response = await asStaff('adjA', query);
      expect(response.status).toBe(400);
      expect(JSON.stringify(response.body.message)).toMatch(message);
    }
  });
});
