import { createUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';

/**
 * axe-core over the main pages of each role at 1280×800 and 820×1180: no serious or critical
 * violations. Pages added later join the list here (one sign-in per role and viewport).
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

  it.each([
    ['desktop', DESKTOP],
    ['tablet', TABLET],
  ])('login and every role’s main pages at %s size', async (label, viewport) => {
    const login = await harness.newPage(`login-${label}`, { viewport });
    await login.goto(`${harness.baseUrl}/login`);
    await login.getByRole('button', { name: 'Sign in' }).waitFor();
    expect(await harness.axe(login)).toEqual([]);

    for (const [role, { landing, paths }] of Object.entries(pagesByRole)) {
      const user = await createUser(harness.testApp, {
        role: role as 'adjuster',
        email: `${role}.${label}@example.test`,
      });
      const page = await harness.newPage(`${role}-${label}`, { viewport });
      await harness.signIn(page, user, landing);
      for (const where of paths) {
        await page.goto(`${harness.baseUrl}${where}`);
        await page.getByTestId('who').waitFor();
        await page.waitForLoadState('networkidle');
        const violations = await harness.axe(page);
        expect({ where, role, violations }).toEqual({ where, role, violations: [] });
      }
    }
  });
});
