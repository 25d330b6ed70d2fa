import type { Page } from 'playwright-core';
import { createIntakeClient, createUser, type TestUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';
import { createClaim, createPolicy } from '../fixtures/intake-fixtures';

/**
 * The compliance console in the browser (issue 19, points 4–6): a retention change proposed, refused to
 * its proposer, reviewed with its dry run and approved by a second officer, then edited and retired; a
 * hold placed by claim number; an overdue erasure request; the audit search by email and action prefix,
 * a saved search, and the claim's history in plain words. axe at 1280×800 and 820×1180 on these pages.
 */
jest.setTimeout(180_000);

const DAY = 86_400_000;

describe('compliance console (browser)', () => {
  let harness: BrowserHarness;
  let ada: TestUser;
  let bo: TestUser;
  let claimId: string;

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'compliance-console', processJobs: false });
    const intakeKey = (await createIntakeClient(harness.testApp)).apiKey;
    ada = await createUser(harness.testApp, { role: 'compliance', email: 'ada.officer@example.test' });
    bo = await createUser(harness.testApp, { role: 'compliance', email: 'bo.second@example.test' });
    const insurancePolicy = await createPolicy(harness.testApp, intakeKey, { jurisdiction: 'BR1' });
    const claim = await createClaim(harness.testApp, intakeKey, insurancePolicy.id, {
      externalReference: 'CLM-B-0001',
      claimantRef: 'subject-b-1',
    });
    claimId = claim.id;
    await harness.testApp.database.dataSource.query(
      `UPDATE claims SET status = 'decided', decided_at = now() - interval '10 days' WHERE id = $1`,
      [claimId],
    );
  });
  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  const retentionTab = (page: Page, name: string | RegExp) =>
    page.getByRole('navigation', { name: 'Retention' }).getByRole('link', { name });

  it('retention change → proposal → the second officer sees the dry run and approves (the proposer may not) → edit → retire; a hold by claim number; an overdue erasure', async () => {
    const { baseUrl, newPage, signIn, shot } = harness;
    const officer = await newPage('ada');
    await signIn(officer, ada, /\/audit$/);
    await officer.goto(`${baseUrl}/retention`);
    await officer.getByLabel('Data class').selectOption('exif_gps');
    await officer.getByLabel('Jurisdiction').fill('BR1');
    await officer.getByLabel('Period (days)').fill('0');
    await officer.getByLabel('Action').selectOption('delete');
    await officer.getByRole('button', { name: 'Create policy' }).click();
    await officer
      .getByTestId('policy-message')
      .filter({ hasText: 'awaits approval by a second compliance officer' })
      .waitFor();
    expect(await officer.getByTestId('policy-row').count()).toBe(0);
    await shot(officer, 'cc-01-proposal');

    // The proposer's own approval is refused.
    harness.expectConsole('ada', /403/);
    await officer.getByRole('button', { name: /^Review / }).click();
    await officer.getByTestId('impact-row').first().waitFor();
    await officer.getByRole('button', { name: 'Approve change' }).click();
    await officer.getByTestId('change-error').filter({ hasText: 'second compliance officer' }).waitFor();

    // The second officer reviews the dry run (what would be purged, when) and approves.
    const second = await newPage('bo');
    await signIn(second, bo, /\/audit$/);
    await second.goto(`${baseUrl}/retention`);
    await second.getByRole('button', { name: /^Review / }).click();
    const impact = second.getByTestId('impact-table');
    await impact.locator(`[data-claim-id="${claimId}"]`).filter({ hasText: 'CLM-B-0001' }).waitFor();
    expect(await second.getByTestId('impact-summary').textContent()).toContain('1 claim');
    await shot(second, 'cc-02-dry-run');
    await second.getByLabel('Note (optional').fill('Checked with legal');
    await second.getByRole('button', { name: 'Approve change' }).click();
    await second.getByTestId('change-message').filter({ hasText: 'approved: in force from' }).waitFor();
    const row = second.getByTestId('policy-row').filter({ hasText: 'Exif gps' });
    await row.filter({ hasText: 'From' }).waitFor();

    // Lengthening applies at once as version 2; then the policy is retired.
    await second.getByRole('button', { name: /^Edit policy/ }).click();
    await second.getByLabel('New period (days)').fill('400');
    await second.getByRole('button', { name: 'Save new version' }).click();
    await second.getByTestId('policy-message').filter({ hasText: 'changed' }).waitFor();
    await second.getByTestId('policy-row').filter({ hasText: 'v2' }).waitFor();
    await second.getByRole('button', { name: /^Retire policy/ }).click();
    await second.getByLabel('Reason', { exact: true }).fill('Replaced by the group policy');
    await second.getByRole('button', { name: 'Retire policy', exact: true }).click();
    await second.getByTestId('policy-message').filter({ hasText: 'retired' }).waitFor();
    // It never came into force (the notice had not run): retired from its start.
    await second.getByTestId('policy-in-force').filter({ hasText: 'retired from' }).waitFor();
    expect(await second.getByRole('button', { name: /^Retire policy/ }).count()).toBe(0);
    await shot(second, 'cc-03-versions');

    // A hold placed by the claim number.
    await retentionTab(officer, 'Legal holds').click();
    await officer.getByLabel('Claim id or claim number').fill('CLM-B-0001');
    await officer.getByLabel('Reason').fill('Litigation LIT-2026-91: preserve');
    await officer.getByRole('button', { name: 'Place hold' }).click();
    await officer.getByTestId('hold-message').filter({ hasText: 'CLM-B-0001' }).waitFor();
    await officer
      .locator(`[data-testid="hold-row"][data-claim-id="${claimId}"]`)
      .filter({ hasText: 'CLM-B-0001' })
      .waitFor();
    await shot(officer, 'cc-04-hold-by-number');

    // An erasure request received 40 days ago, registered only: overdue, with the claimant's claims by number.
    await retentionTab(officer, 'Erasure requests').click();
    await officer.getByLabel('Claimant reference').fill('subject-b-1');
    await officer.getByLabel('Received on').fill(new Date(Date.now() - 40 * DAY).toISOString().slice(0, 10));
    await officer.getByRole('button', { name: 'Register only' }).click();
    await officer.getByTestId('erasure-message').filter({ hasText: 'registered' }).waitFor();
    await officer.getByRole('button', { name: 'Overdue' }).click();
    const overdue = officer.getByTestId('erasure-row').filter({ hasText: 'subject-b-1' });
    await overdue.filter({ hasText: 'Overdue' }).filter({ hasText: 'CLM-B-0001' }).waitFor();
    await shot(officer, 'cc-05-erasure-overdue');
    await overdue.getByRole('button', { name: /^Start work/ }).click();
    await officer.getByTestId('erasure-message').filter({ hasText: 'in progress' }).waitFor();
  });

  it('audit search by email and action prefix, a saved search, and the claim history in plain words', async () => {
    const { baseUrl, newPage, signIn, shot } = harness;
    const officer = await newPage('ada-audit');
    await signIn(officer, ada, /\/audit$/);
    await officer.getByLabel('Actor email').fill('bo.second');
    await officer.getByRole('button', { name: 'Search', exact: true }).click();
    const actors = officer.getByTestId('audit-actor');
    await actors.first().filter({ hasText: 'bo.second@example.test' }).waitFor();
    for (const text of await actors.allTextContents()) expect(text).toContain('bo.second@example.test');
    await shot(officer, 'cc-06-audit-by-email');

    await officer.getByLabel('Actor email').fill('');
    await officer.getByLabel('Action').fill('retention.');
    await officer.getByRole('button', { name: 'Search', exact: true }).click();
    const table = officer.getByTestId('audit-table');
    await table.getByText('retention.change_approved').waitFor();
    for (const action of await table.locator('tbody tr td:nth-child(4)').allTextContents())
      expect(action.startsWith('retention.')).toBe(true);
    await officer.getByLabel('Save these filters as').fill('Retention changes');
    await officer.getByRole('button', { name: 'Save filters' }).click();
    await officer.getByTestId('saved-search-message').filter({ hasText: 'saved' }).waitFor();
    await officer
      .getByTestId('saved-searches')
      .getByRole('button', { name: 'Retention changes', exact: true })
      .waitFor();
    await shot(officer, 'cc-07-saved-search');
    // Applying it after clearing the form restores the search.
    await officer.getByRole('button', { name: 'Clear' }).click();
    await officer.getByTestId('saved-searches').getByRole('button', { name: 'Retention changes', exact: true }).click();
    expect(await officer.getByLabel('Action').inputValue()).toBe('retention.');

    await officer.goto(`${baseUrl}/audit/claims/${claimId}`);
    const history = officer.getByTestId('history');
    await history.getByText(/placed a legal hold: Litigation LIT-2026-91/).waitFor();
    await history
      .getByText(/The claim's status changed|created the claim/)
      .first()
      .waitFor();
    expect(await history.locator('code.details').count()).toBe(0);
    await shot(officer, 'cc-08-plain-history');
  });

  it.each([
    ['desktop', DESKTOP],
    ['tablet', TABLET],
  ])('axe: no serious or critical violations on the console pages at %s size', async (label, viewport) => {
    const page = await harness.newPage(`axe-${label}`, { viewport });
    await harness.signIn(page, bo, /\/audit$/);
    for (const where of [
      '/retention',
      '/retention/holds',
      '/retention/erasure',
      '/audit',
      `/audit/claims/${claimId}`,
    ]) {
      await page.goto(`${harness.baseUrl}${where}`);
      await page.getByTestId('who').waitFor();
      await page.waitForLoadState('networkidle');
      if (where === '/retention/erasure') await page.getByRole('button', { name: 'Overdue' }).click();
      expect({ where, violations: await harness.axe(page) }).toEqual({ where, violations: [] });
    }
  });
});
