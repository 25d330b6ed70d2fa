import { DataSource } from 'typeorm';
import type { CheckKind } from '../../src/validation/check.entity';
import { ChecksRepository } from '../../src/validation/checks.repository';
import { ThresholdsService } from '../../src/validation/thresholds.service';
import { createUser } from '../support/auth-helpers';
import { DESKTOP, TABLET, startBrowserHarness, type BrowserHarness } from '../support/browser-harness';
import { factories } from '../support/factories';

jest.setTimeout(180_000);

/**
 * The admin's thresholds and calibration panel on the quality page: current values beside the recommendations,
 * a what-if over stored scores, apply (a new audited version) and rollback; axe at desktop and tablet sizes.
 */
describe('calibration panel (admin)', () => {
  let harness: BrowserHarness;

  beforeAll(async () => {
    harness = await startBrowserHarness({ label: 'calibration-ui', processJobs: false });
    // Three stored runs of the fixture model on auto claims: peril_mismatch uncertain (0.4), clear (0), flagged (0.6).
    const testApp = harness.testApp;
    const hash = (await testApp.app.get(ThresholdsService).currentModel()).hash;
    const checks = testApp.app.get(ChecksRepository);
    const manager = testApp.app.get(DataSource).manager;
    for (const [peril, outcome] of [
      [0.4, 'needs_review'],
      [0, 'consistent'],
      [0.6, 'inconsistent'],
    ] as const) {
      const claim = await factories(testApp).newClaim({ lineOfBusiness: 'auto', status: outcome });
      const run = await checks.insertRun(manager, {
        claimId: claim.id,
        modelId: 'fixture',
        modelHash: hash,
        promptSetVersion: 'ps1-test',
        thresholds: {},
        scores: {},
        provider: 'cpu',
        durationMs: 1,
        outcome,
      });
      const kinds: CheckKind[] = ['peril_mismatch', 'exclusion_evident', 'object_mismatch', 'no_visible_damage'];
      await checks.insertChecks(
        manager,
        kinds.map((kind) => ({
          claimId: claim.id,
          scoringRunId: run.id,
          photoId: null,
          kind,
          score: kind === 'peril_mismatch' ? peril : 0,
          confidence: 1,
          flagged: kind === 'peril_mismatch' && peril >= 0.5,
          uncertain: kind === 'peril_mismatch' && peril >= 0.35 && peril < 0.5,
          severity: 'info',
          reason: 'seeded',
          evidence: kind === 'peril_mismatch' ? { claimedPeril: 'collision', claimedSupport: 0.5 } : {},
        })),
      );
    }
  });
  afterAll(async () => harness?.close());
  afterEach(() => harness.assertNoConsoleErrors());

  it('shows the version in force, replays a proposal, applies it as version 1 and rolls back to version 0', async () => {
    const admin = await createUser(harness.testApp, { role: 'admin', email: 'calibration.admin@example.test' });
    const page = await harness.newPage('calibration-desktop', { viewport: DESKTOP });
    await harness.signIn(page, admin, /\/audit$/);
    await page.goto(`${harness.baseUrl}/quality`);
    const panel = page.getByTestId('calibration-panel');
    await panel.getByTestId('calibration-version').waitFor();
    expect(await panel.getByTestId('calibration-version').textContent()).toMatch(/In force: version 0 \(builtin\)/);
    await page.waitForLoadState('networkidle');
    expect(await harness.axe(page)).toEqual([]);

    await panel.getByLabel('Peril mismatch: proposed review from').fill('0.45');
    await panel.getByRole('button', { name: 'What if? (replay stored scores)' }).click();
    const whatIf = panel.getByTestId('what-if-result');
    await whatIf.waitFor();
    expect(await whatIf.textContent()).toMatch(/over 3 stored claims/);
    expect(await whatIf.textContent()).toMatch(/1 from Needs review to Consistent/);
    expect(await whatIf.textContent()).toMatch(/Peril mismatch: 1 from uncertain to clear/);
    await harness.shot(page, 'calibration-what-if');

    await panel.getByLabel('Note').fill('narrower peril band');
    await panel.getByRole('button', { name: 'Apply as a new version' }).click();
    await panel.getByText('Applied Auto version 1.').waitFor();
    await panel
      .getByTestId('calibration-version')
      .getByText(/In force: version 1 \(manual/)
      .waitFor();
    expect(await panel.getByTestId('calibration-versions').textContent()).toMatch(
      /Version 1 \(manual\).*narrower peril band/,
    );

    await panel.getByRole('button', { name: 'Roll back to version 0' }).click();
    await panel.getByText('Rolled Auto back to version 0 (now version 2).').waitFor();
    await panel
      .getByTestId('calibration-version')
      .getByText(/In force: version 2 \(rollback/)
      .waitFor();
    const events = (await harness.testApp.app
      .get(DataSource)
      .query(`SELECT action FROM audit_events WHERE action LIKE 'calibration.%' ORDER BY seq`)) as Array<{
      action: string;
    }>;
    expect(events.map((event) => event.action)).toEqual(['calibration.applied', 'calibration.rolled_back']);
    await harness.shot(page, 'calibration-rolled-back');

    // Tablet size: the same panel, no serious or critical violations.
    const tablet = await harness.newPage('calibration-tablet', { viewport: TABLET });
    await harness.signIn(tablet, admin, /\/audit$/);
    await tablet.goto(`${harness.baseUrl}/quality`);
    await tablet.getByTestId('calibration-version').waitFor();
    await tablet.waitForLoadState('networkidle');
    expect(await harness.axe(tablet)).toEqual([]);
    await harness.shot(tablet, 'calibration-tablet');
  });

  it('shows supervisors what is in force, read-only', async () => {
    const supervisor = await createUser(harness.testApp, { role: 'supervisor', email: 'calibration.sup@example.test' });
    const page = await harness.newPage('calibration-supervisor', { viewport: DESKTOP });
    await harness.signIn(page, supervisor, /\/tasks$/);
    await page.goto(`${harness.baseUrl}/quality`);
    const panel = page.getByTestId('calibration-panel');
    await panel
      .getByTestId('calibration-version')
      .getByText(/In force: version 2 \(rollback/)
      .waitFor();
    await page.waitForLoadState('networkidle');
    expect(await panel.getByRole('button', { name: 'Apply as a new version' }).count()).toBe(0);
    expect(await panel.getByRole('button', { name: /Roll back/ }).count()).toBe(0);
    expect(await panel.getByRole('spinbutton').count()).toBe(0);
  });
});
