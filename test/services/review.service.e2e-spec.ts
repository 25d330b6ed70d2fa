import { ConflictException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Claim } from '../../src/claims/claim.entity';
import { ManualClock } from '../../src/common/clock';
import { ReviewService, STALE_TASK_MESSAGE } from '../../src/review/review.service';
import { Decision, ReviewTask } from '../../src/review/review-task.entity';
import { staffActor } from '../support/service-actors';
import { useServiceSpec, type Caller } from '../support/service-spec';

const NOW = '2026-03-02T12:00:00Z';
const HOUR = 3_600_000;
const NOTE = 'The photos show hail damage on the roof as claimed.';

/**
 * ReviewService against real PostgreSQL, called directly: taking the next task of the queue, deciding,
 * and the optimistic lock that turns a lost race into a 409. Tasks are set up with the factories.
 */
describe('ReviewService (real PostgreSQL)', () => {
  const clock = new ManualClock(NOW);
  let review: ReviewService;
  const spec = useServiceSpec({ label: 'svc_review', manualClock: clock }, (testApp) => {
    review = testApp.app.get(ReviewService);
  });

  const uniqueTeam = () => `team-${randomBytes(3).toString('hex')}`;

  async function reviewer(role: 'adjuster' | 'supervisor', team: string) {
    return spec.caller(staffActor(await spec.make.newUser({ role, team })));
  }

  /** A fresh team with one open task (priority 3) and an adjuster of that team. */
  async function teamTask() {
    const team = uniqueTeam();
    return { team, open: await task(team, 3), adjuster: await reviewer('adjuster', team) };
  }

  const claimNext = (who: Caller) => review.claimNext(who.context, who.actor, who.ability);
  const decide = (who: Caller, taskId: string, input: Parameters<ReviewService['decide']>[4]) =>
    review.decide(who.context, who.actor, who.ability, taskId, input);
  const approval = (version: number) =>
    ({ outcome: 'approve', reasonCode: 'evidence_consistent', note: NOTE, version }) as const;

  async function task(team: string, priority: number, slaHours = 24) {
    return spec.make.newReviewTask({
      team,
      priority,
      reason: 'uncertain',
      slaDueAt: new Date(Date.parse(NOW) + slaHours * HOUR),
    });
  }

  describe('claimNext', () => {
    it('takes the highest-priority open task of the caller’s team, then the earliest SLA', async () => {
      const team = uniqueTeam();
      await task(team, 1);
      const urgentLater = await task(team, 5, 48);
      const urgentSooner = await task(team, 5, 2);
      await task(uniqueTeam(), 9); // another team's: never offered
      const adjuster = await reviewer('adjuster', team);

      const first = await claimNext(adjuster);
      expect(first).toMatchObject({
        id: urgentSooner.id,
        status: 'assigned',
        assigneeId: adjuster.actor.id,
        version: 2,
        team,
      });
      const second = await claimNext(adjuster);
      expect(second?.id).toBe(urgentLater.id);
      expect(await spec.auditActions(urgentSooner.id)).toEqual(['review.task_assigned']);
    });

    it('returns null when nothing waits', async () => {
      const adjuster = await reviewer('adjuster', uniqueTeam());
      expect(await claimNext(adjuster)).toBeNull();
    });

    it('gives concurrent callers different tasks, never one task twice', async () => {
      const team = uniqueTeam();
      const tasks = await Promise.all([1, 2, 3, 4].map((priority) => task(team, priority)));
      const adjusters = await Promise.all([1, 2, 3, 4, 5, 6].map(() => reviewer('adjuster', team)));
      const taken = await Promise.all(adjusters.map((adjuster) => claimNext(adjuster)));
      const ids = taken.filter((view) => view !== null).map((view) => view!.id);
      expect(ids.sort()).toEqual(tasks.map((row) => row.id).sort());
      expect(taken.filter((view) => view === null)).toHaveLength(2);
      const rows = await spec.dataSource.getRepository(ReviewTask).findBy({ team });
      expect(new Set(rows.map((row) => row.assigneeId)).size).toBe(4);
    });
  });

  describe('decide', () => {
    it('approve closes the task, decides the claim at the clock’s time, and records the decision', async () => {
      const { open, adjuster } = await teamTask();
      const assigned = await claimNext(adjuster);
      const result = await decide(adjuster, open.id, approval(assigned!.version));
      expect(result.task).toMatchObject({ id: open.id, status: 'decided', version: 3 });
      expect(result.decision).toMatchObject({
        taskId: open.id,
        claimId: open.claimId,
        outcome: 'approve',
        reviewerId: adjuster.actor.id,
        overridesDecisionId: null,
      });
      const claim = await spec.dataSource.getRepository(Claim).findOneByOrFail({ id: open.claimId });
      expect(claim.status).toBe('decided');
      expect(claim.decidedAt?.toISOString()).toBe(new Date(NOW).toISOString());
      expect(await spec.auditActions(open.claimId)).toContain('claim.decided');
      expect(await spec.auditActions(open.id)).toEqual(['review.task_assigned', 'review.decision_made']);
    });

    it('refuses a stale version (409) and changes nothing', async () => {
      const { open, adjuster } = await teamTask();
      await claimNext(adjuster); // version 1 → 2
      await expect(decide(adjuster, open.id, approval(1))).rejects.toThrow(STALE_TASK_MESSAGE);
      const row = await spec.dataSource.getRepository(ReviewTask).findOneByOrFail({ id: open.id });
      expect(row).toMatchObject({ status: 'assigned', version: 2 });
      expect(await spec.dataSource.getRepository(Decision).countBy({ taskId: open.id })).toBe(0);
    });

    it('of two concurrent decisions on one version exactly one wins, the other gets a 409', async () => {
      const { team, open, adjuster } = await teamTask();
      const supervisor = await reviewer('supervisor', team);
      const assigned = await claimNext(adjuster);
      const outcomes = await Promise.allSettled([
        decide(adjuster, open.id, approval(assigned!.version)),
        decide(supervisor, open.id, {
          outcome: 'deny',
          reasonCode: 'excluded_peril',
          note: NOTE,
          version: assigned!.version,
        }),
      ]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      const rejected = outcomes.find((outcome) => outcome.status === 'rejected') as PromiseRejectedResult;
      expect(rejected.reason).toBeInstanceOf(ConflictException);
      expect(await spec.dataSource.getRepository(Decision).countBy({ taskId: open.id })).toBe(1);
    });

    it('forbids an adjuster who is not the assignee (403, audited), and hides other teams’ tasks (404)', async () => {
      const { team, open, adjuster: assignee } = await teamTask();
      const colleague = await reviewer('adjuster', team);
      const stranger = await reviewer('adjuster', uniqueTeam());
      const assigned = await claimNext(assignee);
      const input = approval(assigned!.version);
      await expect(decide(colleague, open.id, input)).rejects.toThrow(ForbiddenException);
      await expect(decide(stranger, open.id, input)).rejects.toThrow(NotFoundException);
      const denied = (await spec.dataSource.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE action = 'access.denied' AND actor_id = $1`,
        [colleague.actor.id],
      )) as Array<{ n: number }>;
      expect(denied[0].n).toBe(1);
      expect((await spec.dataSource.getRepository(ReviewTask).findOneByOrFail({ id: open.id })).status).toBe(
        'assigned',
      );
    });
  });
});
