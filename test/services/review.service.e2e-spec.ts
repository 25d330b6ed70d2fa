import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Claim } from '../../src/claims/claim.entity';
import { ManualClock } from '../../src/common/clock';
import { ReviewService, STALE_TASK_MESSAGE } from '../../src/review/review.service';
import { Decision, ReviewTask } from '../../src/review/review-task.entity';
import { factories, type Factories } from '../support/factories';
import { abilityFor, contextFor, staffActor } from '../support/service-actors';
import { startTestApp, type TestApp } from '../support/test-app';

const NOW = '2026-03-02T12:00:00Z';
const HOUR = 3_600_000;
const NOTE = 'The photos show hail damage on the roof as claimed.';

/**
 * ReviewService against real PostgreSQL, called directly: taking the next task of the queue, deciding,
 * and the optimistic lock that turns a lost race into a 409. Tasks are set up with the factories.
 */
describe('ReviewService (real PostgreSQL)', () => {
  const clock = new ManualClock(NOW);
  let testApp: TestApp;
  let review: ReviewService;
  let make: Factories;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'svc_review', manualClock: clock });
    review = testApp.app.get(ReviewService);
    make = factories(testApp);
  });
  afterAll(async () => {
    await testApp?.close();
  });

  const uniqueTeam = () => `team-${randomBytes(3).toString('hex')}`;

  async function reviewer(role: 'adjuster' | 'supervisor', team: string) {
    const actor = staffActor(await make.newUser({ role, team }));
    return { actor, ability: abilityFor(testApp, actor), context: contextFor(actor) };
  }

  async function task(team: string, priority: number, slaHours = 24) {
    return make.newReviewTask({
      team,
      priority,
      reason: 'uncertain',
      slaDueAt: new Date(Date.parse(NOW) + slaHours * HOUR),
    });
  }

  async function auditActions(resourceId: string): Promise<string[]> {
    const rows = (await testApp.database.dataSource.query(
      `SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq`,
      [resourceId],
    )) as Array<{ action: string }>;
    return rows.map((row) => row.action);
  }

  describe('claimNext', () => {
    it('takes the highest-priority open task of the caller’s team, then the earliest SLA', async () => {
      const team = uniqueTeam();
      await task(team, 1);
      const urgentLater = await task(team, 5, 48);
      const urgentSooner = await task(team, 5, 2);
      await task(uniqueTeam(), 9); // another team's: never offered
      const adjuster = await reviewer('adjuster', team);

      const first = await review.claimNext(adjuster.context, adjuster.actor, adjuster.ability);
      expect(first).toMatchObject({
        id: urgentSooner.id,
        status: 'assigned',
        assigneeId: adjuster.actor.id,
        version: 2,
        team,
      });
      const second = await review.claimNext(adjuster.context, adjuster.actor, adjuster.ability);
      expect(second?.id).toBe(urgentLater.id);
      expect(await auditActions(urgentSooner.id)).toEqual(['review.task_assigned']);
    });

    it('returns null when nothing waits', async () => {
      const adjuster = await reviewer('adjuster', uniqueTeam());
      expect(await review.claimNext(adjuster.context, adjuster.actor, adjuster.ability)).toBeNull();
    });

    it('gives concurrent callers different tasks, never one task twice', async () => {
      const team = uniqueTeam();
      const tasks = await Promise.all([1, 2, 3, 4].map((priority) => task(team, priority)));
      const adjusters = await Promise.all([1, 2, 3, 4, 5, 6].map(() => reviewer('adjuster', team)));
      const taken = await Promise.all(
        adjusters.map((adjuster) => review.claimNext(adjuster.context, adjuster.actor, adjuster.ability)),
      );
      const ids = taken.filter((view) => view !== null).map((view) => view!.id);
      expect(ids.sort()).toEqual(tasks.map((row) => row.id).sort());
      expect(taken.filter((view) => view === null)).toHaveLength(2);
      const rows = await testApp.database.dataSource.getRepository(ReviewTask).findBy({ team });
      expect(new Set(rows.map((row) => row.assigneeId)).size).toBe(4);
    });
  });

  describe('decide', () => {
    it('approve closes the task, decides the claim at the clock’s time, and records the decision', async () => {
      const team = uniqueTeam();
      const open = await task(team, 3);
      const adjuster = await reviewer('adjuster', team);
      const assigned = await review.claimNext(adjuster.context, adjuster.actor, adjuster.ability);
      const result = await review.decide(adjuster.context, adjuster.actor, adjuster.ability, open.id, {
        outcome: 'approve',
        reasonCode: 'evidence_consistent',
        note: NOTE,
        version: assigned!.version,
      });
      expect(result.task).toMatchObject({ id: open.id, status: 'decided', version: 3 });
      expect(result.decision).toMatchObject({
        taskId: open.id,
        claimId: open.claimId,
        outcome: 'approve',
        reviewerId: adjuster.actor.id,
        overridesDecisionId: null,
      });
      const claim = await testApp.database.dataSource.getRepository(Claim).findOneByOrFail({ id: open.claimId });
      expect(claim.status).toBe('decided');
      expect(claim.decidedAt?.toISOString()).toBe(new Date(NOW).toISOString());
      expect(await auditActions(open.claimId)).toContain('claim.decided');
      expect(await auditActions(open.id)).toEqual(['review.task_assigned', 'review.decision_made']);
    });

    it('refuses a stale version (409) and changes nothing', async () => {
      const team = uniqueTeam();
      const open = await task(team, 3);
      const adjuster = await reviewer('adjuster', team);
      await review.claimNext(adjuster.context, adjuster.actor, adjuster.ability); // version 1 → 2
      await expect(
        review.decide(adjuster.context, adjuster.actor, adjuster.ability, open.id, {
          outcome: 'approve',
          reasonCode: 'evidence_consistent',
          note: NOTE,
          version: 1,
        }),
      ).rejects.toThrow(STALE_TASK_MESSAGE);
      const row = await testApp.database.dataSource.getRepository(ReviewTask).findOneByOrFail({ id: open.id });
      expect(row).toMatchObject({ status: 'assigned', version: 2 });
      expect(await testApp.database.dataSource.getRepository(Decision).countBy({ taskId: open.id })).toBe(0);
    });

    it('of two concurrent decisions on one version exactly one wins, the other gets a 409', async () => {
      const team = uniqueTeam();
      const open = await task(team, 3);
      const adjuster = await reviewer('adjuster', team);
      const supervisor = await reviewer('supervisor', team);
      const assigned = await review.claimNext(adjuster.context, adjuster.actor, adjuster.ability);
      const outcomes = await Promise.allSettled([
        review.decide(adjuster.context, adjuster.actor, adjuster.ability, open.id, {
          outcome: 'approve',
          reasonCode: 'evidence_consistent',
          note: NOTE,
          version: assigned!.version,
        }),
        review.decide(supervisor.context, supervisor.actor, supervisor.ability, open.id, {
          outcome: 'deny',
          reasonCode: 'excluded_peril',
          note: NOTE,
          version: assigned!.version,
        }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictException);
      expect(await testApp.database.dataSource.getRepository(Decision).countBy({ taskId: open.id })).toBe(1);
    });

    it('forbids an adjuster who is not the assignee (403, audited), and hides other teams’ tasks (404)', async () => {
      const team = uniqueTeam();
      const open = await task(team, 3);
      const assignee = await reviewer('adjuster', team);
      const colleague = await reviewer('adjuster', team);
      const stranger = await reviewer('adjuster', uniqueTeam());
      const assigned = await review.claimNext(assignee.context, assignee.actor, assignee.ability);
      const input = {
        outcome: 'approve' as const,
        reasonCode: 'evidence_consistent',
        note: NOTE,
        version: assigned!.version,
      };
      await expect(
        review.decide(colleague.context, colleague.actor, colleague.ability, open.id, input),
      ).rejects.toThrow(ForbiddenException);
      await expect(review.decide(stranger.context, stranger.actor, stranger.ability, open.id, input)).rejects.toThrow(
        NotFoundException,
      );
      const denied = (await testApp.database.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
        [colleague.actor.id],
      )) as Array<{ n: number }>;
      expect(denied[0].n).toBe(1);
      expect(
        (await testApp.database.dataSource.getRepository(ReviewTask).findOneByOrFail({ id: open.id })).status,
      ).toBe('assigned');
    });
  });
});
