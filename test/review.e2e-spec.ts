import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { ManualClock } from '../src/common/clock';
import type { TaskDetail, TaskPage } from '../src/review/review-query.service';
import type { TaskView } from '../src/review/review-rows';
import {
  ReviewService,
  STALE_TASK_MESSAGE,
  type DecisionResult,
  type OpenTaskInput,
} from '../src/review/review.service';
import type { ReviewReason } from '../src/review/review-task.entity';
import { createIntakeClient, createUser, login, TEST_CONTEXT, type TestUser } from './support/auth-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const NOW = '2026-03-02T12:00:00Z';
const HOUR = 3_600_000;

interface Person extends TestUser {
  token: string;
}

describe('review queue, assignment and decisions (real PostgreSQL)', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  let review: ReviewService;
  let audit: AuditService;
  const clock = new ManualClock(NOW);
  let intake: { id: string; apiKey: string };
  const policies: Record<string, string> = {};
  const people: Record<string, Person> = {};

  const http = () => request(testApp.app.getHttpServer());
  const bearer = (who: string) => ({ Authorization: `Bearer ${people[who].token}` });
  /** POST to a task's action (`assign`, `decision`, `override`) as `who`. */
  const act = (taskId: string, action: 'assign' | 'decision' | 'override', who: string, body: object) =>
    http().post(`/v1/review/tasks/${taskId}/${action}`).set(bearer(who)).send(body);
  const next = (who: string) => http().post('/v1/review/tasks/next').set(bearer(who)).send();

  async function person(key: string, role: TestUser['role'], team: string): Promise<void> {
    const user = await createUser(testApp, { role, team });
    people[key] = { ...user, token: await login(testApp, user.email, user.password) };
  }

  async function policyFor(team: string): Promise<string> {
    if (!policies[team]) {
      const row = await factories(testApp).newPolicy({
        number: `POL-${team}-${randomBytes(3).toString('hex')}`,
        lineOfBusiness: 'property',
        insuredObject: 'two-storey brick house',
        effectiveFrom: '2025-01-01',
        effectiveTo: '2026-12-31',
        createdByClientId: intake.id,
      });
      policies[team] = row.id;
    }
    return policies[team];
  }

  /** A scored claim (status from its review reason), inserted directly: intake is built elsewhere. */
  async function insertClaim(team: string, reason: ReviewReason, amount = '1250.00'): Promise<string> {
    const status = reason === 'flagged' ? 'inconsistent' : reason === 'uncertain' ? 'needs_review' : 'consistent';
    const submittedAt = new Date(Date.parse(NOW) - 30 * HOUR);
    const row = await factories(testApp).newClaim({
      policyId: await policyFor(team),
      submitterClientId: intake.id,
      externalReference: `EXT-${randomBytes(4).toString('hex')}`,
      claimedPeril: 'hail',
      description: 'hail damaged my roof',
      incidentDate: '2026-02-20',
      amount,
      team,
      idempotencyKey: randomUUID(),
      requestHash: 'hash',
      status,
      submittedAt,
      createdAt: submittedAt,
    });
    return row.id;
  }

  async function openTask(input: OpenTaskInput) {
    return audit.run(TEST_CONTEXT, (tx) => review.openTask(tx, input));
  }

  async function newTask(
    team: string,
    reason: ReviewReason,
    priority: number,
    slaHours = 24,
  ): Promise<{ taskId: string; claimId: string }> {
    const claimId = await insertClaim(team, reason);
    const task = await openTask({
      claimId,
      reason,
      priority,
      slaDueAt: new Date(Date.parse(NOW) + slaHours * HOUR),
      team,
    });
    return { taskId: task.id, claimId };
  }

  async function task(who: string, id: string): Promise<TaskDetail> {
    const response = await http().get(`/v1/review/tasks/${id}`).set(bearer(who));
    expect(response.status).toBe(200);
    return response.body as TaskDetail;
  }

  async function auditActions(resourceId: string): Promise<string[]> {
    const rows = (await dataSource.query(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq`, [
      resourceId,
    ])) as Array<{ action: string }>;
    return rows.map((row) => row.action);
  }

  const note = 'The photos show hail damage on the roof as claimed.';

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'review', manualClock: clock });
    dataSource = testApp.database.dataSource;
    review = testApp.app.get(ReviewService);
    audit = testApp.app.get(AuditService);
    intake = await createIntakeClient(testApp, 'team-a');
    await person('adjA1', 'adjuster', 'team-a');
    await person('adjA2', 'adjuster', 'team-a');
    await person('supA', 'supervisor', 'team-a');
    await person('adjB', 'adjuster', 'team-b');
    await person('compliance', 'compliance', 'team-a');
    await person('admin', 'admin', 'ops');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describe('openTask', () => {
    it('is idempotent: a claim with an undecided task keeps it, recorded once', async () => {
      const claimId = await insertClaim('team-a', 'flagged');
      const input = {
        claimId,
        reason: 'flagged' as const,
        priority: 600,
        slaDueAt: new Date(Date.parse(NOW) + 24 * HOUR),
        team: 'team-a',
      };
      const first = await openTask(input);
      const second = await openTask({ ...input, priority: 900 });
      const concurrent = await Promise.all([openTask(input), openTask(input)]);
      expect(first.created).toBe(true);
      expect(second).toMatchObject({ id: first.id, created: false, priority: 600 });
      expect(concurrent.map((opened) => opened.id)).toEqual([first.id, first.id]);
      const rows = (await dataSource.query(`SELECT id FROM review_tasks WHERE claim_id = $1 AND status <> 'decided'`, [
        claimId,
      ])) as unknown[];
      expect(rows).toHaveLength(1);
      expect(await auditActions(first.id)).toEqual(['review.task_opened']);
    });
  });

  describe('queue', () => {
    let high: string;
    let low: string;
    let qa: string;
    let other: string;

    beforeAll(async () => {
      ({ taskId: high } = await newTask('team-q', 'flagged', 800, 24));
      ({ taskId: low } = await newTask('team-q', 'uncertain', 300, 2));
      ({ taskId: qa } = await newTask('team-q', 'qa_sample', 300, 120));
      ({ taskId: other } = await newTask('team-r', 'flagged', 999, 1));
      await person('adjQ1', 'adjuster', 'team-q');
      await person('adjQ2', 'adjuster', 'team-q');
      await person('supQ', 'supervisor', 'team-q');
      await person('adjR', 'adjuster', 'team-r');
    });

    it("an adjuster sees its team's tasks only, by priority then SLA, with the claim facts and counts per reason", async () => {
      const response = await http().get('/v1/review/tasks').set(bearer('adjQ1'));
      expect(response.status).toBe(200);
      const page = response.body as TaskPage;
      expect(page.items.map((item) => item.id)).toEqual([high, low, qa]);
      expect(page.items.map((item) => item.id)).not.toContain(other);
      expect(page.total).toBe(3);
      expect(page.countsByReason).toEqual({ flagged: 1, uncertain: 1, qa_sample: 1 });
      expect(page.items[0]).toMatchObject({
        reason: 'flagged',
        priority: 800,
        claimedPeril: 'hail',
        lineOfBusiness: 'property',
        amount: '1250.00',
        ageHours: 30,
        slaBreached: false,
        assigneeId: null,
        version: 1,
        status: 'open',
      });
      expect(page.items[0].externalReference).toMatch(/^EXT-/);

      const filtered = (await http().get('/v1/review/tasks?reason=uncertain').set(bearer('adjQ1'))).body as TaskPage;
      expect(filtered.items.map((item) => item.id)).toEqual([low]);
      expect(filtered.total).toBe(1);
      expect(filtered.countsByReason).toEqual({ flagged: 1, uncertain: 1, qa_sample: 1 });

      const bySla = (await http().get('/v1/review/tasks?sort=sla').set(bearer('adjQ1'))).body as TaskPage;
      expect(bySla.items.map((item) => item.id)).toEqual([low, high, qa]);

      const otherTeam = (await http().get('/v1/review/tasks').set(bearer('adjR'))).body as TaskPage;
      expect(otherTeam.items.map((item) => item.id)).toEqual([other]);
      expect((await http().get('/v1/review/tasks?pageSize=2&page=2').set(bearer('adjQ1'))).body).toMatchObject({
        total: 3,
        items: [{ id: qa }],
      });
    });

    it('SLA breach follows the clock', async () => {
      const late = await newTask('team-s', 'uncertain', 300, -1);
      const onTime = await newTask('team-s', 'uncertain', 300, 1);
      await person('adjS', 'adjuster', 'team-s');
      const page = (await http().get('/v1/review/tasks').set(bearer('adjS'))).body as TaskPage;
      expect(page.items.map((item) => [item.id, item.slaBreached])).toEqual([
        [late.taskId, true],
        [onTime.taskId, false],
      ]);
    });

    it('scope=mine holds only tasks assigned to the caller; the supervisor sees the team with assignees', async () => {
      expect(((await http().get('/v1/review/tasks?scope=mine').set(bearer('adjQ1'))).body as TaskPage).items).toEqual(
        [],
      );
      const assigned = await act(low, 'assign', 'adjQ1', { version: 1 });
      expect(assigned.status).toBe(200);
      expect(assigned.body).toMatchObject({ id: low, assigneeId: people.adjQ1.id, status: 'assigned', version: 2 });
      const mine = (await http().get('/v1/review/tasks?scope=mine').set(bearer('adjQ1'))).body as TaskPage;
      expect(mine.items.map((item) => item.id)).toEqual([low]);
      expect(((await http().get('/v1/review/tasks?scope=mine').set(bearer('adjQ2'))).body as TaskPage).items).toEqual(
        [],
      );
      const open = (await http().get('/v1/review/tasks?status=open').set(bearer('adjQ2'))).body as TaskPage;
      expect(open.items.map((item) => item.id)).toEqual([high, qa]);

      const team = (await http().get('/v1/review/tasks').set(bearer('supQ'))).body as TaskPage;
      expect(team.items.map((item) => item.id)).toEqual([high, low, qa]);
      expect(team.items.find((item) => item.id === low)).toMatchObject({
        assigneeId: people.adjQ1.id,
        assigneeName: expect.any(String),
      });
      expect(await auditActions(low)).toEqual(['review.task_opened', 'review.task_assigned']);
    });

    it("detail: task, claim summary and decisions; another team's task is 404", async () => {
      const detail = await task('adjQ2', high);
      expect(detail.task).toMatchObject({ id: high, reason: 'flagged' });
      expect(detail.claim).toMatchObject({
        claimedPeril: 'hail',
        policy: { lineOfBusiness: 'property' },
        findings: [],
      });
      expect(detail.decisions).toEqual([]);
      expect(detail.allowed).toEqual({ assign: true, decide: false, override: false });
      expect((await http().get(`/v1/review/tasks/${other}`).set(bearer('adjQ1'))).status).toBe(404);
      expect((await http().get(`/v1/review/tasks/${other}`).set(bearer('supQ'))).status).toBe(404);
      expect((await http().get(`/v1/review/tasks/not-a-uuid`).set(bearer('supQ'))).status).toBe(404);
      expect((await act(other, 'assign', 'adjQ1', { version: 1 })).status).toBe(404);
    });

    it('intake clients, compliance and admin never see tasks (403)', async () => {
      for (const route of ['/v1/review/tasks', `/v1/review/tasks/${high}`]) {
        expect((await http().get(route).set('X-API-Key', intake.apiKey)).status).toBe(403);
        expect((await http().get(route).set(bearer('compliance'))).status).toBe(403);
        expect((await http().get(route).set(bearer('admin'))).status).toBe(403);
      }
      expect(
        (await http().post(`/v1/review/tasks/${high}/decision`).set('X-API-Key', intake.apiKey).send({})).status,
      ).toBe(403);
    });
  });

  describe('next', () => {
    it('two adjusters calling next at once get different tasks; then 204 when the queue is empty', async () => {
      const a = await newTask('team-n', 'flagged', 500);
      const b = await newTask('team-n', 'uncertain', 400);
      await person('adjN1', 'adjuster', 'team-n');
      await person('adjN2', 'adjuster', 'team-n');
      const [first, second] = await Promise.all([next('adjN1'), next('adjN2')]);
      expect([first.status, second.status]).toEqual([200, 200]);
      const claimed = [first.body as TaskView, second.body as TaskView];
      expect(new Set(claimed.map((item) => item.id))).toEqual(new Set([a.taskId, b.taskId]));
      expect(claimed[0].assigneeId).toBe(people.adjN1.id);
      expect(claimed[1].assigneeId).toBe(people.adjN2.id);
      expect((await next('adjN1')).status).toBe(204);
      for (const { taskId } of [a, b])
        expect(await auditActions(taskId)).toEqual(['review.task_opened', 'review.task_assigned']);
    });

    it('many concurrent next calls never hand one task to two people', async () => {
      const tasks = await Promise.all(
        Array.from({ length: 6 }, (_, index) => newTask('team-m', 'flagged', 100 + index)),
      );
      const adjusters = await Promise.all(
        Array.from({ length: 8 }, async (_, index) => {
          await person(`adjM${index}`, 'adjuster', 'team-m');
          return `adjM${index}`;
        }),
      );
      const responses = await Promise.all(adjusters.map((who) => next(who)));
      const got = responses
        .filter((response) => response.status === 200)
        .map((response) => (response.body as TaskView).id);
      expect(got.sort()).toEqual(tasks.map((entry) => entry.taskId).sort());
      expect(responses.filter((response) => response.status === 204)).toHaveLength(2);
    });
  });

  describe('assign and decide', () => {
    it('assign: an adjuster only itself, only unassigned; stale version → 409; supervisor reassigns', async () => {
      const { taskId } = await newTask('team-a', 'flagged', 700);
      expect((await act(taskId, 'assign', 'adjA1', { assigneeId: people.adjA2.id, version: 1 })).status).toBe(403);
      expect((await act(taskId, 'assign', 'adjA1', { version: 1 })).status).toBe(200);
      const stale = await act(taskId, 'assign', 'adjA2', { version: 1 });
      expect(stale.status).toBe(409);
      expect(stale.body).toEqual({ statusCode: 409, error: 'Conflict', message: STALE_TASK_MESSAGE });
      expect((await act(taskId, 'assign', 'adjA2', { version: 2 })).status).toBe(403);
      expect((await act(taskId, 'assign', 'supA', { assigneeId: people.adjB.id, version: 2 })).status).toBe(422);
      const reassigned = await act(taskId, 'assign', 'supA', { assigneeId: people.adjA2.id, version: 2 });
      expect(reassigned.status).toBe(200);
      expect(reassigned.body).toMatchObject({ assigneeId: people.adjA2.id, version: 3 });
      expect(await auditActions(taskId)).toEqual([
        'review.task_opened',
        'review.task_assigned',
        'review.task_reassigned',
      ]);
    });

    it('only the assignee decides (another adjuster of the team: 403, another team: 404); the stale second decision is a 409 and changes nothing', async () => {
      const { taskId, claimId } = await newTask('team-a', 'flagged', 650);
      const claimed = await act(taskId, 'assign', 'adjA1', { version: 1 });
      const version = (claimed.body as TaskView).version;
      const body = { outcome: 'deny', reasonCode: 'excluded_peril', note, version };

      const notAssignee = await act(taskId, 'decision', 'adjA2', body);
      expect(notAssignee.status).toBe(403);
      expect(notAssignee.body.message).toMatch(/assignee/);
      expect((await act(taskId, 'decision', 'adjB', body)).status).toBe(404);
      for (const invalid of [{ note: 'too short' }, { reasonCode: 'evidence_consistent' }, { outcome: 'maybe' }])
        expect((await act(taskId, 'decision', 'adjA1', { ...body, ...invalid })).status).toBe(400);

      const decided = await act(taskId, 'decision', 'adjA1', body);
      expect(decided.status).toBe(200);
      const result = decided.body as DecisionResult;
      expect(result.task).toMatchObject({ status: 'decided', version: version + 1, claimStatus: 'decided' });
      expect(result.decision).toMatchObject({
        outcome: 'deny',
        reasonCode: 'excluded_peril',
        reviewerId: people.adjA1.id,
        agreesWithModel: true,
        overridesDecisionId: null,
        note,
      });

      const late = await act(taskId, 'decision', 'supA', {
        outcome: 'approve',
        reasonCode: 'evidence_consistent',
        note: 'Looks fine to me, approving it.',
        version,
      });
      expect(late.status).toBe(409);
      expect(late.body.message).toBe(STALE_TASK_MESSAGE);

      const decisions = (await dataSource.query(`SELECT outcome, reviewer_id FROM decisions WHERE task_id = $1`, [
        taskId,
      ])) as Array<{ outcome: string; reviewer_id: string }>;
      expect(decisions).toEqual([{ outcome: 'deny', reviewer_id: people.adjA1.id }]);
      const [claim] = (await dataSource.query(`SELECT status, decided_at FROM claims WHERE id = $1`, [
        claimId,
      ])) as Array<{ status: string; decided_at: Date }>;
      expect(claim.status).toBe('decided');
      expect(new Date(claim.decided_at).toISOString()).toBe(new Date(NOW).toISOString());
      expect(await auditActions(taskId)).toEqual([
        'review.task_opened',
        'review.task_assigned',
        'review.decision_made',
      ]);
      expect(await auditActions(claimId)).toEqual(['claim.decided']);
      const denied = (await dataSource.query(
        `SELECT details FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
        [people.adjA2.id],
      )) as Array<{ details: { status: number } }>;
      expect(denied.map((row) => row.details.status)).toContain(403);

      // A fresh validation run may open a new task for the decided claim.
      const reopened = await openTask({
        claimId,
        reason: 'uncertain',
        priority: 100,
        slaDueAt: new Date(Date.parse(NOW) + HOUR),
        team: 'team-a',
      });
      expect(reopened.created).toBe(true);
    });

    it('concurrent decisions with one version: exactly one wins', async () => {
      const { taskId } = await newTask('team-a', 'uncertain', 640);
      const claimed = await act(taskId, 'assign', 'adjA1', { version: 1 });
      const version = (claimed.body as TaskView).version;
      const [mine, supervisor] = await Promise.all([
        act(taskId, 'decision', 'adjA1', { outcome: 'approve', reasonCode: 'evidence_consistent', note, version }),
        act(taskId, 'decision', 'supA', { outcome: 'deny', reasonCode: 'evidence_contradicts_claim', note, version }),
      ]);
      expect([mine.status, supervisor.status].sort()).toEqual([200, 409]);
      const decisions = (await dataSource.query(`SELECT outcome FROM decisions WHERE task_id = $1`, [
        taskId,
      ])) as unknown[];
      expect(decisions).toHaveLength(1);
    });

    it('escalate keeps the claim open and hands the task to the supervisors; a supervisor decides it', async () => {
      const { taskId, claimId } = await newTask('team-e', 'flagged', 900);
      await person('adjE', 'adjuster', 'team-e');
      await person('adjE2', 'adjuster', 'team-e');
      await person('supE', 'supervisor', 'team-e');
      const claimed = (await next('adjE')).body as TaskView;
      expect(claimed.id).toBe(taskId);
      const escalated = await act(taskId, 'decision', 'adjE', {
        outcome: 'escalate',
        reasonCode: 'possible_fraud',
        note: 'The same roof appears in another claim from last year.',
        version: claimed.version,
      });
      expect(escalated.status).toBe(200);
      expect((escalated.body as DecisionResult).task).toMatchObject({
        status: 'escalated',
        assigneeId: null,
        claimStatus: 'inconsistent',
        escalatedAt: expect.any(String),
      });
      expect((escalated.body as DecisionResult).decision.agreesWithModel).toBeNull();

      const version = (escalated.body as DecisionResult).task.version;
      expect((await next('adjE2')).status).toBe(204);
      expect((await act(taskId, 'assign', 'adjE2', { version })).status).toBe(403);
      expect(
        ((await http().get('/v1/review/tasks?status=escalated').set(bearer('supE'))).body as TaskPage).items.map(
          (item) => item.id,
        ),
      ).toEqual([taskId]);

      const supervisorNext = await next('supE');
      expect(supervisorNext.status).toBe(200);
      expect(supervisorNext.body).toMatchObject({ id: taskId, assigneeId: people.supE.id, status: 'assigned' });
      const final = await act(taskId, 'decision', 'supE', {
        outcome: 'deny',
        reasonCode: 'duplicate_evidence',
        note: 'Confirmed: photos reused from claim 2025-118.',
        version: (supervisorNext.body as TaskView).version,
      });
      expect(final.status).toBe(200);
      expect((final.body as DecisionResult).task).toMatchObject({ status: 'decided', claimStatus: 'decided' });
      expect(await auditActions(taskId)).toEqual([
        'review.task_opened',
        'review.task_assigned',
        'review.task_escalated',
        'review.task_assigned',
        'review.decision_made',
      ]);
      expect(await auditActions(claimId)).toEqual(['claim.decided']);
      const detail = await task('supE', taskId);
      expect(detail.decisions.map((decision) => decision.outcome)).toEqual(['escalate', 'deny']);
    });
  });

  describe('override', () => {
    it('a supervisor override creates a second decision linked to the first; compliance, admin and adjusters get 403', async () => {
      const { taskId, claimId } = await newTask('team-a', 'qa_sample', 200);
      const claimed = (await act(taskId, 'assign', 'adjA1', { version: 1 })).body as TaskView;
      const overrideBody = {
        outcome: 'deny',
        reasonCode: 'object_not_insured',
        note: 'The car in the photos is not the insured vehicle.',
      };
      expect((await act(taskId, 'override', 'supA', overrideBody)).status).toBe(409);

      const first = (
        await act(taskId, 'decision', 'adjA1', {
          outcome: 'approve',
          reasonCode: 'evidence_consistent',
          note,
          version: claimed.version,
        })
      ).body as DecisionResult;
      expect(first.decision.agreesWithModel).toBe(true);

      for (const who of ['compliance', 'admin', 'adjA1']) {
        expect((await act(taskId, 'override', who, overrideBody)).status).toBe(403);
      }
      expect(
        (await http().post(`/v1/review/tasks/${taskId}/override`).set('X-API-Key', intake.apiKey).send(overrideBody))
          .status,
      ).toBe(403);
      expect((await act(taskId, 'override', 'supA', { ...overrideBody, note: '' })).status).toBe(400);
      expect(
        (await act(taskId, 'override', 'supA', { ...overrideBody, outcome: 'escalate', reasonCode: 'complex_case' }))
          .status,
      ).toBe(400);
      await person('supB', 'supervisor', 'team-b');
      expect((await act(taskId, 'override', 'supB', overrideBody)).status).toBe(404);

      const overridden = await act(taskId, 'override', 'supA', overrideBody);
      expect(overridden.status).toBe(201);
      const second = overridden.body as DecisionResult;
      expect(second.decision).toMatchObject({
        outcome: 'deny',
        overridesDecisionId: first.decision.id,
        reviewerId: people.supA.id,
        agreesWithModel: false,
      });
      expect(second.task.version).toBe(first.task.version + 1);

      const detail = await task('supA', taskId);
      expect(detail.decisions.map((decision) => decision.id)).toEqual([first.decision.id, second.decision.id]);
      expect(detail.effectiveDecisionId).toBe(second.decision.id);
      expect(detail.allowed.override).toBe(true);
      const original = (await dataSource.query(`SELECT outcome, note FROM decisions WHERE id = $1`, [
        first.decision.id,
      ])) as Array<{ outcome: string; note: string }>;
      expect(original).toEqual([{ outcome: 'approve', note }]);

      // A stale override (version given) is refused; a second override chains to the first override.
      expect((await act(taskId, 'override', 'supA', { ...overrideBody, version: first.task.version })).status).toBe(
        409,
      );
      const third = (
        await act(taskId, 'override', 'supA', {
          outcome: 'request_info',
          reasonCode: 'need_more_photos',
          note: 'Need a photo of the licence plate first.',
          message: 'Please send a photo of the licence plate of the damaged car.',
          version: second.task.version,
        })
      ).body as DecisionResult;
      expect(third.decision.overridesDecisionId).toBe(second.decision.id);
      // Asking for information reopens the conversation: the task waits for the answer, with the supervisor.
      expect(third.task).toMatchObject({ status: 'awaiting_info', assigneeId: people.supA.id });

      const [overrideEvent] = (await dataSource.query(
        `SELECT action, details FROM audit_events WHERE resource_id = $1`,
        [second.decision.id],
      )) as Array<{ action: string; details: Record<string, unknown> }>;
      expect(overrideEvent).toMatchObject({
        action: 'review.decision_overridden',
        details: { overridesDecisionId: first.decision.id, fromOutcome: 'approve', outcome: 'deny' },
      });
      expect(overrideEvent.details).not.toHaveProperty('note');
      expect(await auditActions(claimId)).toEqual(['claim.decided', 'claim.information_requested']);
    });
  });

  describe('reason codes', () => {
    it('staff who read decisions get the catalogue; intake and admin get 403', async () => {
      const response = await http().get('/v1/review/reason-codes').set(bearer('adjA1'));
      expect(response.status).toBe(200);
      expect(
        response.body.outcomes
          .find((entry: { outcome: string }) => entry.outcome === 'deny')
          .reasonCodes.map((code: { code: string }) => code.code),
      ).toContain('excluded_peril');
      expect((await http().get('/v1/review/reason-codes').set(bearer('compliance'))).status).toBe(200);
      expect((await http().get('/v1/review/reason-codes').set('X-API-Key', intake.apiKey)).status).toBe(403);
      expect((await http().get('/v1/review/reason-codes').set(bearer('admin'))).status).toBe(403);
    });
  });
});
