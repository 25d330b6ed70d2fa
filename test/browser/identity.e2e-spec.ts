import { authenticator } from 'otplib';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createIntakeClient, createUser, type TestUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';

/**
 * Identity in the review client (issue 18.7, 19.1–19.3): one sign-in for all tabs (refresh cookie,
 * access token in memory), sign out everywhere, the admin's people and intake-client pages, the access
 * review, and TOTP enrolment and sign-in with codes computed here. Compliance must use a second factor
 * in this app (MFA_REQUIRED_ROLES=compliance); the other roles sign in with a password.
 */
jest.setTimeout(240_000);

describe('identity in the review client', () => {
  let harness: BrowserHarness;
  let admin: TestUser;

  beforeAll(async () => {
    harness = await startBrowserHarness({
      label: 'identity_browser',
      processJobs: false,
      env: { MFA_REQUIRED_ROLES: 'compliance', LOGIN_FAILURE_DELAY_MS: '0' },
    });
    admin = await createUser(harness.testApp, { role: 'admin', team: 'ops', email: 'admin.identity@example.test' });
  });
  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  async function axeBothSizes(page: Page, where: string): Promise<void> {
    for (const viewport of [DESKTOP, TABLET]) {
      await page.setViewportSize(viewport);
      const violations = await harness.axe(page);
      expect({ where, viewport, violations }).toEqual({ where, viewport, violations: [] });
    }
    await page.setViewportSize(DESKTOP);
  }

  it('one sign-in serves every tab (refresh cookie, token in memory); sign out everywhere ends them all', async () => {
    const user = await createUser(harness.testApp, { role: 'adjuster', email: 'tabs@example.test' });
    const page = await harness.newPage('tab-1');
    await harness.signIn(page, user, /\/tasks$/);

    // Chromium takes the Secure cookie over http://127.0.0.1 (a secure context); scripts cannot read it.
    const cookies = await page.context().cookies();
    const refresh = cookies.find((cookie) => cookie.name === '__Secure-cev-refresh');
    expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/v1/auth' });
    const visible = (await page.evaluate(
      '({ cookie: document.cookie, stored: JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) })',
    )) as { cookie: string; stored: string };
    expect(visible.cookie).not.toContain('cev-refresh');
    expect(visible.stored).not.toContain(refresh!.value);
    expect(visible.stored).toBe('{}{}');

    // A new tab, straight to a page: signed in by a refresh on load, no login form.
    const tab = await harness.newTab(page, 'tab-2');
    await tab.goto(`${harness.baseUrl}/queue`);
    await tab.getByTestId('who').waitFor();
    expect(tab.url()).toMatch(/\/queue$/);
    expect(await tab.getByRole('button', { name: 'Sign in' }).count()).toBe(0);

    // Ctrl+click opens a new tab that is signed in too.
    const opened = page.context().waitForEvent('page');
    await page.getByRole('link', { name: 'Team queue' }).click({ modifiers: ['Control'] });
    const third = await opened;
    await third.waitForURL(/\/queue$/);
    await third.getByTestId('who').waitFor();

    // Sign out everywhere from the account page of the second tab.
    await tab.getByRole('link', { name: user.email }).click();
    await tab.waitForURL(/\/account$/);
    await tab.getByRole('heading', { name: 'Your account' }).waitFor();
    await axeBothSizes(tab, '/account');
    await harness.shot(tab, 'identity-01-account');
    await tab.getByRole('button', { name: 'Sign out everywhere' }).click();
    await tab.getByRole('dialog').getByRole('button', { name: 'Sign out everywhere' }).click();
    await tab.waitForURL(/\/login/);

    // The other tabs are told at once (BroadcastChannel): they drop the access token in their memory and show
    // the sign-in without waiting for a request to be refused (the server refuses it too: sign out everywhere
    // ended every access token, test/identity-lifecycle).
    harness.expectConsole('tab-1', /401/);
    await page.waitForURL(/\/login/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await third.waitForURL(/\/login/);

    // Signing in again in one tab brings the tab left on the sign-in page along (a refresh, not a second form).
    await harness.signIn(tab, user, /\/tasks$/);
    await page.waitForURL(/\/tasks$/);
    await page.getByTestId('who').waitFor();
    const loggedOut = tab.waitForResponse((response) => response.url().endsWith('/v1/auth/logout'));
    await tab.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await loggedOut; // the other tab is told before the server answers; the cookie goes with the answer
    expect((await page.context().cookies()).some((cookie) => cookie.name === '__Secure-cev-refresh')).toBe(false);
    await third.close();
  });

  it('the admin people page creates a person with a set-password link, changes a role, deactivates', async () => {
    const target = await createUser(harness.testApp, { role: 'adjuster', email: 'target@example.test' });
    const page = await harness.newPage('admin-people');
    await harness.signIn(page, admin, /\/audit$/);
    await page.getByRole('link', { name: 'People' }).click();
    await page.waitForURL(/\/users$/);
    await page.getByTestId('people-table').waitFor();

    await page.getByLabel('Email').fill('new.person@example.test');
    await page.getByRole('button', { name: 'Add person' }).click();
    const link = (await page.getByTestId('reset-link').textContent())!;
    expect(link).toMatch(/\/set-password#token=/);
    await page.getByRole('row', { name: /new\.person@example\.test/ }).waitFor();

    const row = page.locator('[data-testid="person-row"][data-email="target@example.test"]');
    await row.getByLabel(/^Role of/).selectOption('supervisor');
    await row.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('people-message').filter({ hasText: 'is now supervisor' }).waitFor();
    await axeBothSizes(page, '/users');
    await harness.shot(page, 'identity-02-people');

    await page
      .locator('[data-testid="person-row"][data-email="target@example.test"]')
      .getByRole('button', { name: 'Deactivate' })
      .click();
    await page.getByRole('dialog').getByRole('button', { name: 'Deactivate' }).click();
    await page.getByTestId('people-message').filter({ hasText: 'is deactivated' }).waitFor();
    await page
      .locator('[data-testid="person-row"][data-email="target@example.test"]')
      .getByText('deactivated')
      .waitFor();
    const http = request(harness.testApp.app.getHttpServer());
    await http.post('/v1/auth/login').send({ email: target.email, password: target.password }).expect(401);

    // The new person opens the link (another browser) and sets a password; then signs in with it.
    const newcomer = await harness.newPage('newcomer');
    await newcomer.goto(link);
    await newcomer.getByLabel(/New password/).fill('newcomer-password-123');
    await newcomer.getByLabel('Repeat the password').fill('newcomer-password-123');
    await newcomer.getByRole('button', { name: 'Set password' }).click();
    await newcomer.getByTestId('password-set').waitFor();
    expect(await harness.axe(newcomer)).toEqual([]);
    await http
      .post('/v1/auth/login')
      .send({ email: 'new.person@example.test', password: 'newcomer-password-123' })
      .expect(200);
  });

  it('the intake clients page rotates a key with an overlap and revokes a client', async () => {
    const intake = await createIntakeClient(harness.testApp, 'team-a', 'Broker portal');
    const page = await harness.newPage('admin-clients');
    await harness.signIn(page, admin, /\/audit$/);
    await page.getByRole('link', { name: 'Intake clients' }).click();
    await page.waitForURL(/\/clients$/);
    const row = page.locator('[data-testid="client-row"][data-name="Broker portal"]');
    await row.getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('dialog').getByLabel('Overlap (hours)').fill('2');
    await page.getByRole('dialog').getByRole('button', { name: 'Rotate key' }).click();
    const newKey = (await page.getByTestId('new-api-key').textContent())!;
    expect(newKey).toMatch(/^cev_/);
    await row.getByTestId('key-item').nth(1).waitFor();
    await row.getByText(/works until/).waitFor();
    const http = request(harness.testApp.app.getHttpServer());
    await http.get('/v1/claims').set('X-API-Key', intake.apiKey).expect(200);
    await http.get('/v1/claims').set('X-API-Key', newKey).expect(200);
    await axeBothSizes(page, '/clients');
    await harness.shot(page, 'identity-03-clients');

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('revoked', { exact: true }).first().waitFor();
    await http.get('/v1/claims').set('X-API-Key', newKey).expect(401);
  });

  it('compliance enrols TOTP with the QR code, saves recovery codes, then signs in with a code; the access review exports CSV', async () => {
    const officer = await createUser(harness.testApp, { role: 'compliance', email: 'officer@example.test' });
    const page = await harness.newPage('compliance-mfa');
    await page.goto(`${harness.baseUrl}/`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(officer.email);
    await page.getByLabel('Password').fill(officer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const qr = page.getByRole('img', { name: /QR code/ });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    expect(await qr.evaluate((image) => (image as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(
      100,
    );
    const secret = (await page.getByTestId('totp-secret').textContent())!;
    await axeBothSizes(page, 'login: TOTP enrolment');
    await harness.shot(page, 'identity-04-totp-enrolment');
    const enrolmentCode = authenticator.generate(secret);
    await page.getByLabel('Code from the app').fill(enrolmentCode);
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.locator('.recovery-codes li').count()).toBe(10);
    await page.getByRole('button', { name: /I have saved them/ }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByTestId('who').waitFor();

    // Sign out, and in again: password, then a fresh code (the enrolment's code cannot be replayed).
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await page.getByLabel('Email').fill(officer.email);
    await page.getByLabel('Password').fill(officer.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByLabel('Authentication code')
      .fill(authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret));
    await axeBothSizes(page, 'login: code step');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(/\/audit$/);

    await page.getByRole('link', { name: 'Access review' }).click();
    await page.waitForURL(/\/access-review$/);
    await page.getByTestId('review-table').getByRole('cell', { name: officer.email }).waitFor();
    await axeBothSizes(page, '/access-review');
    await harness.shot(page, 'identity-05-access-review');
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^access-review-\d{4}-\d{2}-\d{2}\.csv$/);
  });
});
