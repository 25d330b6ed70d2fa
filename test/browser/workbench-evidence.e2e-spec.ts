import type { Page } from 'playwright-core';
import { createIntakeClient, createUser, type TestUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';
import { seedScoredClaim, type SeededClaim } from '../support/workbench-seed';
import { createPolicy } from '../fixtures/intake-fixtures';
import { jpegWithGps, scenePhoto } from '../fixtures/photo-fixtures';

jest.setTimeout(180_000);

/** The page's document, typed just enough for page functions (this file is compiled without the DOM library). */
interface MiniElement {
  contains(other: unknown): boolean;
  getAttribute(name: string): string | null;
  style: { transform: string };
}
interface MiniDocument {
  activeElement: MiniElement | null;
  querySelector(selector: string): MiniElement | null;
}

/**
 * Issue 18 in the browser: decide on evidence (what is unseen, approve blocked until seen), the duplicate side
 * by side, the clause wording of checks, and the photo viewer (zoom, pan, gallery, metadata, keyboard, focus).
 */
describe('workbench evidence in the browser', () => {
  let harness: BrowserHarness;
  let adjuster: TestUser;
  let flagged: SeededClaim;
  let page: Page;

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'workbench_browser', processJobs: false });
    const testApp = harness.testApp;
    const intakeA = await createIntakeClient(testApp, 'team-a');
    const intakeB = await createIntakeClient(testApp, 'team-b');
    const policyA = (await createPolicy(testApp, intakeA.apiKey)).id;
    const policyB = (await createPolicy(testApp, intakeB.apiKey)).id;
    adjuster = await createUser(testApp, { role: 'adjuster', team: 'team-a' });
    const reused = await jpegWithGps(41);
    const other = await seedScoredClaim(testApp, {
      apiKey: intakeB.apiKey,
      policyId: policyB,
      team: 'team-b',
      photos: [{ name: 'first-use.jpg', bytes: reused }],
      checks: [],
      status: 'decided',
    });
    flagged = await seedScoredClaim(testApp, {
      apiKey: intakeA.apiKey,
      policyId: policyA,
      team: 'team-a',
      claim: { externalReference: 'WB-EVIDENCE-1' },
      photos: [
        { name: 'front.jpg', bytes: reused },
        { name: 'side.jpg', bytes: await scenePhoto(42) },
      ],
      checks: [
        {
          kind: 'duplicate_photo',
          photo: 0,
          flagged: true,
          score: 1,
          reason: 'This photo also appears in another claim (identical file).',
          evidence: {
            otherClaimId: other.claimId,
            otherPhotoId: other.photoIds[0],
            method: 'sha256',
            similarity: 1,
            hammingDistance: 0,
          },
        },
        {
          kind: 'exclusion_evident',
          photo: null,
          flagged: true,
          reason:
            'A photo shows wear and tear (p=0.62), which the policy excludes, more clearly than any covered peril.',
          evidence: { excludedPeril: 'wear_and_tear', probability: 0.62 },
        },
      ],
      task: 'flagged',
    });
    page = await harness.newPage('adjuster', { viewport: DESKTOP });
    await harness.signIn(page, adjuster, /\/tasks$/);
  });

  afterEach(() => harness.assertNoConsoleErrors());

  afterAll(async () => {
    await harness?.close();
  });

  const dialogHasFocus = () =>
    page.evaluate(() => {
      const document = (globalThis as unknown as { document: MiniDocument }).document;
      return !!document.querySelector('dialog')?.contains(document.activeElement);
    });

  it('shows each check with the clause it tested, and the duplicate beside the matched photo (identity withheld)', async () => {
    await page.goto(`${harness.baseUrl}/tasks/${flagged.taskId}`);
    await page.getByRole('button', { name: /Claim this task/ }).click();
    await page.getByTestId('task-status').filter({ hasText: 'Assigned' }).waitFor();

    const why = page.getByTestId('flag-list').getByTestId('check-why');
    await why.first().waitFor();
    const text = await page.getByTestId('flag-list').textContent();
    expect(text).toContain('Tested clause X-RUST (exclusion): Wear, tear and rust are excluded.');
    expect(text).toMatch(/wear and tear.*“rust”\).*p=0\.62/i);

    const duplicate = page.getByTestId('duplicate');
    await duplicate.getByRole('img', { name: 'The matching photo of the other claim' }).waitFor();
    await duplicate.getByRole('img', { name: 'This claim, photo 1' }).waitFor();
    expect(await duplicate.getByTestId('duplicate-similarity').textContent()).toBe('1.00');
    const otherText = await duplicate.getByTestId('duplicate-other').textContent();
    expect(otherText).toContain('identity withheld');
    expect(otherText).toContain('Status Decided');
    expect(otherText).toContain('Captured 2025-11-02T14:30:05');
    expect(await duplicate.textContent()).toContain('Captured 2025-11-02T14:30:05');
    await harness.shot(page, 'workbench-01-duplicate-and-clauses');
  });

  it('approve is blocked while flagged photos are unseen, and the UI says which', async () => {
    await page.getByRole('radio', { name: /Approve/ }).check();
    const checklist = page.getByTestId('evidence-checklist');
    await checklist.waitFor();
    expect((await checklist.getByTestId('unseen-photos').allTextContents()).sort()).toEqual([
      'Not opened: Photo 1 (front.jpg)',
      'Not opened: Photo 1 (front.jpg), Photo 2 (side.jpg)',
    ]);
    expect(await page.getByTestId('photo-unseen').count()).toBe(2);
    await page.getByLabel('Reason code').selectOption('model_false_positive');
    await page.getByLabel(/^Note/).fill('The flags do not hold once the photos are seen.');
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await checklist
      .getByRole('alert')
      .filter({ hasText: /Open the flagged photos not seen yet/ })
      .waitFor();
    expect(page.url()).toContain(flagged.taskId!);
    await harness.shot(page, 'workbench-02-approve-blocked-unseen');
  });

  it('the viewer: keyboard only, zoom, pan, gallery, metadata, full screen, focus trapped and returned; axe clean', async () => {
    const opener = page.getByRole('button', { name: /Open the original of Photo 1/ });
    await opener.focus();
    await page.keyboard.press('Enter');
    const viewer = page.getByTestId('photo-viewer');
    await viewer.getByRole('img', { name: /Photo 1 of 2/ }).waitFor();
    expect(await dialogHasFocus()).toBe(true);
    const zoom = viewer.getByTestId('viewer-zoom');
    const transform = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { document: MiniDocument }).document.querySelector('[data-testid="viewer-frame"]')!
            .style.transform,
      );

    // Zoom: keys, buttons, wheel, double-click.
    await page.keyboard.press('+');
    expect(await zoom.textContent()).toBe('125%');
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    expect(await zoom.textContent()).toBe('156%');
    await page.keyboard.press('-');
    expect(await zoom.textContent()).toBe('125%');
    const stage = viewer.getByTestId('viewer-stage');
    await stage.hover();
    await page.mouse.wheel(0, -100);
    await zoom.filter({ hasText: '156%' }).waitFor();
    // Pan with the arrow keys when zoomed (the stage has focus), and by dragging.
    await stage.focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowUp');
    expect(await transform()).toBe('translate(40px, 40px) scale(1.56)');
    const box = (await stage.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 + 30, box.y + box.height / 2 - 20, { steps: 3 });
    await page.mouse.up();
    expect(await transform()).toBe('translate(70px, 20px) scale(1.56)');
    await viewer.getByRole('button', { name: 'Fit' }).click();
    expect(await transform()).toBe('translate(0px, 0px) scale(1)');
    await stage.dblclick();
    expect(await zoom.textContent()).toBe('200%');
    await page.keyboard.press('0');
    expect(await zoom.textContent()).toBe('100%');

    // Metadata: capture time, device, software; GPS present but not shown to an adjuster.
    const metadata = viewer.getByTestId('viewer-metadata');
    await metadata.getByText('Canon EOS 5D').waitFor();
    expect(await metadata.textContent()).toContain('Adobe Photoshop 25.0');
    expect(await metadata.textContent()).toContain('2025-11-02T14:30:05');
    expect(await metadata.getByTestId('viewer-gps').textContent()).toMatch(/^present/);
    await harness.shot(page, 'workbench-03-viewer');
    expect(await harness.axe(page)).toEqual([]);

    // The flagged exclusion check can be explained: the toggle asks the worker for the occlusion heatmap (this
    // app runs no jobs, so it stays pending; the heatmap itself is tested in model-governance.e2e-spec.ts).
    const explain = viewer.getByRole('button', { name: 'Show where the model looked' });
    const requested = page.waitForResponse((response) => /\/checks\/[^/]+\/heatmap$/.test(response.url()));
    await explain.click();
    expect((await requested).status()).toBe(202);
    await viewer.getByText('Computing the heatmap…').waitFor();
    await viewer.getByRole('button', { name: 'Hide where the model looked' }).click();

    // Full screen (the dialog fills the screen), and back.
    await viewer.getByRole('button', { name: 'Full screen' }).click();
    await page.locator('dialog.viewer--full').waitFor();
    await page.keyboard.press('f');
    await page.locator('dialog.viewer--full').waitFor({ state: 'detached' });

    // Focus stays in the dialog, forwards and backwards.
    for (let step = 0; step < 14; step++) {
      await page.keyboard.press('Tab');
      expect(await dialogHasFocus()).toBe(true);
    }
    for (let step = 0; step < 6; step++) {
      await page.keyboard.press('Shift+Tab');
      expect(await dialogHasFocus()).toBe(true);
    }

    // Gallery: → at fit shows the next photo (and its metadata); the opened photos count as seen.
    await stage.focus();
    await page.keyboard.press('ArrowRight');
    await viewer.getByRole('img', { name: /Photo 2 of 2 \(side\.jpg\)/ }).waitFor();
    await metadata.getByText('side.jpg').waitFor();
    expect(await metadata.getByTestId('viewer-gps').textContent()).toBe('absent');
    await page.keyboard.press('ArrowLeft');
    await viewer.getByRole('img', { name: /Photo 1 of 2/ }).waitFor();

    await page.setViewportSize(TABLET);
    await harness.shot(page, 'workbench-04-viewer-tablet');
    expect(await harness.axe(page)).toEqual([]);
    await page.setViewportSize(DESKTOP);

    // Escape closes; focus goes back to the photo that opened it.
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'detached' });
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { document: MiniDocument }).document.activeElement?.getAttribute('aria-label'),
      ),
    ).toMatch(/Open the original of Photo 1/);
  });

  it('once every flagged photo was opened, approve goes through', async () => {
    await page.getByTestId('photo-opened').nth(1).waitFor();
    expect(await page.getByTestId('photo-unseen').count()).toBe(0);
    expect(await page.getByTestId('unseen-photos').count()).toBe(0);
    await harness.shot(page, 'workbench-05-all-seen');
    await page.getByRole('button', { name: 'Submit decision' }).click();
    await page.getByText(/Decision saved for WB-EVIDENCE-1/).waitFor();
  });
});
