import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT } from './processes';
import { startTestApp, type TestApp } from './test-app';
import type { TestUser } from './auth-helpers';

/**
 * Shared harness for browser tests: Debian's Chromium through playwright-core against the real
 * server (client served by Nest from client/dist), console errors collected per page and failing
 * the test, screenshots kept under test/artifacts, and an axe-core accessibility check.
 */
export const ARTIFACTS = path.join(REPO_ROOT, 'test', 'artifacts');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 } as const;
export const TABLET = { width: 820, height: 1180 } as const;

export interface ConsoleProblem {
  page: string;
  text: string;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

export function ensureClientBuilt(): void {
  if (fs.existsSync(path.join(REPO_ROOT, 'client', 'dist', 'index.html'))) return;
  execFileSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'client/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

export interface BrowserHarness {
  readonly testApp: TestApp;
  readonly baseUrl: string;
  readonly browser: Browser;
  /** Console errors collected since the last `assertNoConsoleErrors`. */
  readonly problems: ConsoleProblem[];
  /** Allow an expected console error (e.g. the browser logging a deliberate 409) for the current test. */
  expectConsole(page: string, pattern: RegExp): void;
  newPage(
    name: string,
    options?: { viewport?: { width: number; height: number }; headers?: Record<string, string> },
  ): Promise<Page>;
  /** A second page in the same browser context (shares cookies, like a new tab). */
  newTab(page: Page, name: string): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
  signIn(page: Page, user: TestUser, landing: RegExp): Promise<void>;
  /** Runs axe-core in the page; returns serious and critical violations (the acceptance bar is none). */
  axe(page: Page): Promise<AxeViolation[]>;
  /** Call from afterEach: fails on console errors nobody expected. */
  assertNoConsoleErrors(): void;
  close(): Promise<void>;
}

export async function startBrowserHarness(
  options: { label: string; processJobs?: boolean; env?: Record<string, string> } = { label: 'browser' },
): Promise<BrowserHarness> {
  ensureClientBuilt();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const testApp = await startTestApp({
    processJobs: options.processJobs ?? true,
    label: options.label,
    env: options.env,
  });
  await testApp.app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
  const browser = await launchChromium();
  const problems: ConsoleProblem[] = [];
  const expected: Array<{ page: string; pattern: RegExp }> = [];
  const contexts: BrowserContext[] = [];
  const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

  function watch(page: Page, name: string): void {
    page.on('console', (message) => {
      if (message.type() === 'error')
        problems.push({ page: name, text: `${message.text()} ${message.location().url}`.trim() });
    });
    page.on('pageerror', (error) => problems.push({ page: name, text: `pageerror: ${error.message}` }));
  }

  const harness: BrowserHarness = {
    testApp,
    baseUrl,
    browser,
    problems,
    expectConsole(page, pattern) {
      expected.push({ page, pattern });
    },
    async newPage(name, pageOptions = {}) {
      const context = await browser.newContext({
        viewport: pageOptions.viewport ?? DESKTOP,
        extraHTTPHeaders: pageOptions.headers,
      });
      contexts.push(context);
      const page = await context.newPage();
      watch(page, name);
      return page;
    },
    async newTab(page, name) {
      const tab = await page.context().newPage();
      watch(tab, name);
      return tab;
    },
    async shot(page, name) {
      await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    async signIn(page, user, landing) {
      await page.goto(`${baseUrl}/`);
      await page.waitForURL(/\/login/);
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(landing);
      await page.getByTestId('who').waitFor();
    },
    async axe(page) {
      // Injected as a script tag body through evaluate: the page's CSP does not apply to evaluate.
      await page.evaluate(axeSource);
      const result = (await page.evaluate(
        "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })))",
      )) as AxeViolation[];
      return result.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
    },
    assertNoConsoleErrors() {
      const unexpected = problems.filter(
        (problem) => !expected.some((allowed) => allowed.page === problem.page && allowed.pattern.test(problem.text)),
      );
      problems.length = 0;
      expected.length = 0;
      expect(unexpected).toEqual([]);
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await testApp.close();
    },
  };
  return harness;
}
