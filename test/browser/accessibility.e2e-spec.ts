import { createUser } from '../support/auth-helpers';
import type { Page } from 'playwright-core';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';

/**
 * axe-core over the main pages of each role at 1280×800 and 820×1180: no serious or critical
 * violations. Pages added later join the list here (one sign-in per role; each page is checked at both sizes by
 * resizing it).
 */
jest.setTimeout(240_000);

describe('accessibility (axe-core) of the main pages', () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'a11y', processJobs: false });
  });
  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  const pagesByRole: Record<string, { landing: RegExp; paths: string[] }> = {
    adjuster: { landing: /\/tasks$/, paths: ['/tasks', '/queue', '/search?q=WEB', '/account'] },
    supervisor: { landing: /\/tasks$/, paths: ['/queue', '/quality', '/supervisor'] },
    admin: { landing: /\/audit$/, paths: ['/audit', '/quality', '/users', '/clients', '/access-review'] },
    compliance: {
      landing: /\/audit$/,
      paths: ['/audit', '/claims', '/retention', '/retention/holds', '/retention/erasure', '/access-review'],
    },
    investigator: { landing: /\/claims$/, paths: ['/claims', '/search?q=WEB'] },
  };

  it('the check itself finds a serious violation when there is one', async () => {
    const page = await harness.newPage('axe-self-check');
    await page.setContent(
      '<html lang="en"><head><title>t</title></head><body><main><button></button></main></body></html>',
    );
    const violations = await harness.axe(page);
    expect(violations.map((violation) => violation.id)).toContain('button-name');
  });

  /** axe at both sizes on the page as it is: the tablet check resizes the same page (CSS media queries apply on reflow). */
  async function axeBothSizes(page: Page): Promise<Array<{ size: string; violations: unknown[] }>> {
    const results: Array<{ size: string; violations: unknown[] }> = [];
    for (const [size, viewport] of [
      ['desktop', DESKTOP],
      ['tablet', TABLET],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => resolve(null)))'); // one frame: laid out at the new size
      results.push({ size, violations: await harness.axe(page) });
    }
    await page.setViewportSize(DESKTOP);
    return results;
  }

  const noViolations = [
    { size: 'desktop', violations: [] },
    { size: 'tablet', violations: [] },
  ];

  it('the login page at both sizes', async () => {
    const login = await harness.newPage('login');
    await login.goto(`${harness.baseUrl}/login`);
    await login.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await axeBothSizes(login)).toEqual(noViolations);
  });

  it.each(Object.entries(pagesByRole))(
    'every main page of the %s role at both sizes',
    async (role, { landing, paths }) => {
      const user = await createUser(harness.testApp, { role: role as 'adjuster', email: `${role}.a11y@example.test` });
      const page = await harness.newPage(role);
      await harness.signIn(page, user, landing);
      for (const where of paths) {
        await page.goto(`${harness.baseUrl}${where}`);
        await page.getByTestId('who').waitFor();
        await page.waitForLoadState('networkidle');
        expect({ where, role, results: await axeBothSizes(page) }).toEqual({ where, role, results: noViolations });
      }
    },
  );
});
