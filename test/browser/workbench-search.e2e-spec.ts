import { randomBytes, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { AuditService } from '../../src/audit/audit.service';
import { ReviewService } from '../../src/review/review.service';
import { createIntakeClient, createUser, login, TEST_CONTEXT, type TestUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';
import { factories } from '../support/factories';

/**
 * The adjuster and supervisor workbench in Chromium: claim search from the header, the server-side queue
 * (at most 2 API calls per load, filters and pages asked of the server), the supervisor page (breaches,
 * workload, bulk reassignment), deciding an escalation without being handed first-line work, flash messages
 * only on their own page; axe on the new pages at desktop and tablet size.
 */
jest.setTimeout(180_000);

const HOUR = 3_600_000;
const NOTE = 'Escalated case reviewed: the photos contradict the claim.';

describe('workbench: search, server-side queue, supervisor dashboard (browser)', () => {
  let harness: BrowserHarness;
  let supervisor: TestUser;
  let adjuster: TestUser;
  let adjuster2: TestUser;
  let page: Page;
  const breachedTasks: string[] = [];
  let escalatedTask = '';

  const apiCalls = (target: Page): string[] => {
    const calls: string[] = [];
    target.on('request', (req) => {
      const url = new URL(req.url());
      if (url.pathname.startsWith('/v1/')) calls.push(`${req.method()} ${url.pathname}${url.search}`);
    });
    return calls;
  };

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'workbench', processJobs: false });
    const { testApp } = harness;
    const review = testApp.app.get(ReviewService);
    const audit = testApp.app.get(AuditService);
    const make = factories(testApp);
    const intake = await createIntakeClient(testApp, 'team-a');
    const intakeB = await createIntakeClient(testApp, 'team-b');
    supervisor = await createUser(testApp, { role: 'supervisor', team: 'team-a', email: 'sup.workbench@example.test' });
    adjuster = await createUser(testApp, { role: 'adjuster', team: 'team-a', email: 'anna.workbench@example.test' });
    adjuster2 = await createUser(testApp, { role: 'adjuster', team: 'team-a', email: 'bert.workbench@example.test' });
    const auto = await make.newPolicy({ number: 'POL-WB-AUTO-1', lineOfBusiness: 'auto' });
    const home = await make.newPolicy({ number: 'POL-WB-HOME-2', lineOfBusiness: 'property' });
    const now = Date.now();
    // 30 tasks: two pages of 25; every third an auto claim; the first four past their SLA.
    for (let index = 0; index < 30; index += 1) {
      const claim = await make.newClaim({
        team: 'team-a',
        policyId: index % 3 === 0 ? auto.id : home.id,
        submitterClientId: intake.id,
        externalReference: `SRCH-A-${String(index).padStart(3, '0')}`,
        claimantRef: `claimant-${index}`,
        claimedPeril: 'hail',
        status: 'inconsistent',
        submittedAt: new Date(now - 30 * HOUR),
        idempotencyKey: randomUUID(),
      });
      const task = await audit.run(TEST_CONTEXT, (tx) =>
        review.openTask(tx, {
          claimId: claim.id,
          reason: index % 2 === 0 ? 'flagged' : 'uncertain',
          priority: 50,
          slaDueAt: new Date(now + (index < 4 ? -2 : 24) * HOUR),
          team: 'team-a',
        }),
      );
      if (index < 4) breachedTasks.push(task.id);
    }
    await make.newClaim({
      team: 'team-b',
      policyId: (await make.newPolicy({ number: `POL-WB-B-${randomBytes(2).toString('hex')}` })).id,
      submitterClientId: intakeB.id,
      externalReference: 'SRCH-A-FOREIGN',
      status: 'inconsistent',
    });
    // One escalated task (adjuster escalates through the API).
    const escalatedClaim = await make.newClaim({
      team: 'team-a',
      policyId: home.id,
      submitterClientId: intake.id,
      externalReference: 'ESC-1',
      status: 'inconsistent',
      submittedAt: new Date(now - 5 * HOUR),
    });
    const opened = await audit.run(TEST_CONTEXT, (tx) =>
      review.openTask(tx, {
        claimId: escalatedClaim.id,
        reason: 'flagged',
        priority: 99,
        slaDueAt: new Date(now + 24 * HOUR),
        team: 'team-a',
      }),
    );
    escalatedTask = opened.id;
    const token = await login(testApp, adjuster.email, adjuster.password);
    const http = request(testApp.app.getHttpServer());
    await http
      .post(`/v1/review/tasks/${escalatedTask}/assign`)
      .set('Authorization', `Bearer ${token}`)
      .send({ version: 1 })
      .expect(200);
    await http
      .post(`/v1/review/tasks/${escalatedTask}/decision`)
      .set('Authorization', `Bearer ${token}`)
      .send({ outcome: 'escalate', reasonCode: 'complex_case', note: 'Needs a supervisor: complex case.', version: 2 })
      .expect(200);

    page = await harness.newPage('supervisor-desktop', { viewport: DESKTOP });
    await harness.signIn(page, supervisor, /\/tasks$/);
  });

  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  it('the team queue loads with at most 2 API calls; filters and pages are asked of the server', async () => {
    const calls = apiCalls(page);
    await page.goto(`${harness.baseUrl}/queue`);
    await page.getByTestId('task-row').first().waitFor();
    await page.waitForLoadState('networkidle');
    expect(calls.length).toBeLessThanOrEqual(2);
    expect(calls.filter((call) => call.startsWith('GET /v1/review/tasks?'))).toHaveLength(1);
    expect(await page.getByTestId('task-row').count()).toBe(25);
    const firstPage = await page
      .getByTestId('task-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-task-id')));

    calls.length = 0;
    await page.getByRole('button', { name: /Next/ }).click();
    await page.getByText('Page 2 of 2').waitFor();
    await page.waitForLoadState('networkidle');
    const secondPage = await page
      .getByTestId('task-row')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-task-id')));
    expect(secondPage).toHaveLength(6);
    expect(secondPage.filter((id) => firstPage.includes(id))).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('page=2');

    calls.length = 0;
    await page.getByLabel('Line of business').selectOption('auto');
    await page.getByText(/Showing 10 of 10 tasks/).waitFor();
    await page.waitForLoadState('networkidle');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('lineOfBusiness=auto');
    expect(calls[0]).toContain('page=1');
    const lines = await page.getByTestId('task-row').locator('td:nth-child(5)').allTextContents();
    expect(new Set(lines)).toEqual(new Set(['Auto']));

    calls.length = 0;
    await page.getByRole('button', { name: /^Amount/ }).click();
    await page.waitForLoadState('networkidle');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/sort=amount&direction=desc/);
    await harness.shot(page, 'workbench-queue-filtered');
  });

  it('searches claims from the header: team claims only, paged table, opens the claim', async () => {
    await page.goto(`${harness.baseUrl}/queue`);
    const box = page.getByRole('searchbox', { name: 'Find claims' });
    await box.fill('srch-a-00');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=srch-a-00/);
    await page.getByTestId('search-total').filter({ hasText: '10 claims found' }).waitFor();
    const refs = await page.getByTestId('search-row').locator('td:first-child a').allTextContents();
    expect(refs).toHaveLength(10);
    expect(refs.every((ref) => ref.startsWith('SRCH-A-00'))).toBe(true);

    await box.fill('SRCH-A');
    await box.press('Enter');
    await page.getByTestId('search-total').filter({ hasText: '30 claims found' }).waitFor();
    // The foreign team's SRCH-A-FOREIGN never shows: 30 of team A, 25 on the first page.
    expect(await page.getByTestId('search-row').count()).toBe(25);
    expect(await page.getByText('SRCH-A-FOREIGN').count()).toBe(0);
    await page.getByLabel('Line of business').selectOption('auto');
    await page.getByRole('button', { name: 'Search', exact: true }).last().click();
    await page.getByTestId('search-total').filter({ hasText: '10 claims found' }).waitFor();
    expect(page.url()).toContain('lineOfBusiness=auto');
    await harness.shot(page, 'workbench-search');
    expect(await harness.axe(page)).toEqual([]);

    await page.getByTestId('search-row').first().getByRole('link').click();
    await page.waitForURL(/\/claims\/[0-9a-f-]{36}$/);
  });

  it('the supervisor page shows breaches and workload, and reassigns selected tasks in bulk', async () => {
    await page.goto(`${harness.baseUrl}/supervisor`);
    await page.getByTestId('breach-count').filter({ hasText: 'SLA breaches4' }).waitFor();
    await page.getByTestId('member-row').first().waitFor();
    await page.getByTestId('breach-row').nth(3).waitFor();
    expect(await page.getByTestId('breach-row').count()).toBe(4);
    expect(await harness.axe(page)).toEqual([]);

    const rows = page.getByTestId('breach-row');
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await page.getByTestId('selected-count').filter({ hasText: '2 tasks selected' }).waitFor();
    const chosen = await Promise.all([0, 1].map((index) => rows.nth(index).getAttribute('data-task-id')));
    await page.getByLabel('Reassign to').selectOption({ label: 'bert.workbench (Adjuster)' });
    await page.getByRole('button', { name: 'Reassign selected' }).click();
    await page.getByTestId('supervisor-message').filter({ hasText: '2 tasks reassigned' }).waitFor();
    const assignees = (await harness.testApp.database.dataSource.query(
      `SELECT DISTINCT assignee_id FROM review_tasks WHERE id = ANY($1)`,
      [chosen],
    )) as Array<{ assignee_id: string }>;
    expect(assignees).toEqual([{ assignee_id: adjuster2.id }]);
    await page.getByTestId('breach-row').filter({ hasText: 'bert.workbench' }).nth(1).waitFor();
    await harness.shot(page, 'workbench-supervisor');
  });

  it('deciding an escalation leads back to the supervisor page, not to first-line work; the flash shows there only', async () => {
    await page.goto(`${harness.baseUrl}/tasks/${escalatedTask}`);
    await page.getByRole('form', { name: 'Decision' }).waitFor();
    await page.getByRole('radio', { name: /Deny/ }).check();
    await page.getByLabel('Reason code').selectOption('evidence_contradicts_claim');
    await page.getByLabel(/Note/).fill(NOTE);
    await page
      .getByRole('form', { name: 'Decision' })
      .getByRole('button', { name: /decision|decide/i })
      .click();
    await page.waitForURL(/\/supervisor$/);
    await page.getByRole('status').filter({ hasText: 'Decision saved for ESC-1' }).waitFor();
    // No first-line task was handed to the supervisor.
    const held = (await harness.testApp.database.dataSource.query(
      `SELECT count(*)::int AS n FROM review_tasks WHERE assignee_id = $1 AND status = 'assigned'`,
      [supervisor.id],
    )) as Array<{ n: number }>;
    expect(held[0].n).toBe(0);
    // The flash belonged to /supervisor: the next page does not show it.
    await page.getByRole('link', { name: 'Team queue' }).click();
    await page.getByTestId('task-row').first().waitFor();
    expect(await page.getByText('Decision saved for ESC-1').count()).toBe(0);

    // An override is saved in place: "Override saved." shows on the task's page at once, and on no later page.
    await page.goto(`${harness.baseUrl}/tasks/${escalatedTask}`);
    const overrideForm = page.getByRole('form', { name: 'Decision' });
    await overrideForm.getByRole('button', { name: 'Override' }).waitFor();
    await overrideForm.getByRole('radio', { name: /Approve/ }).check();
    await overrideForm.getByLabel('Reason code').selectOption('model_false_positive');
    await overrideForm.getByLabel(/Note/).fill('On reflection the photos are consistent with the claim.');
    await overrideForm.getByRole('button', { name: 'Override' }).click();
    await page.getByRole('status').filter({ hasText: 'Override saved.' }).waitFor();
    expect(page.url()).toMatch(new RegExp(`/tasks/${escalatedTask}$`));
    await page.getByRole('link', { name: 'Supervisor' }).click();
    await page.getByTestId('breach-count').waitFor();
    expect(await page.getByText('Override saved.').count()).toBe(0);
  });

  it('the new pages have no serious or critical axe violations at tablet size', async () => {
    const tablet = await harness.newPage('supervisor-tablet', { viewport: TABLET });
    await harness.signIn(tablet, supervisor, /\/tasks$/);
    for (const where of ['/supervisor', '/search?q=SRCH-A', '/queue']) {
      await tablet.goto(`${harness.baseUrl}${where}`);
      await tablet.getByTestId('who').waitFor();
      await tablet.waitForLoadState('networkidle');
      expect({ where, violations: await harness.axe(tablet) }).toEqual({ where, violations: [] });
    }
    await harness.shot(tablet, 'workbench-supervisor-tablet');
  });
});
