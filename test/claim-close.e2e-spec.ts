import request from 'supertest';
import { ClaimsRepository } from '../src/claims/claims.repository';
import { createIntakeClient } from './support/auth-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Closing a claim (the lifecycle's last step): the submitting intake system closes a decided claim; the close is
 * audited and retention counts from it. Anything not yet decided, or already closed, is a 409 that names the status.
 */
describe('POST /v1/claims/:id/close', () => {
  let testApp: TestApp;
  let owner: { id: string; apiKey: string };
  let stranger: { id: string; apiKey: string };

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'claim_close' });
    owner = await createIntakeClient(testApp, 'team-a');
    stranger = await createIntakeClient(testApp, 'team-a');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const close = (id: string, apiKey: string) =>
    request(testApp.app.getHttpServer()).post(`/v1/claims/${id}/close`).set('X-API-Key', apiKey);

  it('closes a decided claim once, audited, and retention then counts from the close', async () => {
    const decidedAt = new Date('2026-01-10T10:00:00Z');
    const claim = await factories(testApp).newClaim({ status: 'decided', submitterClientId: owner.id, decidedAt });

    await close(claim.id, stranger.apiKey).expect(404);
    const closed = await close(claim.id, owner.apiKey).expect(200);
    expect(closed.body).toEqual({ id: claim.id, status: 'closed', closedAt: expect.any(String) });

    const [row] = (await testApp.database.dataSource.query(`SELECT status, closed_at FROM claims WHERE id = $1`, [
      claim.id,
    ])) as Array<{ status: string; closed_at: Date }>;
    expect(row.status).toBe('closed');
    expect(new Date(row.closed_at).toISOString()).toBe(closed.body.closedAt);
    const actions = (await testApp.database.dataSource.query(
      `SELECT action, details FROM audit_events WHERE resource_id = $1 ORDER BY seq`,
      [claim.id],
    )) as Array<{ action: string; details: Record<string, unknown> }>;
    expect(actions).toEqual([{ action: 'claim.closed', details: { from: 'decided', to: 'closed' } }]);

    // Retention's clock for this claim starts at the close, no longer at the decision.
    const page = await testApp.app
      .get(ClaimsRepository)
      .retentionFactsPage('00000000-0000-0000-0000-000000000000', 1000);
    const facts = page.find((candidate) => candidate.id === claim.id)!;
    expect(new Date(facts.closed_at!).toISOString()).toBe(closed.body.closedAt);
    expect(closed.body.closedAt).not.toBe(decidedAt.toISOString());

    const again = await close(claim.id, owner.apiKey).expect(409);
    expect(again.body.message).toBe(`claim ${claim.id} can be closed only once decided (status closed)`);
  });

  it('refuses a claim that is not decided yet (409 naming its status) and changes nothing', async () => {
    const claim = await factories(testApp).newClaim({ status: 'needs_review', submitterClientId: owner.id });
    const refused = await close(claim.id, owner.apiKey).expect(409);
    expect(refused.body.message).toBe(`claim ${claim.id} can be closed only once decided (status needs_review)`);
    const [row] = (await testApp.database.dataSource.query(`SELECT status, closed_at FROM claims WHERE id = $1`, [
      claim.id,
    ])) as Array<{ status: string; closed_at: Date | null }>;
    expect(row).toEqual({ status: 'needs_review', closed_at: null });
  });
});
