import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AuditService } from '../src/audit/audit.service';
import { ManualClock } from '../src/common/clock';
import type { TaskPage } from '../src/review/review-query.service';
import { ReviewService } from '../src/review/review.service';
import type { ReviewReason } from '../src/review/review-task.entity';
import type { TaskView } from '../src/review/review-rows';
import type { TeamDashboard } from '../src/review/review.views';
import { createIntakeClient, createUser, login, TEST_CONTEXT, type TestUser } from './support/auth-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const NOW = '2026-03-02T12:00:00Z';
const HOUR = 3_600_000;
const NOTE = 'The photos show hail damage on the roof as claimed.';

/**
 * The server-side queue (filters, sorts, stable offset pages, display fields, counts per tab), the supervisor
 * dashboard, bulk reassignment and "next escalation".
 */
describe('review queue on the server, supervisor dashboard, bulk reassign (real PostgreSQL)', () => {
  let testApp: TestApp;
  let dataSource: DataSource;
  let review: ReviewService;
  let audit: AuditService;
  const clock = new ManualClock(NOW);
  let intakeId: string;
  const people: Record<string, TestUser & { token: string }> = {};
  const policies: Record<string, string> = {};

  const http = () => request(testApp.app.getHttpServer());
  const bearer = (who: string) => ({ Authorization: `Bearer ${people[who].token}` });
  const list = async (who: string, query: Record<string, string | number>): Promise<TaskPage> => {
    const response = await http().get('/v1/review/tasks').query(query).set(bearer(who));
    expect(response.status).toBe(200);
    return response.body as TaskPage;
  };
  const reassign = (who: string, body: object) => http().post('/v1/review/tasks/reassign').set(bearer(who)).send(body);

  async function person(key: string, role: TestUser['role'], team: string): Promise<void> {
    const user = await createUser(testApp, { role, team });
    people[key] = { ...user, token: await login(testApp, user.email, user.password) };
  }

  async function policyFor(team: string, lineOfBusiness: 'auto' | 'property'): Promise<string> {
    const key = `${team}/${lineOfBusiness}`;
    policies[key] ??= (
      await factories(testApp).newPolicy({
        number: `POL-${team}-${lineOfBusiness}-${randomBytes(2).toString('hex')}`,
        lineOfBusiness,
      })
    ).id;
    return policies[key];
  }

  /** A scored claim and its open task; every task made here is created at the same instant (ties). */
  async function newTask(options: {
    team?: string;
    reason?: ReviewReason;
    priority?: number;
    slaHours?: number;
    amount?: string;
    lineOfBusiness?: 'auto' | 'property';
    submittedHoursAgo?: number;
    flag?: string;
  }): Promise<{ taskId: string; claimId: string }> {
    const team = options.team ?? 'team-a';
    const reason = options.reason ?? 'flagged';
    const submittedAt = new Date(Date.parse(NOW) - (options.submittedHoursAgo ?? 30) * HOUR);
    const claim = await factories(testApp).newClaim({
      policyId: await policyFor(team, options.lineOfBusiness ?? 'property'),
      submitterClientId: intakeId,
      externalReference: `Q-${randomBytes(4).toString('hex')}`,
      claimedPeril: 'hail',
      amount: options.amount ?? '1000.00',
      team,
      idempotencyKey: randomUUID(),
      status: reason === 'flagged' ? 'inconsistent' : 'needs_review',
      submittedAt,
      createdAt: submittedAt,
    });
    if (options.flag) {
      const [run] = (await dataSource.query(
        `INSERT INTO scoring_runs (claim_id, model_id, model_hash, prompt_set_version, thresholds, scores, provider, duration_ms, outcome)
         VALUES ($1, 'm', 'h', 'v1', '{}', '{}', 'test', 1, 'inconsistent') RETURNING id`,
        [claim.id],
      )) as Array<{ id: string }>;
      await dataSource.query(
        `INSERT INTO checks (claim_id, scoring_run_id, kind, score, confidence, flagged, severity, reason)
         VALUES ($1, $2, $3, 0.9, 0.9, true, 'high', 'test')`,
        [claim.id, run.id, options.flag],
      );
    }
    const task = await audit.run(TEST_CONTEXT, (tx) =>
      review.openTask(tx, {
        claimId: claim.id,
        reason,
        priority: options.priority ?? 50,
        slaDueAt: new Date(Date.parse(NOW) + (options.slaHours ?? 24) * HOUR),
        team,
      }),
    );
    return { taskId: task.id, claimId: claim.id };
  }

  async function taskView(who: string, id: string): Promise<TaskView> {
    const response = await http().get(`/v1/review/tasks/${id}`).set(bearer(who));
    expect(response.status).toBe(200);
    return response.body.task as TaskView;
  }

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'review_queue', manualClock: clock });
    dataSource = testApp.database.dataSource;
    review = testApp.app.get(ReviewService);
    audit = testApp.app.get(AuditService);
    intakeId = (await createIntakeClient(testApp, 'team-a')).id;
    await person('adjA1', 'adjuster', 'team-a');
    await person('adjA2', 'adjuster', 'team-a');
    await person('supA', 'supervisor', 'team-a');
    await person('supB', 'supervisor', 'team-b');
    await person('adjB', 'adjuster', 'team-b');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  describe('the queue: filters, sorts and pages on the server', () => {
    const tied: string[] = [];

    beforeAll(async () => {
      // Seven tasks equal in everything the orders compare (priority, SLA, created, amount): only the id differs.
      for (let index = 0; index < 7; index += 1) tied.push((await newTask({ priority: 40 })).taskId);
    });

    it('pages are stable while ordering ties exist: no duplicate, no missing row, in every order', async () => {
      for (const sort of ['priority', 'sla', 'age', 'amount', 'reference'] as const) {
        for (const direction of ['asc', 'desc'] as const) {
          const whole = await list('supA', { sort, direction, pageSize: 100 });
          const paged: string[] = [];
          for (let page = 1; page <= Math.ceil(whole.total / 3); page += 1)
            paged.push(...(await list('supA', { sort, direction, pageSize: 3, page })).items.map((task) => task.id));
          expect(paged).toEqual(whole.items.map((task) => task.id));
          expect(new Set(paged).size).toBe(whole.total);
          for (const id of tied) expect(paged).toContain(id);
        }
      }
    });

    it('sorts by a column in the asked direction, ties broken the same way', async () => {
      const small = await newTask({ amount: '5.00', priority: 10 });
      const big = await newTask({ amount: '99999.00', priority: 10 });
      const byAmount = (await list('supA', { sort: 'amount', pageSize: 100 })).items.map((task) => task.id);
      expect(byAmount[0]).toBe(big.taskId);
      expect(byAmount.at(-1)).toBe(small.taskId);
      const ascending = (await list('supA', { sort: 'amount', direction: 'asc', pageSize: 100 })).items;
      expect(ascending[0].id).toBe(small.taskId);
      const tiedOrder = ascending.filter((task) => tied.includes(task.id)).map((task) => task.id);
      expect(tiedOrder).toEqual([...tied].sort());
    });

    it('filters by line of business, flagged check, age and breach; counts per tab follow the filters', async () => {
      const auto = await newTask({ lineOfBusiness: 'auto', reason: 'uncertain', flag: 'exif_anomaly' });
      const old = await newTask({ submittedHoursAgo: 24 * 10, slaHours: -5 });
      const byLine = await list('adjA1', { lineOfBusiness: 'auto' });
      expect(byLine.items.map((task) => task.id)).toEqual([auto.taskId]);
      expect(byLine.countsByReason).toEqual({ flagged: 0, uncertain: 1, qa_sample: 0 });
      const byCheck = await list('adjA1', { check: 'exif_anomaly' });
      expect(byCheck.items.map((task) => task.id)).toEqual([auto.taskId]);
      // The row carries its display fields: flags summary and policy number.
      expect(byCheck.items[0].flags).toEqual(['exif_anomaly']);
      expect(byCheck.items[0].policyNumber).toMatch(/^POL-team-a-auto-/);
      expect((await list('adjA1', { minAgeHours: 24 * 7 })).items.map((task) => task.id)).toEqual([old.taskId]);
      const breached = await list('supA', { breached: 'true' });
      expect(breached.items.map((task) => task.id)).toEqual([old.taskId]);
      expect(breached.items[0].slaBreached).toBe(true);
      const all = await list('supA', {});
      expect(all.countsByReason.flagged + all.countsByReason.uncertain).toBe(all.total);
    });

    it('never lists another team, and refuses bad filters with 400', async () => {
      await newTask({ team: 'team-b' });
      const teamB = await list('adjB', { pageSize: 100 });
      expect(teamB.total).toBe(1);
      expect((await list('adjA1', { pageSize: 100 })).items.every((task) => task.team === 'team-a')).toBe(true);
      for (const query of [{ sort: 'nope' }, { direction: 'up' }, { minAgeHours: -1 }, { check: 'Bad Kind' }]) {
        const response = await http().get('/v1/review/tasks').query(query).set(bearer('adjA1'));
        expect(response.status).toBe(400);
      }
    });
  });

  describe('bulk reassignment', () => {
    it('moves every listed task in one go, audited per task; already theirs is left alone', async () => {
      const one = await newTask({ priority: 5 });
      const two = await newTask({ priority: 5 });
      const mine = await newTask({ priority: 5 });
      await http()
        .post(`/v1/review/tasks/${two.taskId}/assign`)
        .set(bearer('supA'))
        .send({ assigneeId: people.adjA1.id, version: 1 })
        .expect(200);
      await http()
        .post(`/v1/review/tasks/${mine.taskId}/assign`)
        .set(bearer('supA'))
        .send({ assigneeId: people.adjA2.id, version: 1 })
        .expect(200);
      const response = await reassign('supA', {
        assigneeId: people.adjA2.id,
        tasks: [
          { id: one.taskId, version: 1 },
          { id: two.taskId, version: 2 },
          { id: mine.taskId, version: 2 },
        ],
      });
      expect(response.status).toBe(200);
      expect(response.body.unchanged).toEqual([mine.taskId]);
      expect(response.body.assigned.map((task: TaskView) => task.id).sort()).toEqual([one.taskId, two.taskId].sort());
      expect(response.body.assigned.every((task: TaskView) => task.assigneeId === people.adjA2.id)).toBe(true);
      const events = (await dataSource.query(
        `SELECT resource_id, action, details FROM audit_events WHERE resource_id = ANY($1) AND details->>'via' = 'bulk'`,
        [[one.taskId, two.taskId, mine.taskId]],
      )) as Array<{ resource_id: string; action: string; details: Record<string, unknown> }>;
      expect(events.map((event) => `${event.resource_id}:${event.action}`).sort()).toEqual(
        [`${one.taskId}:review.task_assigned`, `${two.taskId}:review.task_reassigned`].sort(),
      );
      expect(events.find((event) => event.resource_id === two.taskId)!.details.previousAssigneeId).toBe(
        people.adjA1.id,
      );
    });

    it('is all or nothing: a foreign task (404), a stale version or decided task (409), an assignee of another team (422)', async () => {
      const a = await newTask({ priority: 6 });
      const foreign = await newTask({ team: 'team-b', priority: 6 });
      const cases: Array<[object, number, RegExp]> = [
        [
          {
            assigneeId: people.adjA1.id,
            tasks: [
              { id: a.taskId, version: 1 },
              { id: foreign.taskId, version: 1 },
            ],
          },
          404,
          /not found/,
        ],
        [
          {
            assigneeId: people.adjA1.id,
            tasks: [
              { id: a.taskId, version: 1 },
              { id: randomUUID(), version: 1 },
            ],
          },
          404,
          /not found/,
        ],
        [{ assigneeId: people.adjA1.id, tasks: [{ id: a.taskId, version: 9 }] }, 409, /Nothing was reassigned/],
        [{ assigneeId: people.adjB.id, tasks: [{ id: a.taskId, version: 1 }] }, 422, /team-a/],
        [
          {
            assigneeId: people.adjA1.id,
            tasks: [
              { id: a.taskId, version: 1 },
              { id: a.taskId, version: 1 },
            ],
          },
          400,
          /twice/,
        ],
        [{ assigneeId: people.adjA1.id, tasks: [] }, 400, /at least one/],
      ];
      for (const [body, status, message] of cases) {
        const response = await reassign('supA', body);
        expect(response.status).toBe(status);
        expect(JSON.stringify(response.body.message)).toMatch(message);
      }
      // Nothing moved.
      expect((await taskView('supA', a.taskId)).assigneeId).toBeNull();
      expect((await taskView('supB', foreign.taskId)).assigneeId).toBeNull();
    });

    it('refuses a decided task and is for supervisors only', async () => {
      const done = await newTask({ priority: 7 });
      await http()
        .post(`/v1/review/tasks/${done.taskId}/decision`)
        .set(bearer('supA'))
        .send({ outcome: 'deny', reasonCode: 'evidence_contradicts_claim', note: NOTE, version: 1 })
        .expect(200);
      const decided = await taskView('supA', done.taskId);
      const response = await reassign('supA', {
        assigneeId: people.adjA1.id,
        tasks: [{ id: done.taskId, version: decided.version }],
      });
      expect(response.status).toBe(409);
      expect(response.body.message).toMatch(/already decided/);
      const adjuster = await reassign('adjA1', {
        assigneeId: people.adjA1.id,
        tasks: [{ id: done.taskId, version: 1 }],
      });
      expect(adjuster.status).toBe(403);
    });
  });

  describe('supervisor dashboard and next escalation', () => {
    it('counts breaches, workload and agreement per person, for the team only', async () => {
      // adjA1 decides one flagged task against the model (approve), which the supervisor then overrides.
      const decided = await newTask({ priority: 1 });
      await http()
        .post(`/v1/review/tasks/${decided.taskId}/assign`)
        .set(bearer('adjA1'))
        .send({ version: 1 })
        .expect(200);
      await http()
        .post(`/v1/review/tasks/${decided.taskId}/decision`)
        .set(bearer('adjA1'))
        .send({ outcome: 'approve', reasonCode: 'model_false_positive', note: NOTE, version: 2 })
        .expect(200);
      await http()
        .post(`/v1/review/tasks/${decided.taskId}/override`)
        .set(bearer('supA'))
        .send({ outcome: 'deny', reasonCode: 'evidence_contradicts_claim', note: NOTE })
        .expect(201);
      const response = await http().get('/v1/review/dashboard').query({ days: 7 }).set(bearer('supA'));
      expect(response.status).toBe(200);
      const board = response.body as TeamDashboard;
      expect(board.team).toBe('team-a');
      const breachedList = await list('supA', { breached: 'true', pageSize: 100 });
      expect(board.breaches.total).toBe(breachedList.total);
      expect(board.breaches.total).toBeGreaterThan(0);
      const adj1 = board.members.find((member) => member.userId === people.adjA1.id)!;
      expect(adj1).toMatchObject({ role: 'adjuster', decisions: 1, comparable: 1, agreeWithModel: 0, overridden: 1 });
      expect(adj1.modelAgreementRate).toBe(0);
      expect(adj1.overrideAgreementRate).toBe(0);
      const adj2 = board.members.find((member) => member.userId === people.adjA2.id)!;
      expect(adj2.assigned).toBe((await list('supA', { assigneeId: people.adjA2.id, status: 'assigned' })).total);
      const sup = board.members.find((member) => member.userId === people.supA.id)!;
      expect(sup.overridesMade).toBe(1);
      expect(board.members.some((member) => member.userId === people.adjB.id)).toBe(false);
      expect((await http().get('/v1/review/dashboard').set(bearer('adjA1'))).status).toBe(403);
      const teamB = (await http().get('/v1/review/dashboard').set(bearer('supB'))).body as TeamDashboard;
      expect(teamB.members.some((member) => member.userId === people.adjA1.id)).toBe(false);
    });

    it('next?status=escalated hands a supervisor only escalations, never first-line work', async () => {
      // Team B has one open first-line task and no escalation.
      const none = await http().post('/v1/review/tasks/next').query({ status: 'escalated' }).set(bearer('supB'));
      expect(none.status).toBe(204);
      const open = await list('supB', { status: 'open' });
      expect(open.total).toBeGreaterThan(0);
      const escalated = await newTask({ team: 'team-b', priority: 1 });
      await http()
        .post(`/v1/review/tasks/${escalated.taskId}/assign`)
        .set(bearer('adjB'))
        .send({ version: 1 })
        .expect(200);
      await http()
        .post(`/v1/review/tasks/${escalated.taskId}/decision`)
        .set(bearer('adjB'))
        .send({ outcome: 'escalate', reasonCode: 'complex_case', note: NOTE, version: 2 })
        .expect(200);
      const next = await http().post('/v1/review/tasks/next').query({ status: 'escalated' }).set(bearer('supB'));
      expect(next.status).toBe(200);
      expect(next.body.id).toBe(escalated.taskId);
      const bad = await http().post('/v1/review/tasks/next').query({ status: 'open' }).set(bearer('supB'));
      expect(bad.status).toBe(400);
    });
  });
});
