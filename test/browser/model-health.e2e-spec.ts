import { createUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';

/**
 * The quality page's model health panel (client/src/components/ModelHealth.tsx): opened by an admin, it shows
 * the drift of every model check against the fixture model card and says there is no challenger; axe finds no
 * serious or critical violation at desktop and tablet size.
 */
jest.setTimeout(120_000);

describe('model health on the quality page', () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'model_health', processJobs: false });
  });
  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  it('shows drift and the shadow state when opened, accessibly at desktop and tablet size', async () => {
    const admin = await createUser(harness.testApp, { role: 'admin', email: 'admin.health@example.test' });
    const page = await harness.newPage('model-health', { viewport: DESKTOP });
    await harness.signIn(page, admin, /\/audit$/);
    await page.goto(`${harness.baseUrl}/quality`);
    const toggle = page.getByRole('button', { name: 'Show drift and shadow model' });
    await toggle.click();
    const drift = page.getByTestId('drift-table');
    await drift.waitFor();
    expect(await drift.locator('tbody tr').count()).toBe(4);
    // no claim was scored this week: every check has no data yet, against the committed fixture card
    expect(await drift.locator('tbody tr', { hasText: 'no data' }).count()).toBe(4);
    await page.getByText('against scenes seeds 3000000-3000499').waitFor();
    await page.getByText('No challenger model: set SHADOW_MODEL').waitFor();
    expect(await page.getByRole('button', { name: 'Hide drift and shadow model' }).getAttribute('aria-expanded')).toBe(
      'true',
    );
    await harness.shot(page, 'model-health-desktop');
    expect(await harness.axe(page)).toEqual([]);
    await page.setViewportSize(TABLET);
    await harness.shot(page, 'model-health-tablet');
    expect(await harness.axe(page)).toEqual([]);
  });
});
