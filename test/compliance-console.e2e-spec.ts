import request from 'supertest';
import { verifyExportLines } from '../src/audit/audit-export-format';
import { ManualClock } from '../src/common/clock';
import { createIntakeClient, createUser, login, type TestUser } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy } from './fixtures/intake-fixtures';

/**
 * The compliance console over HTTP (issue 19, points 4–6; src/retention/README.md, src/audit/README.md):
 * versioned retention with a second officer's approval and the notice period, holds by claim number,
 * erasure due dates and the overdue list, and the audit search, filtered export and saved searches.
 * The clock only moves forward; claims are seeded without photos (purging them is retention.e2e-spec's).
 */
const DAY = 86_400_000;

interface Change {
  id: string;
  status: string;
  kind: string;
  policyKey: string;
  policyId: string | null;
  shortening: string[];
  effectiveFrom: string;
}

describe('compliance console: retention lifecycle, holds and erasure by what people know, a usable audit log', () => {
  const clock = new ManualClock('2026-03-01T00:00:00Z');
  let testApp: TestApp;
  let intakeKey: string;
  let officerA: TestUser;
  let officerB: TestUser;
  const tokens: Record<string, string> = {};

  const http = () => request(testApp.app.getHttpServer());
  const as = (user: TestUser) => ({ Authorization: `Bearer ${tokens[user.email]}` });

  async function signIn(): Promise<void> {
    for (const user of [officerA, officerB]) tokens[user.email] = await login(testApp, user.email, user.password);
  }

  async function advance(days: number): Promise<void> {
    clock.set(new Date(clock.now().getTime() + days * DAY));
    await signIn();
  }

  /** A claim of `jurisdiction` closed (decided) `daysAgo` days ago. */
  async function closedClaim(
    jurisdiction: string,
    daysAgo: number,
    overrides: Record<string, unknown> = {},
  ): Promise<{ id: string }> {
    const insurancePolicy = await createPolicy(testApp, intakeKey, { jurisdiction });
    const claim = await createClaim(testApp, intakeKey, insurancePolicy.id, overrides);
    await testApp.database.dataSource.query(`UPDATE claims SET status = 'decided', decided_at = $2 WHERE id = $1`, [
      claim.id,
      new Date(clock.now().getTime() - daysAgo * DAY),
    ]);
    return claim;
  }

  async function dryRunClaims(): Promise<string[]> {
    const response = await http().post('/v1/retention/run').set(as(officerA)).send({ dryRun: true }).expect(200);
    return (response.body as { items: Array<{ claimId: string }> }).items.map((item) => item.claimId);
  }

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'compliance-console', manualClock: clock });
    intakeKey = (await createIntakeClient(testApp)).apiKey;
    officerA = await createUser(testApp, { role: 'compliance', email: 'ada.officer@example.test' });
    officerB = await createUser(testApp, { role: 'compliance', email: 'bo.second@example.test' });
    await signIn();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('a policy that deletes sooner than the notice waits for a second officer, who sees the dry run; the proposer may not approve', async () => {
    const claim = await closedClaim('CC1', 10);
    const created = await http()
      .post('/v1/retention/policies')
      .set(as(officerA))
      .send({ dataClass: 'exif_gps', jurisdiction: 'CC1', periodDays: 0, trigger: 'claim_closed', action: 'delete' })
      .expect(201);
    const proposal = created.body as Change;
    expect(proposal).toMatchObject({ status: 'pending', kind: 'create', policyId: null });
    expect(proposal.shortening).toEqual(expect.arrayContaining(['period_below_notice', 'deletes_within_notice']));
    // Not live: nothing is due while it waits.
    expect(await dryRunClaims()).not.toContain(claim.id);

    // The proposer's own approval is refused (403) and audited.
    await http().post(`/v1/retention/changes/${proposal.id}/approve`).set(as(officerA)).send({}).expect(403);

    // The second officer sees what it would purge and when.
    const detail = await http().get(`/v1/retention/changes/${proposal.id}`).set(as(officerB)).expect(200);
    const approveAt = clock.now().getTime();
    expect(detail.body).toMatchObject({
      noticeDays: 30,
      effectiveIfApprovedNow: new Date(approveAt + 30 * DAY).toISOString(),
      impact: { claims: 1, total: 1 },
    });
    expect(detail.body.impact.items[0]).toMatchObject({
      claimId: claim.id,
      dataClass: 'exif_gps',
      action: 'delete',
      purgeAt: new Date(approveAt + 30 * DAY).toISOString(),
      before: null,
    });
    const approved = await http()
      .post(`/v1/retention/changes/${proposal.id}/approve`)
      .set(as(officerB))
      .send({ note: 'four eyes' })
      .expect(200);
    expect(approved.body).toMatchObject({
      status: 'applied',
      effectiveFrom: new Date(approveAt + 30 * DAY).toISOString(),
    });
    await http().post(`/v1/retention/changes/${proposal.id}/approve`).set(as(officerB)).send({}).expect(409);
    // In force only after the notice.
    expect(await dryRunClaims()).not.toContain(claim.id);
    // ...and the upcoming list already shows it, due when the approved version takes effect, under it.
    const upcoming = await http().get('/v1/retention/upcoming').query({ days: 60 }).set(as(officerA)).expect(200);
    expect(
      (upcoming.body as { items: Array<Record<string, unknown>> }).items.filter((item) => item.claimId === claim.id),
    ).toEqual([
      expect.objectContaining({
        dataClass: 'exif_gps',
        policyId: (approved.body as Change).policyId,
        dueAt: new Date(approveAt + 30 * DAY).toISOString(),
      }),
    ]);
    await advance(31);
    expect(await dryRunClaims()).toContain(claim.id);

    const key = (approved.body as Change).policyKey;
    // Lengthening applies at once (audited), as version 2; the claim is no longer due.
    const longer = await http()
      .patch(`/v1/retention/policies/${key}`)
      .set(as(officerA))
      .send({ periodDays: 400, reason: 'litigation risk' })
      .expect(200);
    expect(longer.body).toMatchObject({ status: 'applied', kind: 'edit', shortening: [] });
    expect(await dryRunClaims()).not.toContain(claim.id);

    // Shortening again is a proposal; rejected by the second officer.
    const shorter = await http()
      .patch(`/v1/retention/policies/${key}`)
      .set(as(officerA))
      .send({ periodDays: 5 })
      .expect(200);
    expect(shorter.body).toMatchObject({ status: 'pending' });
    expect((shorter.body as Change).shortening).toContain('period_shortened');
    const pending = await http().get('/v1/retention/changes').set(as(officerB)).expect(200);
    expect((pending.body as Change[]).map((change) => change.id)).toContain((shorter.body as Change).id);
    await http()
      .post(`/v1/retention/changes/${(shorter.body as Change).id}/reject`)
      .set(as(officerB))
      .send({ note: 'not without legal sign-off' })
      .expect(200);

    // Retiring a delete policy shortens nothing: applied at once.
    const retired = await http()
      .post(`/v1/retention/policies/${key}/retire`)
      .set(as(officerA))
      .send({ reason: 'superseded by the group policy' })
      .expect(200);
    expect(retired.body).toMatchObject({ status: 'applied', kind: 'retire' });
    await http().patch(`/v1/retention/policies/${key}`).set(as(officerA)).send({ periodDays: 9 }).expect(404);
    const versions = (await http().get('/v1/retention/policies').set(as(officerA)).expect(200)).body as Array<{
      policyKey: string;
      version: number;
      periodDays: number;
      endedReason: string | null;
      effectiveUntil: string | null;
    }>;
    expect(
      versions.filter((version) => version.policyKey === key).map((v) => [v.version, v.periodDays, v.endedReason]),
    ).toEqual([
      [1, 0, 'superseded'],
      [2, 400, 'retired'],
    ]);
    const events = await http().get('/v1/audit/events').query({ action: 'retention.' }).set(as(officerA)).expect(200);
    expect((events.body as { items: Array<{ action: string }> }).items.map((event) => event.action)).toEqual(
      expect.arrayContaining([
        'retention.change_proposed',
        'retention.change_approved',
        'retention.policy_created',
        'retention.policy_changed',
        'retention.change_rejected',
        'retention.policy_retired',
      ]),
    );
  });

  it('a hold placed by claim number blocks that claim’s purge', async () => {
    const held = await closedClaim('CC2', 10, { externalReference: 'CLM-2026-0042' });
    const free = await closedClaim('CC2', 10, { externalReference: 'CLM-2026-0043' });
    await closedClaim('CC2', 10, { externalReference: 'CLM-DUP' });
    await closedClaim('CC2', 10, { externalReference: 'CLM-DUP' });
    const hold = await http()
      .post('/v1/retention/holds')
      .set(as(officerA))
      .send({ claim: 'CLM-2026-0042', reason: 'Litigation LIT-2026-77' })
      .expect(201);
    expect(hold.body).toMatchObject({ claimId: held.id, claimNumber: 'CLM-2026-0042' });
    await http().post('/v1/retention/holds').set(as(officerA)).send({ claim: 'CLM-NOPE', reason: 'x y z' }).expect(404);
    await http().post('/v1/retention/holds').set(as(officerA)).send({ claim: 'CLM-DUP', reason: 'x y z' }).expect(409);
    const listed = await http().get('/v1/retention/holds').set(as(officerB)).expect(200);
    expect(listed.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ claimId: held.id, claimNumber: 'CLM-2026-0042' })]),
    );

    const created = await http()
      .post('/v1/retention/policies')
      .set(as(officerA))
      .send({ dataClass: 'exif_gps', jurisdiction: 'CC2', periodDays: 1, trigger: 'claim_closed', action: 'redact' })
      .expect(201);
    await http()
      .post(`/v1/retention/changes/${(created.body as Change).id}/approve`)
      .set(as(officerB))
      .send({})
      .expect(200);
    await advance(31);
    const run = await http().post('/v1/retention/run').set(as(officerA)).send({ dryRun: false }).expect(200);
    const purged = (run.body as { items: Array<{ claimId: string }> }).items.map((item) => item.claimId);
    expect(purged).toContain(free.id);
    expect(purged).not.toContain(held.id);
    const receipts = await http()
      .get('/v1/retention/receipts')
      .query({ claimId: held.id })
      .set(as(officerA))
      .expect(200);
    expect((receipts.body as { total: number }).total).toBe(0);
  });

  it('erasure requests have a due date, a status and the claims of the claimant; overdue ones are listed', async () => {
    const claim = await closedClaim('CC3', 1, { claimantRef: 'subject-7781', externalReference: 'CLM-7781' });
    const late = await http()
      .post('/v1/retention/erasure-requests')
      .set(as(officerA))
      .send({
        claimantRef: 'subject-7781',
        receivedAt: new Date(clock.now().getTime() - 40 * DAY).toISOString(),
        execute: false,
      })
      .expect(200);
    expect(late.body).toMatchObject({ status: 'received', claims: [] });
    const fresh = await http()
      .post('/v1/retention/erasure-requests')
      .set(as(officerA))
      .send({ claimantRef: 'subject-other', execute: false })
      .expect(200);
    await http()
      .post('/v1/retention/erasure-requests')
      .set(as(officerA))
      .send({ claimantRef: 'x', receivedAt: new Date(clock.now().getTime() + 5 * DAY).toISOString() })
      .expect(400);

    const overdue = await http()
      .get('/v1/retention/erasure-requests')
      .query({ overdue: 'true' })
      .set(as(officerB))
      .expect(200);
    const rows = overdue.body as Array<{ id: string; dueAt: string; overdue: boolean; claims: unknown[] }>;
    expect(rows.map((row) => row.id)).toEqual([late.body.id]);
    expect(rows[0]).toMatchObject({
      overdue: true,
      dueAt: new Date(clock.now().getTime() - 10 * DAY).toISOString(),
      claims: [{ claimId: claim.id, claimNumber: 'CLM-7781' }],
    });

    await http()
      .post(`/v1/retention/erasure-requests/${late.body.id}/status`)
      .set(as(officerA))
      .send({ status: 'in_progress' })
      .expect(200);
    const done = await http()
      .post(`/v1/retention/erasure-requests/${late.body.id}/execute`)
      .set(as(officerA))
      .expect(200);
    expect(done.body).toMatchObject({ status: 'completed' });
    await http().post(`/v1/retention/erasure-requests/${late.body.id}/execute`).set(as(officerA)).expect(409);

    await http()
      .post(`/v1/retention/erasure-requests/${fresh.body.id}/status`)
      .set(as(officerA))
      .send({ status: 'rejected' })
      .expect(400);
    const rejected = await http()
      .post(`/v1/retention/erasure-requests/${fresh.body.id}/status`)
      .set(as(officerA))
      .send({ status: 'rejected', reason: 'identity not verified' })
      .expect(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: 'identity not verified', open: false });
    const after = await http()
      .get('/v1/retention/erasure-requests')
      .query({ overdue: true })
      .set(as(officerB))
      .expect(200);
    expect(after.body).toEqual([]);
  });

  it('the audit log: actors by name and email, search by email, action prefix and details text; a filtered export holds only its events', async () => {
    const byEmail = await http()
      .get('/v1/audit/events')
      .query({ actorEmail: 'BO.SECOND', pageSize: 200 })
      .set(as(officerA))
      .expect(200);
    const mine = byEmail.body as {
      total: number;
      items: Array<{ actorId: string; actorName: string; actorEmail: string }>;
    };
    expect(mine.total).toBeGreaterThan(0);
    expect(mine.items.every((event) => event.actorId === officerB.id && event.actorEmail === officerB.email)).toBe(
      true,
    );
    expect(mine.items[0].actorName).toBeTruthy();

    const text = await http().get('/v1/audit/events').query({ q: 'LIT-2026-77' }).set(as(officerA)).expect(200);
    expect((text.body as { items: Array<{ action: string }> }).items.map((event) => event.action)).toEqual([
      'legal_hold.placed',
    ]);

    const prefix = await http()
      .get('/v1/audit/events')
      .query({ action: 'erasure.', pageSize: 200 })
      .set(as(officerA))
      .expect(200);
    const prefixed = prefix.body as { total: number; items: Array<{ action: string }> };
    expect(prefixed.items.every((event) => event.action.startsWith('erasure.'))).toBe(true);
    expect(new Set(prefixed.items.map((event) => event.action))).toEqual(
      new Set(['erasure.requested', 'erasure.status_changed', 'erasure.completed', 'erasure.rejected']),
    );

    const exported = await http()
      .get('/v1/audit/export')
      .query({ format: 'jsonl', action: 'retention.policy_created' })
      .set(as(officerA))
      .buffer(true)
      .parse((res, done) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        res.on('end', () => done(null, body));
      })
      .expect(200);
    const lines = (exported.body as string).trim().split('\n');
    const events = lines.slice(1).map((line) => JSON.parse(line) as { action: string });
    const search = await http()
      .get('/v1/audit/events')
      .query({ action: 'retention.policy_created' })
      .set(as(officerA))
      .expect(200);
    expect(events.length).toBe((search.body as { total: number }).total);
    expect(events.length).toBeGreaterThanOrEqual(2);
    expect(events.every((event) => event.action === 'retention.policy_created')).toBe(true);
    expect(JSON.parse(lines[0])).toMatchObject({ selection: { filters: { action: 'retention.policy_created' } } });
    expect(await verifyExportLines(lines)).toMatchObject({ ok: true, selection: true, eventsChecked: events.length });
    // An altered event of a selection is caught by its own leaf.
    const altered = [...lines];
    altered[1] = altered[1].replace('retention.policy_created', 'retention.policy_createc');
    expect(await verifyExportLines(altered)).toMatchObject({ ok: false });
  });

  it('saved searches belong to their user', async () => {
    const saved = await http()
      .post('/v1/audit/saved-searches')
      .set(as(officerA))
      .send({ name: 'Retention changes', filters: { action: 'retention.', actorEmail: '' } })
      .expect(201);
    expect(saved.body).toMatchObject({ name: 'Retention changes', filters: { action: 'retention.' } });
    await http().post('/v1/audit/saved-searches').set(as(officerA)).send({ name: '', filters: {} }).expect(400);
    await http()
      .post('/v1/audit/saved-searches')
      .set(as(officerA))
      .send({ name: 'bad', filters: { from: 'yesterday' } })
      .expect(400);
    expect((await http().get('/v1/audit/saved-searches').set(as(officerB)).expect(200)).body).toEqual([]);
    await http().delete(`/v1/audit/saved-searches/${saved.body.id}`).set(as(officerB)).expect(404);
    const listed = await http().get('/v1/audit/saved-searches').set(as(officerA)).expect(200);
    expect((listed.body as Array<{ id: string }>).map((row) => row.id)).toEqual([saved.body.id]);
    await http().delete(`/v1/audit/saved-searches/${saved.body.id}`).set(as(officerA)).expect(204);
  });
});
