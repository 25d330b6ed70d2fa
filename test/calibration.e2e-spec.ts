import request from 'supertest';
import { DataSource } from 'typeorm';
import { CalibrationService } from '../src/validation/calibration.service';
import type { ThresholdSet } from '../src/validation/default-thresholds';
import { ThresholdsService } from '../src/validation/thresholds.service';
import { ValidationService } from '../src/validation/validation.service';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { factories } from './support/factories';
import { waitFor } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy } from './fixtures/intake-fixtures';
import { AUTO_POLICY, INCIDENT_DATE, claimScenarios, uploadAndSubmitScenario } from './fixtures/claim-scenarios';

type Outcome = 'consistent' | 'inconsistent' | 'needs_review';

async function scoreScenarios(testApp: TestApp, names: (name: string) => boolean): Promise<string[]> {
  const apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
  const auto = await createPolicy(testApp, apiKey, AUTO_POLICY);
  const rendered = new Map<string, Buffer>();
  const dataSource = testApp.app.get(DataSource);
  const scenarios = claimScenarios(9000).filter((scenario) => scenario.policy === 'auto' && names(scenario.name));
  const ids = await Promise.all(
    scenarios.map(async (scenario) => {
      const claim = await createClaim(testApp, apiKey, auto.id, {
        claimedPeril: scenario.claimedPeril,
        incidentDate: INCIDENT_DATE,
        photoSource: scenario.photoSource ?? 'camera',
      });
      await uploadAndSubmitScenario(testApp, apiKey, claim.id, scenario, rendered);
      return claim.id as string;
    }),
  );
  for (const id of ids)
    await waitFor(
      async () => {
        const [row] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [id])) as Array<{
          status: string;
        }>;
        return ['consistent', 'inconsistent', 'needs_review'].includes(row.status) ? row.status : undefined;
      },
      90_000,
      `claim ${id} to be scored`,
    );
  return ids;
}

function changes(pairs: Array<[Outcome, Outcome]>) {
  const counts = new Map<string, number>();
  for (const [from, to] of pairs) if (from !== to) counts.set(`${from}>${to}`, (counts.get(`${from}>${to}`) ?? 0) + 1);
  return [...counts.entries()].map(([key, count]) => ({ from: key.split('>')[0], to: key.split('>')[1], count }));
}

describe('calibrations: thresholds per model, what-if, apply, rollback (fixture model, real pipeline)', () => {
  let testApp: TestApp;
  let http: () => ReturnType<typeof request>;
  let admin: string;
  let claimIds: string[];
  let stored: Map<string, Outcome>;

  beforeAll(async () => {
    testApp = await startTestApp({ processJobs: true, label: 'calibration', env: { WORKER_CONCURRENCY: '4' } });
    http = () => request(testApp.app.getHttpServer());
    admin = `Bearer ${await tokenFor(testApp, 'admin')}`;
    // Two claims of each auto family: honest ones, planted problems of every model check, duplicates, EXIF.
    claimIds = await scoreScenarios(testApp, (name) => /-(0|1)$/.test(name));
    const rows = (await testApp.app
      .get(DataSource)
      .query(`SELECT claim_id, outcome FROM scoring_runs WHERE claim_id = ANY($1)`, [claimIds])) as Array<{
      claim_id: string;
      outcome: Outcome;
    }>;
    stored = new Map(rows.map((row) => [row.claim_id, row.outcome]));
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('runs the fixture model on its committed calibration (version 0), said by readiness and GET /v1/calibrations', async () => {
    const status = await http().get('/v1/calibrations').set('Authorization', admin).expect(200);
    expect(status.body.model.name).toBe('fixture');
    expect(status.body.safeMode).toBe(false);
    for (const line of status.body.lines) {
      expect(line.safeMode).toBe(false);
      expect(line.current.calibration).toMatchObject({ version: 0, source: 'builtin' });
      expect(line.versions).toEqual([]);
    }
    const ready = await http().get('/health/ready').expect(200);
    expect(ready.body.checks.calibration).toEqual({
      ok: true,
      detail: expect.stringMatching(/^calibrated: auto v0, property v0/),
    });
    const supervisor = `Bearer ${await tokenFor(testApp, 'supervisor')}`;
    // Supervisors read what is in force (the quality page says so); applying is for admins.
    await http().get('/v1/calibrations').set('Authorization', supervisor).expect(200);
    await http()
      .post('/v1/calibrations/auto/rollback')
      .set('Authorization', supervisor)
      .send({ version: 0 })
      .expect(403);
  });

  it('what-if counts equal a re-run of the same claims through the real scoring code after applying, and rollback restores', async () => {
    expect(claimIds.length).toBeGreaterThanOrEqual(10);
    // One decided claim, to be listed among those the proposal routes differently.
    const make = factories(testApp);
    const reviewer = await make.newUser({ role: 'adjuster' });
    const decided = claimIds.find((id) => stored.get(id) === 'consistent') ?? claimIds[0];
    const task = await make.newReviewTask({ claimId: decided, reason: 'qa_sample' });
    await testApp.app
      .get(DataSource)
      .query(
        `INSERT INTO decisions (task_id, claim_id, outcome, reason_code, note, reviewer_id) VALUES ($1, $2, 'approve', 'evidence_consistent', 'ok', $3)`,
        [task.id, decided, reviewer.id],
      );

    const current = (await http().get('/v1/calibrations').set('Authorization', admin).expect(200)).body.lines[0].current
      .thresholds as ThresholdSet;
    // No auto-clear band left for the model checks, and exclusions no longer flag: routes move both ways.
    const proposed: ThresholdSet = {
      ...current,
      peril_mismatch: { flagAt: current.peril_mismatch.flagAt, uncertainFrom: 0 },
      exclusion_evident: { flagAt: 1, uncertainFrom: 0 },
      object_mismatch: { flagAt: current.object_mismatch.flagAt, uncertainFrom: 0 },
      no_visible_damage: { flagAt: current.no_visible_damage.flagAt, uncertainFrom: 0 },
    };
    const whatIf = await http()
      .post('/v1/calibrations/what-if')
      .set('Authorization', admin)
      .send({ line: 'auto', thresholds: proposed })
      .expect(200);
    expect(whatIf.body.claims).toBe(claimIds.length);
    expect(whatIf.body.currentVersion).toBe(0);
    // "current" replays the stored scores under the thresholds in force: the outcomes the claims got.
    const storedCounts = { consistent: 0, inconsistent: 0, needs_review: 0 };
    for (const id of claimIds) storedCounts[stored.get(id)!] += 1;
    expect(whatIf.body.current).toEqual(storedCounts);
    expect(whatIf.body.outcomeChanges.length).toBeGreaterThan(0);

    const applied = await http()
      .post('/v1/calibrations/auto/versions')
      .set('Authorization', admin)
      .send({ thresholds: proposed, source: 'manual', note: 'e2e what-if check' })
      .expect(201);
    expect(applied.body).toMatchObject({
      line: 'auto',
      safeMode: false,
      calibration: { version: 1, source: 'manual' },
    });

    // The real re-run: the evaluator (stored embeddings, live checks and routing, thresholds resolved from the database).
    const validation = testApp.app.get(ValidationService);
    const rerun = new Map<string, Outcome>();
    for (const id of claimIds) rerun.set(id, (await validation.rederive(id)).outcome);
    const rerunCounts = { consistent: 0, inconsistent: 0, needs_review: 0 };
    for (const outcome of rerun.values()) rerunCounts[outcome] += 1;
    console.log(
      `what-if ${JSON.stringify(whatIf.body.proposed)} vs re-run ${JSON.stringify(rerunCounts)}; changes ${JSON.stringify(whatIf.body.outcomeChanges)}`,
    );
    expect(whatIf.body.proposed).toEqual(rerunCounts);
    const sort = (list: Array<{ from: string; to: string; count: number }>) =>
      [...list].sort((a, b) => `${a.from}${a.to}`.localeCompare(`${b.from}${b.to}`));
    expect(sort(whatIf.body.outcomeChanges)).toEqual(
      sort(changes(claimIds.map((id) => [stored.get(id)!, rerun.get(id)!]))),
    );
    const decidedChanged = stored.get(decided) !== rerun.get(decided);
    expect(whatIf.body.decidedChanged).toEqual(
      decidedChanged
        ? [{ claimId: decided, decision: 'approve', from: stored.get(decided), to: rerun.get(decided) }]
        : [],
    );
    // The stored-score replay agrees claim by claim too.
    const calibration = testApp.app.get(CalibrationService);
    const hash = (await testApp.app.get(ThresholdsService).currentModel()).hash;
    for (const id of claimIds) expect(await calibration.reroute(id, hash)).toBe(rerun.get(id));

    const [event] = (await testApp.app
      .get(DataSource)
      .query(
        `SELECT action, details FROM audit_events WHERE action = 'calibration.applied' ORDER BY seq DESC LIMIT 1`,
      )) as Array<{
      action: string;
      details: { line: string; version: number; before: { version: number }; after: ThresholdSet };
    }>;
    expect(event.details).toMatchObject({ line: 'auto', version: 1, before: { version: 0 }, after: proposed });

    // Roll back to the committed calibration: a new version, and the claims route as they were scored.
    const rolled = await http()
      .post('/v1/calibrations/auto/rollback')
      .set('Authorization', admin)
      .send({ version: 0 })
      .expect(201);
    expect(rolled.body.calibration).toMatchObject({ version: 2, source: 'rollback' });
    expect(rolled.body.thresholds).toEqual(current);
    for (const id of claimIds) expect(await calibration.reroute(id, hash)).toBe(stored.get(id));
    const history = (await http().get('/v1/calibrations').set('Authorization', admin).expect(200)).body.lines[0]
      .versions;
    expect(
      history.map((row: { version: number; source: string; rolledBackTo: number | null }) => [
        row.version,
        row.source,
        row.rolledBackTo,
      ]),
    ).toEqual([
      [2, 'rollback', 0],
      [1, 'manual', null],
    ]);
  });

  it('refuses bad thresholds and unknown versions with 400 naming the problem; PUT /v1/thresholds makes a manual version', async () => {
    const status = (await http().get('/v1/calibrations').set('Authorization', admin).expect(200)).body;
    const thresholds = status.lines[1].current.thresholds as ThresholdSet;
    const inverted = await http()
      .post('/v1/calibrations/property/versions')
      .set('Authorization', admin)
      .send({ source: 'manual', thresholds: { ...thresholds, peril_mismatch: { flagAt: 0.2, uncertainFrom: 0.4 } } })
      .expect(400);
    expect(JSON.stringify(inverted.body)).toMatch(/peril_mismatch.uncertainFrom must not be above flagAt/);
    const { duplicate_photo: _missing, ...partial } = thresholds;
    await http()
      .post('/v1/calibrations/property/versions')
      .set('Authorization', admin)
      .send({ source: 'manual', thresholds: partial })
      .expect(400);
    const unknown = await http()
      .post('/v1/calibrations/property/rollback')
      .set('Authorization', admin)
      .send({ version: 99 })
      .expect(400);
    expect(unknown.body.message).toMatch(/no calibration version 99 for property/);
    await http().post('/v1/calibrations/bogus/rollback').set('Authorization', admin).send({ version: 0 }).expect(400);

    const put = await http()
      .put('/v1/thresholds/property/object_mismatch')
      .set('Authorization', admin)
      .send({ flagAt: 0.35, uncertainFrom: 0.2 })
      .expect(200);
    expect(put.body.object_mismatch).toEqual({ flagAt: 0.35, uncertainFrom: 0.2 });
    const after = (await http().get('/v1/calibrations').set('Authorization', admin).expect(200)).body.lines[1];
    expect(after.current.calibration).toMatchObject({ version: 1, source: 'manual' });
  });

  it('fits from reviewer decisions with the named method and its guarantee (too few labels: nothing auto-cleared)', async () => {
    const fit = await http()
      .post('/v1/calibrations/fit')
      .set('Authorization', admin)
      .send({ maxFalseClearRate: 0.02, confidence: 0.95 })
      .expect(200);
    expect(fit.body.method).toMatch(/Learn then Test.*Clopper–Pearson/);
    expect(fit.body.labelSource).toBe('reviewers');
    expect(fit.body.claims).toBe(1);
    expect(fit.body.ltt.lambda).toBe(0);
    expect(
      fit.body.proposals.map((proposal: { proposed: ThresholdSet }) => proposal.proposed.peril_mismatch.uncertainFrom),
    ).toEqual([0, 0]);
    expect(fit.body.guarantee).toMatch(/P\(problem \| auto-cleared\) ≤ α, α = 0.02, δ = 0.05/);
    await http()
      .post('/v1/calibrations/fit')
      .set('Authorization', admin)
      .send({ maxFalseClearRate: 2, confidence: 0.95 })
      .expect(400);
  });

  it('resolves any other model or prompt set to safe mode', async () => {
    const resolved = await testApp.app.get(ThresholdsService).resolve('auto', 'f'.repeat(64));
    expect(resolved).toMatchObject({ safeMode: true, calibration: null });
  });
});

describe('an uncalibrated model (fixture-int8) runs in safe mode: nothing auto-cleared', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ processJobs: true, label: 'calibration-safe', env: { CLIP_MODEL: 'fixture-int8' } });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  it('says so on readiness and the calibration status, and routes an honest claim to review instead of clearing it', async () => {
    const http = () => request(testApp.app.getHttpServer());
    // The worker preloads the model first: ready once it has.
    const ready = await waitFor(
      async () => {
        const response = await http().get('/health/ready');
        return response.status === 200 ? response : undefined;
      },
      60_000,
      'readiness',
    );
    expect(ready.body.checks.calibration.detail).toMatch(
      /^safe mode: no calibration for model fixture-int8 .* on auto, property; nothing is auto-cleared/,
    );
    const admin = `Bearer ${await tokenFor(testApp, 'admin')}`;
    const status = (await http().get('/v1/calibrations').set('Authorization', admin).expect(200)).body;
    expect(status.safeMode).toBe(true);
    expect(status.lines.map((line: { safeMode: boolean }) => line.safeMode)).toEqual([true, true]);

    const [id] = await scoreScenarios(testApp, (name) => name === 'honest-auto-0');
    const dataSource = testApp.app.get(DataSource);
    const [claim] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [id])) as Array<{
      status: string;
    }>;
    expect(claim.status).not.toBe('consistent');
    const tasks = (await dataSource.query(`SELECT reason FROM review_tasks WHERE claim_id = $1`, [id])) as Array<{
      reason: string;
    }>;
    expect(tasks).toHaveLength(1);
    const [event] = (await dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'scoring.run_completed' AND details->>'claimId' = $1`,
      [id],
    )) as Array<{ details: { safeMode: boolean; calibration: unknown } }>;
    expect(event.details).toMatchObject({ safeMode: true, calibration: null });
  });
});
