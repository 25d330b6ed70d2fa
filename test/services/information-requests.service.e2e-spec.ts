import {
  BadRequestException,
  ConflictException,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { AuditService } from '../../src/audit/audit.service';
import { InformationRequestsService } from '../../src/claims/information-requests.service';
import { ManualClock } from '../../src/common/clock';
import { InformationRequestExpiry } from '../../src/review/information-request-expiry.handler';
import { ReviewService } from '../../src/review/review.service';
import { intakeActor } from '../support/service-actors';
import { useServiceSpec } from '../support/service-spec';
import { TEST_CONTEXT } from '../support/auth-helpers';

const NOW = '2026-03-02T09:00:00Z';
const DAY = 86_400_000;

/**
 * InformationRequestsService (creating a request, the intake system's resubmission, withdrawal), the waiting task's
 * reopening (ReviewService.reopenWaitingTask) and the no-response job (InformationRequestExpiry), called directly
 * against real PostgreSQL (Redis for the resubmission's enqueue).
 */
describe('information requests (services, real PostgreSQL)', () => {
  const clock = new ManualClock(NOW);
  let requests: InformationRequestsService;
  let review: ReviewService;
  let audit: AuditService;
  let expiry: InformationRequestExpiry;
  const spec = useServiceSpec({ label: 'svc_info_requests', manualClock: clock }, (testApp) => {
    requests = testApp.app.get(InformationRequestsService);
    review = testApp.app.get(ReviewService);
    audit = testApp.app.get(AuditService);
    expiry = testApp.app.get(InformationRequestExpiry);
  });

  beforeEach(() => clock.set(NOW));

  /** A scored claim of an intake client with one photo and an assigned task with a request_info decision row. */
  async function waitingStage(options: { status?: 'inconsistent' | 'needs_review' } = {}) {
    const client = await spec.make.newApiClient({ team: 'team-a' });
    const adjuster = await spec.make.newUser({ role: 'adjuster', team: 'team-a' });
    const claim = await spec.make.newClaim({
      status: options.status ?? 'inconsistent',
      submitterClientId: client.id,
      team: 'team-a',
    });
    const photo = await spec.make.newPhoto({ claimId: claim.id });
    const task = await spec.make.newReviewTask({ claimId: claim.id, assigneeId: adjuster.id, reason: 'flagged' });
    const [decision] = (await spec.dataSource.query(
      `INSERT INTO decisions (task_id, claim_id, outcome, reason_code, note, reviewer_id, created_at)
       VALUES ($1, $2, 'request_info', 'need_more_photos', 'The rear bumper is not shown.', $3, $4) RETURNING id`,
      [task.id, claim.id, adjuster.id, new Date(NOW)],
    )) as Array<{ id: string }>;
    await spec.dataSource.query(`UPDATE review_tasks SET status = 'awaiting_info' WHERE id = $1`, [task.id]);
    return { client, adjuster, claim, photo, task, decisionId: decision.id, intake: spec.caller(intakeActor(client)) };
  }

  async function create(stage: Awaited<ReturnType<typeof waitingStage>>, dueAt?: string) {
    return audit.run(TEST_CONTEXT, (tx) =>
      requests.createRequest(tx, {
        claimId: stage.claim.id,
        claimStatus: stage.claim.status,
        taskId: stage.task.id,
        decisionId: stage.decisionId,
        reasonCode: 'need_more_photos',
        message: 'Please send a photo of the rear bumper.',
        dueAt,
        requestedBy: stage.adjuster.id,
      }),
    );
  }

  async function claimStatus(claimId: string): Promise<string> {
    const [row] = (await spec.dataSource.query(`SELECT status FROM claims WHERE id = $1`, [claimId])) as Array<{
      status: string;
    }>;
    return row.status;
  }

  it('createRequest moves the claim, remembers its photos, defaults the due date and audits without the message', async () => {
    const stage = await waitingStage();
    const request = await create(stage);
    expect(request).toMatchObject({
      status: 'open',
      claimId: stage.claim.id,
      taskId: stage.task.id,
      knownPhotoIds: [stage.photo.id],
      dueAt: new Date(Date.parse(NOW) + 14 * DAY),
    });
    expect(await claimStatus(stage.claim.id)).toBe('information_requested');
    const [event] = (await spec.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'claim.information_requested' AND resource_id = $1`,
      [stage.claim.id],
    )) as Array<{ details: Record<string, unknown> }>;
    expect(event.details).toMatchObject({ from: 'inconsistent', informationRequestId: request.id, messageLength: 39 });
    expect(JSON.stringify(event.details)).not.toContain('rear bumper');
  });

  it('createRequest refuses a bad due date with 400 and writes nothing', async () => {
    const stage = await waitingStage();
    await expect(create(stage, '2026-03-01')).rejects.toThrow(BadRequestException);
    await expect(create(stage, '2026-12-31')).rejects.toThrow('dueAt must be at most 90 days from now');
    expect(await claimStatus(stage.claim.id)).toBe('inconsistent');
    const rows = (await spec.dataSource.query(`SELECT id FROM information_requests WHERE claim_id = $1`, [
      stage.claim.id,
    ])) as unknown[];
    expect(rows).toEqual([]);
    expect(await spec.auditActions(stage.claim.id)).toEqual([]);
  });

  it('resubmit: 409 in a wrong state, 422 with nothing new, 404 for another client; then queued with the new photos', async () => {
    const stage = await waitingStage();
    const { ability, context } = stage.intake;
    await expect(requests.resubmit(context, ability, stage.claim.id, { note: 'x' })).rejects.toThrow(
      `claim ${stage.claim.id} is not waiting for information (status inconsistent); only a claim in information_requested can be resubmitted`,
    );
    const request = await create(stage);
    await expect(requests.resubmit(context, ability, stage.claim.id, {})).rejects.toThrow(UnprocessableEntityException);
    await expect(requests.resubmit(context, ability, stage.claim.id, { note: '   ' })).rejects.toThrow(
      UnprocessableEntityException,
    );
    const other = spec.caller(intakeActor(await spec.make.newApiClient({ team: 'team-a' })));
    await expect(requests.resubmit(other.context, other.ability, stage.claim.id, { note: 'hi' })).rejects.toThrow(
      NotFoundException,
    );

    const added = await spec.make.newPhoto({ claimId: stage.claim.id });
    clock.advance(DAY);
    const result = await requests.resubmit(context, ability, stage.claim.id, { note: '  Rear bumper photo sent. ' });
    expect(result).toEqual({
      id: stage.claim.id,
      status: 'queued',
      submittedAt: new Date(Date.parse(NOW) + DAY).toISOString(),
      informationRequestId: request.id,
      newPhotoIds: [added.id],
    });
    const [row] = (await spec.dataSource.query(
      `SELECT status, response_note, new_photo_ids, answered_at FROM information_requests WHERE id = $1`,
      [request.id],
    )) as Array<{ status: string; response_note: string; new_photo_ids: string[]; answered_at: Date }>;
    expect(row).toMatchObject({
      status: 'answered',
      response_note: 'Rear bumper photo sent.',
      new_photo_ids: [added.id],
    });
    expect(await claimStatus(stage.claim.id)).toBe('queued');
    expect(await spec.auditActions(stage.claim.id)).toEqual(['claim.information_requested', 'claim.resubmitted']);
    await expect(requests.resubmit(context, ability, stage.claim.id, { note: 'again' })).rejects.toThrow(
      ConflictException,
    );
  });

  it('reopenWaitingTask: back to the adjuster who asked while active in the team, else to the team queue', async () => {
    const kept = await waitingStage();
    const reopened = await audit.run(TEST_CONTEXT, (tx) =>
      review.reopenWaitingTask(tx, {
        claimId: kept.claim.id,
        followUp: 'information_received',
        reason: 'uncertain',
        priority: 40.4,
        slaDueAt: new Date(Date.parse(NOW) + DAY),
      }),
    );
    expect(reopened).toMatchObject({ id: kept.task.id, assigneeId: kept.adjuster.id });
    const [row] = (await spec.dataSource.query(
      `SELECT status, assignee_id, follow_up, reason, priority FROM review_tasks WHERE id = $1`,
      [kept.task.id],
    )) as Array<Record<string, unknown>>;
    expect(row).toEqual({
      status: 'assigned',
      assignee_id: kept.adjuster.id,
      follow_up: 'information_received',
      reason: 'uncertain',
      priority: 40,
    });
    // A second reopen finds no waiting task.
    expect(
      await audit.run(TEST_CONTEXT, (tx) =>
        review.reopenWaitingTask(tx, {
          claimId: kept.claim.id,
          followUp: 'information_received',
          reason: 'uncertain',
          priority: 1,
          slaDueAt: new Date(NOW),
        }),
      ),
    ).toBeNull();

    const left = await waitingStage();
    await spec.dataSource.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [left.adjuster.id]);
    const toQueue = await audit.run(TEST_CONTEXT, (tx) =>
      review.reopenWaitingTask(tx, {
        claimId: left.claim.id,
        followUp: 'no_response',
        reason: 'flagged',
        priority: 10,
        slaDueAt: new Date(NOW),
      }),
    );
    expect(toQueue).toMatchObject({ id: left.task.id, assigneeId: null });
    expect(await spec.auditActions(left.task.id)).toEqual(['review.task_reopened']);
  });

  it('the no-response job expires each due request once, even when two runs race', async () => {
    const due = await waitingStage({ status: 'needs_review' });
    const notYet = await waitingStage();
    await create(due, '2026-03-04T09:00:00Z');
    await create(notYet, '2026-03-10');
    clock.set('2026-03-05T00:00:00Z');
    const counts = await Promise.all([expiry.expireDue(TEST_CONTEXT), expiry.expireDue(TEST_CONTEXT)]);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await expiry.expireDue(TEST_CONTEXT)).toBe(0);
    expect(await claimStatus(due.claim.id)).toBe('needs_review');
    expect(await claimStatus(notYet.claim.id)).toBe('information_requested');
    expect((await spec.auditActions(due.task.id)).filter((action) => action === 'review.task_reopened')).toHaveLength(
      1,
    );
    const [task] = (await spec.dataSource.query(`SELECT status, follow_up FROM review_tasks WHERE id = $1`, [
      due.task.id,
    ])) as Array<Record<string, unknown>>;
    expect(task).toEqual({ status: 'assigned', follow_up: 'no_response' });
  });

  it('withdrawOpenRequest withdraws the open request once and is a no-op without one', async () => {
    const stage = await waitingStage();
    const request = await create(stage);
    await audit.run(TEST_CONTEXT, (tx) => requests.withdrawOpenRequest(tx, stage.claim.id));
    await audit.run(TEST_CONTEXT, (tx) => requests.withdrawOpenRequest(tx, stage.claim.id));
    const [row] = (await spec.dataSource.query(`SELECT status FROM information_requests WHERE id = $1`, [
      request.id,
    ])) as Array<{ status: string }>;
    expect(row.status).toBe('withdrawn');
    expect(await spec.auditActions(request.id)).toEqual(['information_request.withdrawn']);
  });
});
