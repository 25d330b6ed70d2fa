/**
 * Model governance end to end (src/governance/README.md): the same claims scored without and with a shadow
 * model (SHADOW_MODEL=fixture-int8) get identical routes, checks and review tasks, and only the second app
 * has shadow rows; then, on the shadow app, the shadow report, the promotion with its what-if, the drift
 * report and an occlusion heatmap through the worker.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { REPO_ROOT, waitFor } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy } from './fixtures/intake-fixtures';
import {
  AUTO_POLICY,
  INCIDENT_DATE,
  PROPERTY_POLICY,
  claimScenarios,
  uploadAndSubmitScenario,
} from './fixtures/claim-scenarios';

const SCENARIOS = ['honest-property-0', 'peril-mismatch-0', 'exclusion-2', 'unusable-0'];

interface Routed {
  scenario: string;
  claimId: string;
  status: string;
  checks: string[];
  task: string | null;
}

async function scoreScenarios(testApp: TestApp): Promise<Routed[]> {
  const apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
  const auto = await createPolicy(testApp, apiKey, AUTO_POLICY);
  const property = await createPolicy(testApp, apiKey, PROPERTY_POLICY);
  const dataSource = testApp.app.get(DataSource);
  const rendered = new Map<string, Buffer>();
  const routed: Routed[] = [];
  // One claim at a time: the duplicate check compares a photo with every photo stored before it, so scoring
  // claims at once would make its score depend on which claim the workers finished first.
  for (const scenario of claimScenarios(9000).filter((s) => SCENARIOS.includes(s.name))) {
    const claim = await createClaim(testApp, apiKey, scenario.policy === 'auto' ? auto.id : property.id, {
      claimedPeril: scenario.claimedPeril,
      incidentDate: INCIDENT_DATE,
      photoSource: scenario.photoSource ?? 'camera',
    });
    await uploadAndSubmitScenario(testApp, apiKey, claim.id, scenario, rendered);
    const claimId = claim.id;
    const status = await waitFor(
      async () => {
        const [row] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [claimId])) as Array<{
          status: string;
        }>;
        return ['consistent', 'inconsistent', 'needs_review'].includes(row.status) ? row.status : undefined;
      },
      60_000,
      `claim ${scenario.name} routed`,
    );
    const checks = (await dataSource.query(
      `SELECT kind, flagged, uncertain, score, severity FROM checks WHERE claim_id = $1`,
      [claimId],
    )) as Array<{ kind: string; flagged: boolean; uncertain: boolean; score: number; severity: string }>;
    const [task] = (await dataSource.query(`SELECT reason, team FROM review_tasks WHERE claim_id = $1`, [
      claimId,
    ])) as Array<{ reason: string; team: string }>;
    routed.push({
      scenario: scenario.name,
      claimId,
      status,
      // photo ids differ between the two apps: compare the checks as a sorted list
      checks: checks.map((c) => `${c.kind} ${c.flagged} ${c.uncertain} ${c.score} ${c.severity}`).sort(),
      task: task ? `${task.reason} ${task.team}` : null,
    });
  }
  return routed;
}

describe('model governance (fixture champion, fixture-int8 challenger)', () => {
  let without: Routed[];
  let withShadow: Routed[];
  let shadowApp: TestApp;
  let supervisor: string;
  let admin: string;

  beforeAll(async () => {
    const plain = await startTestApp({
      processJobs: true,
      label: 'governance_plain',
      env: { WORKER_CONCURRENCY: '4' },
    });
    try {
      without = await scoreScenarios(plain);
      const [{ count }] = (await plain.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS count FROM shadow_scores`)) as Array<{
        count: number;
      }>;
      expect(count).toBe(0);
    } finally {
      await plain.close();
    }
    shadowApp = await startTestApp({
      processJobs: true,
      label: 'governance_shadow',
      env: { SHADOW_MODEL: 'fixture-int8', WORKER_CONCURRENCY: '4' },
    });
    withShadow = await scoreScenarios(shadowApp);
    const dataSource = shadowApp.app.get(DataSource);
    await waitFor(
      async () => {
        const [{ count }] = (await dataSource.query(`SELECT count(*)::int AS count FROM shadow_scores`)) as Array<{
          count: number;
        }>;
        return count === SCENARIOS.length ? true : undefined;
      },
      60_000,
      'a shadow row per claim',
    );
    supervisor = await tokenFor(shadowApp, 'supervisor');
    admin = await tokenFor(shadowApp, 'admin');
  });

  afterAll(async () => {
    await shadowApp?.close();
  });

  it('a shadow model changes no route: same statuses, checks and review tasks, shadow rows only with it', async () => {
    expect(without.map((r) => r.scenario)).toEqual(
      SCENARIOS.filter((name) => without.some((r) => r.scenario === name)),
    );
    expect(withShadow.map(({ claimId: _id, ...rest }) => rest)).toEqual(
      without.map(({ claimId: _id, ...rest }) => rest),
    );
    // the set is not trivial: it routes claims every way
    expect(new Set(without.map((r) => r.status))).toEqual(new Set(['consistent', 'inconsistent']));
    const rows = (await shadowApp.app
      .get(DataSource)
      .query(`SELECT claim_id, model_id, champion_outcome, outcome, checks FROM shadow_scores`)) as Array<{
      claim_id: string;
      model_id: string;
      champion_outcome: string;
      outcome: string;
      checks: Array<{ kind: string }>;
    }>;
    for (const routed of withShadow) {
      const row = rows.find((r) => r.claim_id === routed.claimId)!;
      expect(row.model_id).toBe('fixture-int8');
      expect(row.champion_outcome).toBe(routed.status);
    }
    // the unusable photo's claim has no model check for the shadow either
    expect(
      rows.find((r) => r.claim_id === withShadow.find((w) => w.scenario === 'unusable-0')!.claimId)!.checks,
    ).toEqual([]);
  });

  it('reports agreement and the what-if, and promotion (admin) records it with an audit event', async () => {
    const http = request(shadowApp.app.getHttpServer());
    const report = await http.get('/v1/models/shadow').set('Authorization', `Bearer ${supervisor}`).expect(200);
    expect(report.body.champion.name).toBe('fixture');
    expect(report.body.shadow.name).toBe('fixture-int8');
    expect(report.body.agreement.claims).toBe(SCENARIOS.length);
    expect(report.body.whatIf.claims).toBe(SCENARIOS.length);
    expect(report.body.agreement.checks.map((c: { kind: string }) => c.kind)).toContain('peril_mismatch');
    // int8 agrees with its float model on these clear-cut claims
    expect(report.body.agreement.outcomeAgreement).toBeGreaterThanOrEqual(0.8);

    await http
      .post('/v1/models/shadow/promote')
      .set('Authorization', `Bearer ${supervisor}`)
      .send({ modelHash: report.body.shadow.hash })
      .expect(403);
    const wrong = await http
      .post('/v1/models/shadow/promote')
      .set('Authorization', `Bearer ${admin}`)
      .send({ modelHash: report.body.champion.hash })
      .expect(409);
    expect(wrong.body.message).toContain('is not the challenger');
    const promoted = await http
      .post('/v1/models/shadow/promote')
      .set('Authorization', `Bearer ${admin}`)
      .send({ modelHash: report.body.shadow.hash })
      .expect(200);
    expect(promoted.body.whatIf.claims).toBe(SCENARIOS.length);
    expect(promoted.body.nextStep).toContain('CLIP_MODEL=fixture-int8');
    const events = (await shadowApp.app
      .get(DataSource)
      .query(`SELECT action FROM audit_events WHERE action IN ('model.promoted', 'shadow.scored')`)) as Array<{
      action: string;
    }>;
    expect(events.filter((e) => e.action === 'model.promoted')).toHaveLength(1);
    expect(events.filter((e) => e.action === 'shadow.scored')).toHaveLength(SCENARIOS.length);
  });

  it('drift: PSI per model check against the fixture model card', async () => {
    const drift = await request(shadowApp.app.getHttpServer())
      .get('/v1/models/drift')
      .set('Authorization', `Bearer ${supervisor}`)
      .expect(200);
    expect(drift.body.threshold).toBe(0.2);
    expect(drift.body.referenceSource).toMatch(/^scenes/);
    const peril = drift.body.checks.find((c: { kind: string }) => c.kind === 'peril_mismatch');
    expect(peril.n).toBe(SCENARIOS.length - 1); // the unusable claim has no model check
    expect(typeof peril.psi).toBe('number');
    expect(peril.alert).toBe(peril.psi > 0.2);
    const metrics = await request(shadowApp.app.getHttpServer()).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/model_score_drift_psi\{check="peril_mismatch"\} [0-9.]+/);
    expect(metrics.text).toMatch(/model_score_drift_alert\{check="peril_mismatch"\} [01]/);
  });

  it('an occlusion heatmap of a flagged photo: requested, computed by the worker, cached, its view audited', async () => {
    const http = request(shadowApp.app.getHttpServer());
    const dataSource = shadowApp.app.get(DataSource);
    const claimId = withShadow.find((r) => r.scenario === 'peril-mismatch-0')!.claimId;
    const [check] = (await dataSource.query(
      `SELECT id FROM checks WHERE claim_id = $1 AND kind = 'peril_mismatch' AND flagged`,
      [claimId],
    )) as Array<{ id: string }>;
    const [clear] = (await dataSource.query(
      `SELECT id FROM checks WHERE claim_id = $1 AND kind = 'object_mismatch' AND NOT flagged`,
      [claimId],
    )) as Array<{ id: string }>;
    const requested = await http
      .post(`/v1/claims/${claimId}/checks/${check.id}/heatmap`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({})
      .expect(202);
    expect(requested.body.targetLabel).toMatch(/^damage:/);
    await http
      .post(`/v1/claims/${claimId}/checks/${clear.id}/heatmap`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({})
      .expect(400);
    const done = await waitFor(
      async () => {
        const polled = await http
          .get(`/v1/heatmaps/${requested.body.id}`)
          .set('Authorization', `Bearer ${supervisor}`)
          .expect(200);
        return polled.body.status === 'pending' ? undefined : polled.body;
      },
      60_000,
      'the heatmap computed',
    );
    expect(done.status).toBe('done');
    expect(done.grid).toBe(7);
    expect(done.drops).toHaveLength(49);
    expect(Math.max(...done.drops)).toBeGreaterThan(0);
    // cached: asking again returns the same heatmap
    const again = await http
      .post(`/v1/claims/${claimId}/checks/${check.id}/heatmap`)
      .set('Authorization', `Bearer ${supervisor}`)
      .send({})
      .expect(202);
    expect(again.body).toMatchObject({ id: requested.body.id, status: 'done' });
    // another team's supervisor does not see it
    const other = await tokenFor(shadowApp, 'supervisor', 'team-b');
    await http.get(`/v1/heatmaps/${requested.body.id}`).set('Authorization', `Bearer ${other}`).expect(404);
    const audit = (await dataSource.query(
      `SELECT action FROM audit_events WHERE action LIKE 'heatmap.%' ORDER BY occurred_at`,
    )) as Array<{ action: string }>;
    expect(audit.map((e) => e.action)).toEqual(
      expect.arrayContaining(['heatmap.requested', 'heatmap.computed', 'heatmap.viewed']),
    );
  });

  it('models:evaluate --from-reviews labels the decided claims by the reviewers, for the champion and the challenger', async () => {
    const dataSource = shadowApp.app.get(DataSource);
    const [reviewer] = (await dataSource.query(`SELECT id FROM users LIMIT 1`)) as Array<{ id: string }>;
    const decide = async (scenario: string, outcome: string, reasonCode: string) => {
      const claimId = withShadow.find((r) => r.scenario === scenario)!.claimId;
      await dataSource.query(
        `INSERT INTO decisions (task_id, claim_id, outcome, reason_code, note, reviewer_id)
         SELECT id, claim_id, $2, $3, 'seeded by the governance test', $4 FROM review_tasks WHERE claim_id = $1`,
        [claimId, outcome, reasonCode, reviewer.id],
      );
    };
    await decide('peril-mismatch-0', 'deny', 'evidence_contradicts_claim');
    await decide('exclusion-2', 'deny', 'excluded_peril');
    await decide('unusable-0', 'approve', 'consistent');
    const evaluate = (model: string) => {
      const result = spawnSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'dist/src/cli.js'),
          'models:evaluate',
          '--model',
          model,
          '--from-reviews',
          '--since',
          '2000-01-01',
          '--json',
          '--no-card',
        ],
        { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, ...shadowApp.env } },
      );
      expect(result.stderr).toBe('');
      return JSON.parse(result.stdout) as {
        claims: number;
        source: string;
        checks: Record<string, { n: number; positives: number }>;
      };
    };
    for (const model of ['fixture', 'fixture-int8']) {
      const report = evaluate(model);
      // the unusable photo's claim has no model check to label
      expect({ model, claims: report.claims }).toEqual({ model, claims: 2 });
      expect(report.source).toMatch(/^reviews since 2000-01-01/);
      expect(report.checks.peril_mismatch).toMatchObject({ n: 1, positives: 1 });
      expect(report.checks.exclusion_evident).toMatchObject({ n: 1, positives: 1 });
      expect(report.checks.object_mismatch.n).toBe(0);
    }
  });
});
