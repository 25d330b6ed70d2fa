import request from 'supertest';
import { DataSource } from 'typeorm';
import { CHECK_KINDS, type CheckKind } from '../src/validation/check.entity';
import { ValidationService } from '../src/validation/validation.service';
import { createIntakeClient, tokenFor } from './support/auth-helpers';
import { waitFor } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy } from './fixtures/intake-fixtures';
import {
  AUTO_POLICY,
  INCIDENT_DATE,
  PROPERTY_POLICY,
  claimScenarios,
  uploadAndSubmitScenario,
  type ClaimScenario,
} from './fixtures/claim-scenarios';

interface Scored {
  scenario: ClaimScenario;
  claimId: string;
  status: string;
  flagged: Set<CheckKind>;
  /** Highest score per check kind, to explain a miss. */
  scores: Record<string, number>;
}

describe('validation over a labelled synthetic claim set (fixture model, real pipeline)', () => {
  let testApp: TestApp;
  let apiKey: string;
  let scored: Scored[];

  beforeAll(async () => {
    testApp = await startTestApp({ processJobs: true, label: 'validation', env: { WORKER_CONCURRENCY: '4' } });
    apiKey = (await createIntakeClient(testApp, 'team-a')).apiKey;
    const auto = await createPolicy(testApp, apiKey, AUTO_POLICY);
    const property = await createPolicy(testApp, apiKey, PROPERTY_POLICY);
    const rendered = new Map<string, Buffer>();
    const submitted: Array<{ scenario: ClaimScenario; claimId: string }> = [];
    for (const scenario of claimScenarios(Number(process.env.CLAIM_SCENARIO_SEED ?? 9000))) {
      const claim = await createClaim(testApp, apiKey, scenario.policy === 'auto' ? auto.id : property.id, {
        claimedPeril: scenario.claimedPeril,
        incidentDate: INCIDENT_DATE,
        photoSource: scenario.photoSource ?? 'camera',
      });
      // Submitted one by one and scored before the next, so a planted duplicate always finds its original.
      await uploadAndSubmitScenario(testApp, apiKey, claim.id, scenario, rendered);
      await waitForFinalStatus(claim.id);
      submitted.push({ scenario, claimId: claim.id });
    }
    const dataSource = testApp.app.get(DataSource);
    scored = [];
    for (const { scenario, claimId } of submitted) {
      const [claim] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [claimId])) as Array<{
        status: string;
      }>;
      const rows = (await dataSource.query(
        `SELECT kind, bool_or(flagged) AS flagged, max(score) AS score FROM checks WHERE claim_id = $1 GROUP BY kind`,
        [claimId],
      )) as Array<{
        kind: CheckKind;
        flagged: boolean;
        score: number;
      }>;
      scored.push({
        scenario,
        claimId,
        status: claim.status,
        flagged: new Set(rows.filter((row) => row.flagged).map((row) => row.kind)),
        scores: Object.fromEntries(rows.map((row) => [row.kind, Math.round(Number(row.score) * 1000) / 1000])),
      });
    }
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function waitForFinalStatus(claimId: string): Promise<string> {
    const dataSource = testApp.app.get(DataSource);
    return waitFor(
      async () => {
        const [row] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [claimId])) as Array<{
          status: string;
        }>;
        return ['consistent', 'inconsistent', 'needs_review'].includes(row.status) ? row.status : undefined;
      },
      60_000,
      `claim ${claimId} to be scored`,
    );
  }

  it('reaches precision and recall of at least 0.9 for every check', () => {
    expect(scored.length).toBeGreaterThanOrEqual(60);
    const table: Array<Record<string, string | number>> = [];
    const failures: string[] = [];
    for (const kind of CHECK_KINDS) {
      let truePositive = 0;
      let falsePositive = 0;
      let falseNegative = 0;
      for (const claim of scored) {
        const expected = claim.scenario.expected.includes(kind);
        const flagged = claim.flagged.has(kind);
        if (expected && flagged) truePositive += 1;
        if (!expected && flagged) falsePositive += 1;
        if (expected && !flagged) falseNegative += 1;
      }
      const precision = truePositive + falsePositive === 0 ? 1 : truePositive / (truePositive + falsePositive);
      const recall = truePositive + falseNegative === 0 ? 1 : truePositive / (truePositive + falseNegative);
      table.push({
        check: kind,
        positives: truePositive + falseNegative,
        truePositive,
        falsePositive,
        falseNegative,
        precision: precision.toFixed(3),
        recall: recall.toFixed(3),
      });
      if (precision < 0.9 || recall < 0.9) failures.push(kind);
    }
    console.log(`validation over ${scored.length} labelled claims (fixture model)\n${formatTable(table)}`);
    const misses = scored
      .filter((claim) => CHECK_KINDS.some((kind) => claim.scenario.expected.includes(kind) !== claim.flagged.has(kind)))
      .map(
        (claim) =>
          `${claim.scenario.name} (${claim.status}): expected [${claim.scenario.expected.join(', ')}] got [${[...claim.flagged].join(', ')}] scores ${JSON.stringify(claim.scores)}`,
      );
    if (misses.length > 0) console.log(`claims whose flags differ from their labels:\n${misses.join('\n')}`);
    // How well each check's score separates the claims that should flag from those that should not:
    // the data for choosing thresholds (calibrate with CLAIM_SCENARIO_SEED=5000, not on this set).
    const separation = CHECK_KINDS.map((kind) => {
      const positives = scored
        .filter((claim) => claim.scenario.expected.includes(kind))
        .map((claim) => claim.scores[kind] ?? 0);
      const negatives = scored
        .filter((claim) => !claim.scenario.expected.includes(kind))
        .map((claim) => claim.scores[kind] ?? 0);
      return {
        check: kind,
        lowestPositive: Math.min(...positives).toFixed(3),
        highestNegative: Math.max(...negatives).toFixed(3),
      };
    });
    console.log(`score separation\n${formatTable(separation)}`);
    expect(failures).toEqual([]);
  });

  it('routes flagged claims to review and tells the intake system only the status', async () => {
    const flagged = scored.find((claim) => claim.scenario.name === 'peril-mismatch-0')!;
    expect(flagged.status).toBe('inconsistent');
    const dataSource = testApp.app.get(DataSource);
    const tasks = (await dataSource.query(`SELECT reason, priority, sla_due_at FROM review_tasks WHERE claim_id = $1`, [
      flagged.claimId,
    ])) as Array<{ reason: string }>;
    expect(tasks).toEqual([expect.objectContaining({ reason: 'flagged' })]);
    const intakeView = await request(testApp.app.getHttpServer())
      .get(`/v1/claims/${flagged.claimId}`)
      .set('X-API-Key', apiKey)
      .expect(200);
    expect(intakeView.body.status).toBe('inconsistent');
    expect(JSON.stringify(intakeView.body)).not.toMatch(/peril_mismatch|score|flag/i);
    await request(testApp.app.getHttpServer())
      .get(`/v1/claims/${flagged.claimId}/validation`)
      .set('X-API-Key', apiKey)
      .expect(403);
  });

  it('shows staff the checks, scores, model and prompt versions; the audit trail holds the model run', async () => {
    const claim = scored.find((entry) => entry.scenario.name === 'duplicate-0')!;
    const supervisor = await tokenFor(testApp, 'supervisor', 'team-a');
    const view = await request(testApp.app.getHttpServer())
      .get(`/v1/claims/${claim.claimId}/validation`)
      .set('Authorization', `Bearer ${supervisor}`)
      .expect(200);
    expect(view.body.run).toMatchObject({
      modelId: 'fixture',
      modelHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      promptSetVersion: expect.stringMatching(/^ps1-/),
    });
    const duplicate = (
      view.body.checks as Array<{ kind: string; flagged: boolean; evidence: Record<string, unknown> }>
    ).find((check) => check.kind === 'duplicate_photo' && check.flagged)!;
    const original = scored.find((entry) => entry.scenario.name === 'honest-auto-0')!;
    expect(duplicate.evidence.otherClaimId).toBe(original.claimId);
    const otherTeam = await tokenFor(testApp, 'supervisor', 'team-b');
    await request(testApp.app.getHttpServer())
      .get(`/v1/claims/${claim.claimId}/validation`)
      .set('Authorization', `Bearer ${otherTeam}`)
      .expect(404);
    const events = (await testApp.app
      .get(DataSource)
      .query(`SELECT details FROM audit_events WHERE action = 'scoring.run_completed' AND details->>'claimId' = $1`, [
        claim.claimId,
      ])) as Array<{
      details: Record<string, unknown>;
    }>;
    expect(events).toHaveLength(1);
    expect(events[0].details).toMatchObject({
      modelHash: view.body.run.modelHash,
      promptSetVersion: view.body.run.promptSetVersion,
      outcome: 'inconsistent',
    });
  });

  it('re-deriving a decided claim gives the same numbers', async () => {
    const claim = scored.find((entry) => entry.scenario.name === 'honest-auto-1')!;
    const dataSource = testApp.app.get(DataSource);
    await dataSource.query(`UPDATE claims SET status = 'decided', decided_at = now() WHERE id = $1`, [claim.claimId]);
    const stored = (await dataSource.query(
      `SELECT kind, photo_id, score, flagged, uncertain FROM checks WHERE claim_id = $1`,
      [claim.claimId],
    )) as Array<{
      kind: string;
      photo_id: string | null;
      score: number;
      flagged: boolean;
      uncertain: boolean;
    }>;
    const again = await testApp.app.get(ValidationService).rederive(claim.claimId);
    const recomputed = again.checks
      .map((check) => ({
        kind: check.kind,
        photo_id: check.photoId,
        score: check.score,
        flagged: check.flagged,
        uncertain: check.uncertain,
      }))
      .sort((a, b) => `${a.kind}${a.photo_id}`.localeCompare(`${b.kind}${b.photo_id}`));
    const storedSorted = [...stored].sort((a, b) => `${a.kind}${a.photo_id}`.localeCompare(`${b.kind}${b.photo_id}`));
    // Scores are stored as PostgreSQL real (float32): compare at that precision.
    expect(recomputed.map((check) => ({ ...check, score: Math.fround(check.score) }))).toEqual(
      storedSorted.map((check) => ({ ...check, score: Math.fround(check.score) })),
    );
  });
  it('reports model–reviewer agreement per check once adjusters decide (GET /v1/metrics/quality)', async () => {
    const server = testApp.app.getHttpServer();
    const adjuster = await tokenFor(testApp, 'adjuster', 'team-a');
    const dataSource = testApp.app.get(DataSource);
    async function decide(scenario: string, outcome: string, reasonCode: string) {
      const claim = scored.find((entry) => entry.scenario.name === scenario)!;
      const [task] = (await dataSource.query(
        `SELECT id, version FROM review_tasks WHERE claim_id = $1 AND status = 'open'`,
        [claim.claimId],
      )) as Array<{ id: string; version: number }>;
      const assigned = await request(server)
        .post(`/v1/review/tasks/${task.id}/assign`)
        .set('Authorization', `Bearer ${adjuster}`)
        .send({ version: task.version })
        .expect(200);
      // Approving over open flags needs their photos opened or the flags acknowledged (decide on evidence).
      const detail = await request(server)
        .get(`/v1/review/tasks/${task.id}`)
        .set('Authorization', `Bearer ${adjuster}`)
        .expect(200);
      const acknowledgements =
        outcome === 'approve'
          ? (detail.body.evidence.flags as Array<{ checkId: string }>).map((flag) => ({
              checkId: flag.checkId,
              note: 'The model flagged what the photos do not show.',
            }))
          : undefined;
      await request(server)
        .post(`/v1/review/tasks/${task.id}/decision`)
        .set('Authorization', `Bearer ${adjuster}`)
        .send({
          outcome,
          reasonCode,
          note: 'Checked the photos against the claim.',
          version: assigned.body.version,
          acknowledgements,
        })
        .expect(200);
    }
    await decide('duplicate-2', 'deny', 'duplicate_evidence');
    await decide('peril-mismatch-3', 'approve', 'model_false_positive');
    const supervisor = await tokenFor(testApp, 'supervisor', 'team-a');
    const report = await request(server)
      .get('/v1/metrics/quality')
      .set('Authorization', `Bearer ${supervisor}`)
      .expect(200);
    const byKind = Object.fromEntries(
      (report.body.checks as Array<{ kind: string }>).map((entry) => [entry.kind, entry]),
    ) as Record<string, Record<string, unknown>>;
    expect(byKind.duplicate_photo).toMatchObject({ truePositive: 1, falsePositive: 0, precision: 1 });
    expect(byKind.peril_mismatch).toMatchObject({
      truePositive: 0,
      falsePositive: 1,
      precision: 0,
      currentFlagAt: expect.any(Number),
    });
    await request(server).get('/v1/metrics/quality').set('Authorization', `Bearer ${adjuster}`).expect(403);
  });
});

function formatTable(rows: Array<Record<string, string | number>>): string {
  const columns = Object.keys(rows[0]);
  const widths = columns.map((column) => Math.max(column.length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells: string[]) => cells.map((cell, index) => cell.padEnd(widths[index])).join('  ');
  return [line(columns), ...rows.map((row) => line(columns.map((column) => String(row[column]))))].join('\n');
}
