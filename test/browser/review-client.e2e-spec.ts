import type { Page } from 'playwright-core';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createIntakeClient, createUser, type TestUser } from '../support/auth-helpers';
import { startBrowserHarness, type BrowserHarness } from '../support/browser-harness';
import { waitFor } from '../support/processes';
import type { TestApp } from '../support/test-app';
import { createClaim, createPolicy } from '../fixtures/intake-fixtures';
import { AUTO_POLICY, INCIDENT_DATE, claimScenarios, uploadAndSubmitScenario } from '../fixtures/claim-scenarios';

/**
 * The review client in a real browser (Debian's Chromium through playwright-core) against the real
 * server, served by Nest from client/dist, with claims scored by the real pipeline.
 */
jest.setTimeout(240_000);

/** The page's document, typed just enough for page functions (this file is compiled without the DOM library). */
interface MiniDocument {
  querySelectorAll<T>(selector: string): ArrayLike<T>;
}

describe('review client in the browser', () => {
  let harness: BrowserHarness;
  let testApp: TestApp;
  let baseUrl: string;
  let apiKey: string;
  let adjuster: TestUser;
  let adjuster2: TestUser;
  let compliance: TestUser;
  let admin: TestUser;
  let supervisor: TestUser;
  const claims: Record<string, string> = {};

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'browser' });
    testApp = harness.testApp;
    baseUrl = harness.baseUrl;

    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
    adjuster = await createUser(testApp, { role: 'adjuster', email: 'ada.adjuster@example.test' });
    adjuster2 = await createUser(testApp, { role: 'adjuster', email: 'bo.adjuster@example.test' });
    compliance = await createUser(testApp, { role: 'compliance', email: 'cy.compliance@example.test' });
    admin = await createUser(testApp, { role: 'admin', team: 'ops', email: 'al.admin@example.test' });
    supervisor = await createUser(testApp, { role: 'supervisor', email: 'su.supervisor@example.test' });

    // An honest claim, a peril mismatch and a duplicate of the honest claim's photo: two flagged tasks.
    const wanted = ['honest-auto-0', 'peril-mismatch-0', 'duplicate-0'];
    const scenarios = claimScenarios().filter((scenario) => wanted.includes(scenario.name));
    const policy = await createPolicy(testApp, apiKey, AUTO_POLICY);
    const rendered = new Map<string, Buffer>();
    const dataSource = testApp.app.get(DataSource);
    for (const scenario of scenarios) {
      const claim = await createClaim(testApp, apiKey, policy.id, {
        claimedPeril: scenario.claimedPeril,
        incidentDate: INCIDENT_DATE,
        photoSource: 'camera',
        externalReference: `WEB-${scenario.name}`,
      });
      await uploadAndSubmitScenario(testApp, apiKey, claim.id, scenario, rendered);
      await waitFor(
        async () => {
          const [row] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [claim.id])) as Array<{
            status: string;
          }>;
          return ['consistent', 'inconsistent', 'needs_review'].includes(row.status) ? row.status : undefined;
        },
        90_000,
        `claim ${scenario.name} to be scored`,
      );
      claims[scenario.name] = claim.id;
    }
  });

  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  const newPage: BrowserHarness['newPage'] = (name, options) => harness.newPage(name, options);
  const shot = (page: Page, name: string) => harness.shot(page, name);
  const signIn = (page: Page, user: TestUser, landing: RegExp) => harness.signIn(page, user, landing);

  /** Waits until every photo preview on the page has loaded from a blob: URL. */
  async function photosLoaded(page: Page, count: number): Promise<void> {
    await page.waitForFunction(
      (expectedCount: number) => {
        const images = Array.from(
          (globalThis as unknown as { document: MiniDocument }).document.querySelectorAll<{
            src: string;
            complete: boolean;
            naturalWidth: number;
          }>('[data-testid="photo-card"] img'),
        );
        return (
          images.length >= expectedCount &&
          images.every((image) => image.src.startsWith('blob:') && image.complete && image.naturalWidth > 0)
        );
      },
      count,
      { timeout: 20_000 },
    );
  }

  it('serves the client at / with an SPA fallback, and leaves API 404s alone', async () => {
    const server = testApp.app.getHttpServer();
    const index = await request(server).get('/tasks/some-id').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.text).toContain('<div id="root">');
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(index.text)![1];
    const script = await request(server).get(asset).expect(200);
    expect(script.headers['cache-control']).toContain('immutable');
    await request(server).get('/assets/no-such-file.js').expect(404);
    const api404 = await request(server).get('/v1/no-such-thing').expect(404);
    expect(api404.body).toMatchObject({ statusCode: 404 });
    await request(server).post('/tasks').expect(404);
  });

  it('keeps unauthenticated, intake and wrong-role visitors out of the staff pages', async () => {
    const anonymous = await newPage('anonymous');
    await anonymous.goto(`${baseUrl}/queue`);
    await anonymous.waitForURL(/\/login\?next=%2Fqueue/);
    await anonymous.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await anonymous.getByRole('table').count()).toBe(0);
    await shot(anonymous, '01-login');

    // An intake system has an API key, not a staff account: the app still asks for a sign-in,
    // and the API refuses the key on the review routes.
    const intake = await newPage('intake', { headers: { 'X-API-Key': apiKey } });
    await intake.goto(`${baseUrl}/tasks`);
    await intake.waitForURL(/\/login/);
    await request(testApp.app.getHttpServer()).get('/v1/review/tasks').set('X-API-Key', apiKey).expect(403);

    const wrong = await newPage('admin');
    await signIn(wrong, admin, /\/audit$/);
    await wrong.goto(`${baseUrl}/queue`);
    await wrong.getByRole('heading', { name: 'Not allowed' }).waitFor();
    expect(await wrong.getByRole('link', { name: 'Team queue' }).count()).toBe(0);
    await shot(wrong, '02-not-allowed');
  });

  it("an adjuster decides the highest-priority flagged claim; a second adjuster's stale decision gets the conflict message; compliance sees it", async () => {
    // The API's view of the queue, to check the client opens the right task.
    const tasksResponse = await request(testApp.app.getHttpServer())
      .post('/v1/auth/login')
      .send({ email: adjuster2.email, password: adjuster2.password })
      .then((login) =>
        request(testApp.app.getHttpServer())
          .get('/v1/review/tasks?scope=queue&reason=flagged')
          .set('Authorization', `Bearer ${login.body.accessToken as string}`),
      );
    const flagged = tasksResponse.body.items as Array<{ id: string; claimId: string; priority: number }>;
    expect(flagged.length).toBeGreaterThanOrEqual(2);
    const top = flagged[0];
    expect(top.priority).toBe(Math.max(...flagged.map((task) => task.priority)));

    // Second adjuster opens the same task first (still open, version 1).
    const second = await newPage('adjuster2');
    await signIn(second, adjuster2, /\/tasks$/);
    await second.getByRole('link', { name: 'Team queue' }).click();
    await second.getByTestId('tab-flagged').click();
    await second.locator(`[data-task-id="${top.id}"]`).waitFor();
    expect(await second.getByTestId('task-row').first().getAttribute('data-task-id')).toBe(top.id);
    await second.getByTestId('task-row').first().getByRole('link').click();
    await second.waitForURL(new RegExp(`/tasks/${top.id}$`));
    await second.getByRole('button', { name: /Claim and decide/ }).waitFor();

    // First adjuster: My tasks (empty), Team queue, the top flagged task, claims it, sees photos and flags.
    const first = await newPage('adjuster');
    await signIn(first, adjuster, /\/tasks$/);
    await first.getByText(/No tasks are assigned to you/).waitFor();
    await shot(first, '03-my-tasks-empty');
    await first.getByRole('link', { name: 'Team queue' }).click();
    await first.getByTestId('tab-flagged').click();
    await first.locator(`[data-task-id="${top.id}"]`).waitFor();
    await first.waitForFunction(
      () =>
        !Array.from(
          (globalThis as unknown as { document: MiniDocument }).document.querySelectorAll<{
            textContent: string | null;
          }>('[data-testid="task-row"] td:nth-child(4)'),
        ).some((cell) => cell.textContent === '…'),
    );
    await shot(first, '04-team-queue');
    await first.getByTestId('task-row').first().getByRole('link').click();
    await first.waitForURL(new RegExp(`/tasks/${top.id}$`));
    await first.getByRole('button', { name: /Claim this task/ }).click();
    await first.getByTestId('task-status').filter({ hasText: 'Assigned' }).waitFor();
    const photoCount = await first.getByTestId('photo-card').count();
    expect(photoCount).toBeGreaterThanOrEqual(1);
    await photosLoaded(first, photoCount);
    await first.getByTestId('flag-list').getByText('Flagged').first().waitFor();
    expect(await first.getByTestId('score-bar').count()).toBeGreaterThan(3);
    await first.getByRole('img', { name: /Policy start, incident/ }).waitFor();
    await shot(first, '05-task-claimed');

    // Zoom to the original and back, keyboard only.
    await first.getByRole('button', { name: /Open the original of Photo 1/ }).click();
    await first.getByRole('dialog').locator('img').waitFor();
    await shot(first, '06-photo-original');
    await first.keyboard.press('Escape');
    await first.getByRole('dialog').waitFor({ state: 'detached' });

    // Decide with the shortcuts: d (deny), then the reason and the note; Ctrl+Enter submits.
    await first.keyboard.press('d');
    await first.getByLabel('Reason code').selectOption('evidence_contradicts_claim');
    await first.getByLabel(/Note/).fill('Photos contradict the claimed peril.');
    await first.getByLabel(/Note/).press('Control+Enter');
    await first.getByText(/Decision saved for WEB-/).waitFor();
    // The next flagged task opened by itself (the other flagged claim), assigned to this adjuster.
    await first.waitForURL((url) => /\/tasks\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(top.id));
    await first.getByTestId('task-status').filter({ hasText: 'Assigned' }).waitFor();
    const nextCount = await first.getByTestId('photo-card').count();
    await photosLoaded(first, nextCount);
    await shot(first, '07-next-task');

    // The second adjuster's stale decision: a clear conflict message, nothing overwritten.
    harness.expectConsole('adjuster2', /status of 409/);
    await second.getByRole('radio', { name: /Approve/ }).check();
    await second.getByLabel('Reason code').selectOption('evidence_consistent');
    await second.getByLabel(/Note/).fill('Looks consistent to me.');
    // Approving a flagged claim without opening its photos needs every flag acknowledged with a note.
    await second.getByTestId('evidence-checklist').waitFor();
    const acknowledge = second.getByLabel('Acknowledge without opening');
    for (let index = 0; index < (await acknowledge.count()); index++) await acknowledge.nth(index).check();
    const why = second.getByLabel('Why this flag needs no photo opened');
    for (let index = 0; index < (await why.count()); index++)
      await why.nth(index).fill('Seen in the paper file of the claim.');
    await second.getByRole('button', { name: /Claim and decide/ }).click();
    const conflict = second.getByTestId('conflict');
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Someone else decided or claimed this task');
    await shot(second, '08-conflict');
    await second.getByRole('button', { name: 'Reload task' }).click();
    await second.getByTestId('task-status').filter({ hasText: 'Decided' }).waitFor();
    await second.getByText('Photos contradict the claimed peril.').waitFor();

    // Compliance: the decision in the audit view, the log verified, the claim's history, photos after a justification.
    const officer = await newPage('compliance');
    await signIn(officer, compliance, /\/audit$/);
    await officer.getByTestId('verify-status').filter({ hasText: 'Log verified' }).waitFor();
    await officer.getByLabel('Action').fill('review.decision_made');
    await officer.getByRole('button', { name: 'Search' }).click();
    const table = officer.getByTestId('audit-table');
    await table.getByText(top.id.slice(0, 8)).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(1);
    expect(await table.textContent()).toContain(adjuster.id.slice(0, 8));
    expect(await table.textContent()).toContain('"outcome":"deny"');
    await shot(officer, '09-audit-search');
    await table.getByRole('link', { name: 'claim' }).click();
    await officer.waitForURL(new RegExp(`/audit/claims/${top.claimId}$`));
    const history = officer.getByTestId('history');
    await history.getByText('Review: decision made').waitFor();
    await history.getByText('Claim: decided').waitFor();
    await shot(officer, '10-claim-history');
    await officer.getByRole('link', { name: 'Claim evidence' }).click();
    await officer.getByText('Enter a justification above to view photos.').first().waitFor();
    expect(await officer.locator('[data-testid="photo-card"] img').count()).toBe(0);
    await officer.getByRole('button', { name: 'Show photos' }).click();
    await officer.getByText(/at least 10 characters/).waitFor();
    await officer.getByLabel(/Why do you need/).fill('Quality audit of decision QA-2026-17');
    await officer.getByRole('button', { name: 'Show photos' }).click();
    await photosLoaded(officer, await officer.getByTestId('photo-card').count());
    await shot(officer, '11-compliance-claim');
    const views = await request(testApp.app.getHttpServer())
      .post('/v1/auth/login')
      .send({ email: compliance.email, password: compliance.password })
      .then((login) =>
        request(testApp.app.getHttpServer())
          .get('/v1/audit/events?action=photo.viewed&actor=' + compliance.id)
          .set('Authorization', `Bearer ${login.body.accessToken as string}`),
      );
    expect(
      (views.body.items as Array<{ justification: string }>).every(
        (event) => event.justification === 'Quality audit of decision QA-2026-17',
      ),
    ).toBe(true);
    expect(views.body.total).toBeGreaterThanOrEqual(1);
  });

  it('a supervisor sees model–reviewer agreement per check on the quality page', async () => {
    const page = await newPage('supervisor');
    await signIn(page, supervisor, /\/tasks$/);
    expect(await page.getByRole('link', { name: 'Retention' }).count()).toBe(0);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Quality' }).click();
    await page.waitForURL(/\/quality$/);
    await page.getByTestId('quality-period').waitFor();
    // The adjuster's denial (evidence contradicts the claim) is a reviewer verdict on the peril check.
    const rows = page.getByTestId('quality-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    expect(Number(await rows.first().locator('td').first().textContent())).toBeGreaterThanOrEqual(1);
    await page.getByText('(recommended, not applied)').waitFor();
    await page.getByRole('img', { name: /Agreement over time/ }).waitFor();
    expect(
      await page.getByTestId('agreement-chart').locator('.chart__agreed, .chart__disagreed').count(),
    ).toBeGreaterThanOrEqual(1);
    await shot(page, '14-quality');
    await page.getByRole('button', { name: 'Last 7 days' }).click();
    await page.waitForFunction(() =>
      Array.from(
        (globalThis as unknown as { document: MiniDocument }).document.querySelectorAll<{ textContent: string | null }>(
          '[data-testid="agreement-chart"] desc',
        ),
      ).some((desc) => /reviewed check/.test(desc.textContent ?? '')),
    );
    expect(await page.getByRole('button', { name: 'Last 7 days' }).getAttribute('aria-pressed')).toBe('true');

    // Compliance has no quality page; admins do.
    const officer = await newPage('compliance-quality');
    await signIn(officer, compliance, /\/audit$/);
    expect(await officer.getByRole('link', { name: 'Quality' }).count()).toBe(0);
    await officer.goto(`${baseUrl}/quality`);
    await officer.getByRole('heading', { name: 'Not allowed' }).waitFor();
    const adminPage = await newPage('admin-quality');
    await signIn(adminPage, admin, /\/audit$/);
    expect(await adminPage.getByRole('link', { name: 'Retention' }).count()).toBe(0);
    await adminPage.getByRole('link', { name: 'Quality' }).click();
    await adminPage.getByTestId('quality-row').first().waitFor();
  });

  it('a compliance officer manages retention: a policy, a legal hold placed and released, dry runs, receipts and an erasure request', async () => {
    const held = claims['honest-auto-0'];
    const officer = await newPage('compliance-retention');
    await signIn(officer, compliance, /\/audit$/);
    await officer.getByRole('link', { name: 'Retention' }).click();
    await officer.waitForURL(/\/retention$/);
    await officer.getByText(/No retention policies yet/).waitFor();

    // A policy that makes every claim's EXIF/GPS due now (redacted, not deleted: nothing here runs it for real).
    await officer.getByLabel('Data class').selectOption('exif_gps');
    await officer.getByLabel('Period (days)').fill('0');
    await officer.getByLabel('Counted from').selectOption('claim_created');
    await officer.getByLabel('Action').selectOption('redact');
    await officer.getByRole('button', { name: 'Create policy' }).click();
    // A 0-day policy is not live at once: it awaits a second compliance officer (test/browser/compliance-console).
    await officer
      .getByTestId('policy-message')
      .filter({ hasText: 'awaits approval by a second compliance officer' })
      .waitFor();
    await officer.getByTestId('change-row').first().waitFor();
    expect(await officer.getByTestId('policy-row').count()).toBe(0);
    // The rest of this tour needs a policy in force: one approved earlier, seeded directly.
    await testApp.database.dataSource.query(
      `WITH k AS (SELECT gen_random_uuid() AS id)
       INSERT INTO retention_policies (id, policy_key, data_class, period_days, trigger, action, effective_from)
       SELECT id, id, 'exif_gps', 0, 'claim_created', 'redact', now() - interval '1 minute' FROM k`,
    );
    await officer.reload();
    await officer.getByTestId('policy-row').filter({ hasText: 'Exif gps' }).waitFor();
    await shot(officer, '15-retention-policies');

    // Place a hold on the honest claim.
    await officer.getByRole('navigation', { name: 'Retention' }).getByRole('link', { name: 'Legal holds' }).click();
    await officer.waitForURL(/\/retention\/holds$/);
    await officer.getByText('No active legal holds.').waitFor();
    await officer.getByLabel('Claim id').fill(held);
    await officer.getByLabel('Reason').fill('Litigation LIT-2026-04: preserve all evidence');
    await officer.getByRole('button', { name: 'Place hold' }).click();
    await officer.getByTestId('hold-message').filter({ hasText: 'Legal hold placed' }).waitFor();
    await officer.locator(`[data-testid="hold-row"][data-claim-id="${held}"]`).waitFor();
    await shot(officer, '16-legal-holds');

    // Upcoming shows the held claim marked; the dry run leaves it out.
    await officer
      .getByRole('navigation', { name: 'Retention' })
      .getByRole('link', { name: /Upcoming purges/ })
      .click();
    await officer.waitForURL(/\/retention\/purges$/);
    const upcomingHeld = officer.getByTestId('upcoming-table').locator(`[data-claim-id="${held}"]`);
    await upcomingHeld.first().waitFor();
    expect(await upcomingHeld.first().textContent()).toContain('Legal hold');
    await officer.getByRole('button', { name: 'Dry run', exact: true }).click();
    const result = officer.getByTestId('run-result');
    await result.filter({ hasText: 'Nothing was changed' }).waitFor();
    expect(await officer.getByTestId('run-items').locator('[data-testid="purge-item"]').count()).toBeGreaterThanOrEqual(
      1,
    );
    expect(await officer.getByTestId('run-items').locator(`[data-claim-id="${held}"]`).count()).toBe(0);
    await shot(officer, '17-dry-run');

    // The real run asks first; cancelled here (Escape), nothing purged.
    await officer.getByRole('button', { name: 'Run purge now…' }).click();
    const dialog = officer.getByRole('dialog', { name: 'Run the purge now?' });
    await dialog.waitFor();
    await shot(officer, '18-run-confirm');
    await officer.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // Release the hold (reason required), then the dry run includes the claim again.
    await officer.getByRole('navigation', { name: 'Retention' }).getByRole('link', { name: 'Legal holds' }).click();
    await officer.getByRole('button', { name: `Release hold on claim ${held.slice(0, 8)}` }).click();
    const release = officer.getByRole('dialog', { name: 'Release legal hold' });
    expect(await release.getByRole('button', { name: 'Release hold' }).isDisabled()).toBe(true);
    await release.getByLabel(/Reason for the release/).fill('Litigation settled');
    await release.getByRole('button', { name: 'Release hold' }).click();
    await release.waitFor({ state: 'detached' });
    await officer.getByTestId('hold-message').filter({ hasText: 'released' }).waitFor();
    await officer.getByText('No active legal holds.').waitFor();
    await officer.getByRole('button', { name: 'Released' }).click();
    await officer
      .locator(`[data-testid="hold-row"][data-claim-id="${held}"]`)
      .filter({ hasText: 'Litigation settled' })
      .waitFor();
    await shot(officer, '19-legal-hold-released');
    await officer
      .getByRole('navigation', { name: 'Retention' })
      .getByRole('link', { name: /Upcoming purges/ })
      .click();
    await officer.getByRole('button', { name: 'Dry run', exact: true }).click();
    await officer.getByTestId('run-items').locator(`[data-claim-id="${held}"]`).first().waitFor();

    // Receipts (none: nothing ran for real) and an erasure request for an unknown data subject.
    await officer.getByRole('navigation', { name: 'Retention' }).getByRole('link', { name: 'Purge receipts' }).click();
    await officer.getByText(/No purge receipts/).waitFor();
    await shot(officer, '20-purge-receipts');
    await officer
      .getByRole('navigation', { name: 'Retention' })
      .getByRole('link', { name: 'Erasure requests' })
      .click();
    await officer.getByText('No erasure requests yet.').waitFor();
    await officer.getByLabel('Claimant reference').fill('subject-not-on-file');
    await officer.getByRole('button', { name: 'Erase…' }).click();
    await officer.getByRole('dialog').getByRole('button', { name: 'Erase now' }).click();
    await officer.getByTestId('erasure-result').filter({ hasText: 'Nothing found' }).waitFor();
    await officer.getByTestId('erasure-row').filter({ hasText: 'subject-not-on-file' }).waitFor();
    await shot(officer, '21-erasure-requests');

    // The hold and its release are in the audit trail.
    const token = (
      await request(testApp.app.getHttpServer())
        .post('/v1/auth/login')
        .send({ email: compliance.email, password: compliance.password })
    ).body.accessToken as string;
    const events = await request(testApp.app.getHttpServer())
      .get(`/v1/audit/events?resourceId=${held}`)
      .set('Authorization', `Bearer ${token}`)
      .expect(200);
    const actions = (events.body.items as Array<{ action: string }>).map((event) => event.action);
    expect(actions).toEqual(expect.arrayContaining(['legal_hold.placed', 'legal_hold.released']));
  });

  it('works at tablet width and signs out', async () => {
    const tablet = await newPage('tablet', { viewport: { width: 820, height: 1180 } });
    await signIn(tablet, adjuster, /\/tasks$/);
    await tablet.getByRole('table', { name: 'Review tasks' }).waitFor();
    await shot(tablet, '12-tablet-my-tasks');
    await tablet.getByTestId('task-row').first().getByRole('link').click();
    await tablet.getByRole('heading', { name: 'Decision' }).waitFor();
    await photosLoaded(tablet, await tablet.getByTestId('photo-card').count());
    await shot(tablet, '13-tablet-task');
    await tablet.getByRole('button', { name: 'Sign out' }).click();
    await tablet.waitForURL(/\/login/);
    await tablet.goto(`${baseUrl}/tasks`);
    await tablet.waitForURL(/\/login/);
  });
});
