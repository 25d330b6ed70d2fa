import request from 'supertest';
import type { DataSource } from 'typeorm';
import { ManualClock } from '../src/common/clock';
import { InformationRequestExpiry } from '../src/review/information-request-expiry.handler';
import { JobName } from '../src/jobs/job-registry';
import { JobQueueService } from '../src/jobs/job-queue.service';
import type { TaskDetail, TaskPage } from '../src/review/review-query.service';
import { ScoringService } from '../src/scoring/scoring.service';
import { createIntakeClient, createUser, login, TEST_CONTEXT, type TestUser } from './support/auth-helpers';
import { factories } from './support/factories';
import { useTestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { createClaim, createPolicy, uploadPhotos } from './fixtures/intake-fixtures';
import { scenePhoto } from './fixtures/photo-fixtures';

const NOW = '2026-03-02T12:00:00Z';
const DAY = 86_400_000;
const SCORED = ['consistent', 'inconsistent', 'needs_review'];

interface Person extends TestUser {
  token: string;
}

/**
 * Information requests end to end (real PostgreSQL, Redis, worker and fixture model): a reviewer asks the intake
 * system for more, the intake system sees the request (never scores, flags or notes), adds a photo and a note,
 * resubmits; the claim is rescored over all its photos and the same task comes back to the same adjuster with what
 * is new; unanswered requests come back as "no response" when the clock passes their due date.
 */
describe('information requests and resubmission', () => {
  const clock = new ManualClock(NOW);
  // Every consistent claim is drawn for review, so every scored claim here has a task.
  const app = useTestApp({
    processJobs: true,
    manualClock: clock,
    label: 'info_requests',
    env: { REVIEW_QA_SAMPLE_RATE: '1', INFORMATION_REQUEST_EXPIRY_INTERVAL_MS: '0' },
  });
  let dataSource: DataSource;
  let intake: { id: string; apiKey: string };
  let stranger: { id: string; apiKey: string };
  let policyId: string;
  const people: Record<string, Person> = {};
  let seed = 4100;

  const http = () => request(app().app.getHttpServer());
  const bearer = (who: string) => ({ Authorization: `Bearer ${people[who].token}` });
  const asIntake = (apiKey: string) => ({ 'X-API-Key': apiKey });
  const decide = (taskId: string, who: string, body: object) =>
    http().post(`/v1/review/tasks/${taskId}/decision`).set(bearer(who)).send(body);
  const resubmit = (claimId: string, apiKey: string, body: object = {}) =>
    http().post(`/v1/claims/${claimId}/resubmit`).set(asIntake(apiKey)).send(body);
  const note = 'The photos do not show the rear bumper the claim describes.';
  const message = 'Please send a photo of the rear bumper, taken from behind the car.';

  async function person(key: string, role: TestUser['role'], team: string): Promise<void> {
    const user = await createUser(app(), { role, team });
    people[key] = { ...user, token: await login(app(), user.email, user.password) };
  }

  async function claimStatus(claimId: string): Promise<string> {
    const [row] = (await dataSource.query(`SELECT status FROM claims WHERE id = $1`, [claimId])) as Array<{
      status: string;
    }>;
    return row.status;
  }

  async function taskOf(claimId: string): Promise<{ id: string; version: number; status: string }> {
    const [row] = (await dataSource.query(
      `SELECT id, version, status FROM review_tasks WHERE claim_id = $1 ORDER BY created_at DESC LIMIT 1`,
      [claimId],
    )) as Array<{ id: string; version: number; status: string }>;
    return row;
  }

  async function detail(who: string, taskId: string): Promise<TaskDetail> {
    const response = await http().get(`/v1/review/tasks/${taskId}`).set(bearer(who)).expect(200);
    return response.body as TaskDetail;
  }

  async function actions(resourceId: string): Promise<string[]> {
    const rows = (await dataSource.query(`SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq`, [
      resourceId,
    ])) as Array<{ action: string }>;
    return rows.map((row) => row.action);
  }

  /** A claim filed, uploaded and submitted over the API, scored by the worker, its task assigned to `who`. */
  async function scoredClaimAssignedTo(who: string): Promise<{ claimId: string; taskId: string; photoId: string }> {
    const claim = await createClaim(app(), intake.apiKey, policyId);
    const upload = await uploadPhotos(app(), intake.apiKey, claim.id, [
      { name: 'front.jpg', bytes: await scenePhoto((seed += 1)) },
    ]).expect(201);
    await http().post(`/v1/claims/${claim.id}/submit`).set(asIntake(intake.apiKey)).expect(202);
    const task = await waitFor(async () => (SCORED.includes(await claimStatus(claim.id)) ? taskOf(claim.id) : null), {
      timeoutMs: 60_000,
      description: `claim ${claim.id} to be scored with a review task`,
    });
    await http()
      .post(`/v1/review/tasks/${task.id}/assign`)
      .set(bearer(who))
      .send({ version: task.version })
      .expect(200);
    return {
      claimId: claim.id,
      taskId: task.id,
      photoId: (upload.body as { photos: Array<{ id: string }> }).photos[0].id,
    };
  }

  async function requestInfo(taskId: string, who: string, extra: object = {}) {
    const { version } = (await detail(who, taskId)).task;
    return decide(taskId, who, {
      outcome: 'request_info',
      reasonCode: 'need_more_photos',
      note,
      message,
      version,
      ...extra,
    });
  }

  async function requestInfoOk(taskId: string, who: string, extra: object = {}) {
    const response = await requestInfo(taskId, who, extra);
    expect(response.status).toBe(200);
    return response;
  }

  /** Moves the clock; access tokens are dated by it, so everyone signs in again. */
  async function moveClock(to: string | Date): Promise<void> {
    clock.set(to);
    for (const who of Object.keys(people))
      people[who].token = await login(app(), people[who].email, people[who].password);
  }

  async function waitUntilReopened(claimId: string): Promise<{ id: string; version: number; status: string }> {
    return waitFor(
      async () => {
        const task = await taskOf(claimId);
        return task.status !== 'awaiting_info' && SCORED.includes(await claimStatus(claimId)) ? task : null;
      },
      { timeoutMs: 60_000, description: `claim ${claimId} to be rescored and its task reopened` },
    );
  }

  beforeAll(async () => {
    dataSource = app().database.dataSource;
    intake = await createIntakeClient(app(), 'team-a');
    stranger = await createIntakeClient(app(), 'team-a');
    policyId = (await createPolicy(app(), intake.apiKey)).id;
    await person('ada', 'adjuster', 'team-a');
    await person('ben', 'adjuster', 'team-a');
    await person('sam', 'supervisor', 'team-a');
  });

  it('request info → the intake sees message and due date only → photo → resubmit → rescored → the same adjuster decides', async () => {
    const { claimId, taskId, photoId } = await scoredClaimAssignedTo('ada');
    const scoredStatus = await claimStatus(claimId);

    // The request needs a message for the claimant and a sensible due date; a refusal changes nothing.
    const noMessage = await requestInfo(taskId, 'ada', { message: undefined });
    expect(noMessage.status).toBe(400);
    expect(noMessage.body.message).toMatch(/message is required with request_info/);
    const past = await requestInfo(taskId, 'ada', { dueAt: '2026-03-01' });
    expect(past.status).toBe(400);
    expect(past.body.message).toBe('dueAt must be in the future, at least an hour from now');
    const tooLate = await requestInfo(taskId, 'ada', { dueAt: '2027-01-01' });
    expect(tooLate.status).toBe(400);
    expect(await claimStatus(claimId)).toBe(scoredStatus);
    expect((await taskOf(claimId)).status).toBe('assigned');

    const requested = await requestInfo(taskId, 'ada');
    expect(requested.status).toBe(200);
    expect(requested.body.task).toMatchObject({ status: 'awaiting_info', assigneeId: people.ada.id, followUp: null });
    expect(requested.body.decision).toMatchObject({ outcome: 'request_info', reasonCode: 'need_more_photos' });
    expect(await claimStatus(claimId)).toBe('information_requested');

    // The intake system sees the status, the message, the reason code and the due date (default: 14 days) …
    const seen = await http().get(`/v1/claims/${claimId}`).set(asIntake(intake.apiKey)).expect(200);
    expect(seen.body.status).toBe('information_requested');
    expect(seen.body.informationRequest).toEqual({
      id: expect.any(String),
      status: 'open',
      reasonCode: 'need_more_photos',
      message,
      dueAt: new Date(Date.parse(NOW) + 14 * DAY).toISOString(),
      requestedAt: new Date(NOW).toISOString(),
      answeredAt: null,
      responseNote: null,
      newPhotoIds: [],
    });
    // … and never scores, flags or the reviewer's note.
    expect(Object.keys(seen.body).sort()).toEqual(
      [
        'id',
        'policyId',
        'externalReference',
        'claimedPeril',
        'description',
        'incidentDate',
        'amount',
        'currency',
        'claimantRef',
        'photoSource',
        'status',
        'photoCount',
        'submittedAt',
        'createdAt',
        'updatedAt',
        'photos',
        'informationRequest',
      ].sort(),
    );
    const text = JSON.stringify(seen.body);
    expect(text).not.toContain(note);
    for (const word of ['validation', 'flags', 'score', 'confidence', 'decision', 'reviewer'])
      expect(text).not.toContain(word);
    // Another intake client, even of the same team, does not see it exists.
    await http().get(`/v1/claims/${claimId}`).set(asIntake(stranger.apiKey)).expect(404);
    await resubmit(claimId, stranger.apiKey, { note: 'hello' }).expect(404);
    await uploadPhotos(app(), stranger.apiKey, claimId, [{ name: 'x.jpg', bytes: await scenePhoto(9) }]).expect(404);

    // Nothing new yet: a resubmission needs a photo or a note.
    const empty = await resubmit(claimId, intake.apiKey);
    expect(empty.status).toBe(422);
    expect(empty.body.message).toBe(
      `nothing to resubmit for claim ${claimId}: upload at least one photo or send a note`,
    );

    const added = await uploadPhotos(app(), intake.apiKey, claimId, [
      { name: 'rear.jpg', bytes: await scenePhoto((seed += 1)) },
    ]).expect(201);
    const newPhotoId = (added.body as { photos: Array<{ id: string }> }).photos[0].id;
    const [uploaded] = (await dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'photo.uploaded' AND resource_id = $1`,
      [newPhotoId],
    )) as Array<{ details: Record<string, unknown> }>;
    expect(uploaded.details.informationRequestId).toBe(seen.body.informationRequest.id);

    // Only the new photo goes through the image encoder; the stored embedding of the old one is reused.
    const embed = jest.spyOn(app().app.get(ScoringService), 'embedPhoto');
    await moveClock(new Date(Date.parse(NOW) + DAY));
    const answer = 'Photo of the rear bumper attached.';
    const resubmitted = await resubmit(claimId, intake.apiKey, { note: answer }).expect(202);
    expect(resubmitted.body).toEqual({
      id: claimId,
      status: 'queued',
      submittedAt: new Date(Date.parse(NOW) + DAY).toISOString(),
      informationRequestId: seen.body.informationRequest.id,
      newPhotoIds: [newPhotoId],
    });
    const again = await resubmit(claimId, intake.apiKey, { note: answer });
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(/is not waiting for information \(status (queued|scoring|\w+)\)/);

    const reopened = await waitUntilReopened(claimId);
    expect(embed).toHaveBeenCalledTimes(1);
    embed.mockRestore();
    expect(reopened.id).toBe(taskId);
    // Every check ran again over all the photos: the image-quality check names both.
    const qualityPhotos = (await dataSource.query(
      `SELECT photo_id FROM checks WHERE kind = 'unusable_image'
         AND scoring_run_id = (SELECT id FROM scoring_runs WHERE claim_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1)`,
      [claimId],
    )) as Array<{ photo_id: string }>;
    expect(qualityPhotos.map((row) => row.photo_id).sort()).toEqual([photoId, newPhotoId].sort());
    const runs = (await dataSource.query(`SELECT count(*)::int AS n FROM scoring_runs WHERE claim_id = $1`, [
      claimId,
    ])) as Array<{ n: number }>;
    expect(runs[0].n).toBe(2);

    // The same adjuster's task, with what is new since the request.
    const back = await detail('ada', taskId);
    expect(back.task).toMatchObject({
      status: 'assigned',
      assigneeId: people.ada.id,
      followUp: 'information_received',
    });
    expect(back.informationRequests).toHaveLength(1);
    expect(back.informationRequests[0]).toMatchObject({
      status: 'answered',
      newPhotoIds: [newPhotoId],
      responseNote: answer,
      answeredAt: new Date(Date.parse(NOW) + DAY).toISOString(),
    });
    expect(back.decisions.map((decision) => decision.outcome)).toEqual(['request_info']);
    expect(back.allowed.decide).toBe(true);
    const mine = await http().get('/v1/review/tasks?scope=mine').set(bearer('ada')).expect(200);
    expect((mine.body as TaskPage).items.find((item) => item.id === taskId)?.followUp).toBe('information_received');

    const decided = await decide(taskId, 'ada', {
      outcome: 'approve',
      reasonCode: 'evidence_consistent',
      note: 'The rear bumper photo shows the damage as claimed.',
      version: back.task.version,
      // Whatever the rescoring flagged is acknowledged (approving needs flagged photos opened or acknowledged).
      acknowledgements: back.evidence.flags.map((flag) => ({ checkId: flag.checkId, note: 'Seen on the new photo.' })),
    }).expect(200);
    expect(decided.body.task.status).toBe('decided');
    expect(await claimStatus(claimId)).toBe('decided');
    const final = await http().get(`/v1/claims/${claimId}`).set(asIntake(intake.apiKey)).expect(200);
    expect(final.body.status).toBe('decided');
    expect(final.body.informationRequest).toMatchObject({ status: 'answered', responseNote: answer });

    expect(await actions(claimId)).toEqual(
      expect.arrayContaining([
        'claim.information_requested',
        'claim.resubmitted',
        'claim.status_changed',
        'claim.decided',
      ]),
    );
    const taskActions = await actions(taskId);
    expect(taskActions.filter((action) => action === 'review.decision_made')).toHaveLength(2);
    expect(taskActions).toContain('review.task_reopened');
    const [resubmittedEvent] = (await dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'claim.resubmitted' AND resource_id = $1`,
      [claimId],
    )) as Array<{ details: Record<string, unknown> }>;
    expect(resubmittedEvent.details).toMatchObject({ newPhotoIds: [newPhotoId], noteLength: answer.length });
    expect(JSON.stringify(resubmittedEvent.details)).not.toContain(answer);
  });

  it('an adjuster who left the team gets nothing back: the task goes to the team queue', async () => {
    await moveClock(NOW);
    const { claimId, taskId } = await scoredClaimAssignedTo('ben');
    await requestInfoOk(taskId, 'ben', { dueAt: '2026-03-20' });
    const seen = await http().get(`/v1/claims/${claimId}`).set(asIntake(intake.apiKey)).expect(200);
    expect(seen.body.informationRequest.dueAt).toBe('2026-03-20T23:59:59.999Z');
    // Waiting tasks are not work: they leave the default queue and are listed under status=awaiting_info.
    const queue = await http().get('/v1/review/tasks?scope=queue').set(bearer('ada')).expect(200);
    expect((queue.body as TaskPage).items.map((item) => item.id)).not.toContain(taskId);
    const waiting = await http()
      .get('/v1/review/tasks?scope=queue&status=awaiting_info')
      .set(bearer('ada'))
      .expect(200);
    expect((waiting.body as TaskPage).items.map((item) => item.id)).toContain(taskId);
    const assign = await http()
      .post(`/v1/review/tasks/${taskId}/assign`)
      .set(bearer('sam'))
      .send({ assigneeId: people.ada.id, version: (await taskOf(claimId)).version });
    expect(assign.status).toBe(409);

    await dataSource.query(`UPDATE users SET team = 'team-b' WHERE id = $1`, [people.ben.id]);
    await resubmit(claimId, intake.apiKey, { note: 'The car was repaired; no more photos exist.' }).expect(202);
    const reopened = await waitUntilReopened(claimId);
    expect(reopened).toMatchObject({ id: taskId, status: 'open' });
    const back = await http().get('/v1/review/tasks?scope=queue').set(bearer('ada')).expect(200);
    const row = (back.body as TaskPage).items.find((item) => item.id === taskId);
    expect(row).toMatchObject({ status: 'open', assigneeId: null, followUp: 'information_received' });
    const [event] = (await dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'review.task_reopened' AND resource_id = $1`,
      [taskId],
    )) as Array<{ details: Record<string, unknown> }>;
    expect(event.details).toMatchObject({ assigneeId: null, previousAssigneeId: people.ben.id });
  });

  it('past the due date without an answer the task comes back marked no response, once', async () => {
    await moveClock(NOW);
    const make = factories(app());
    const claim = await make.newClaim({ status: 'inconsistent', submitterClientId: intake.id, policyId });
    const task = await make.newReviewTask({ claimId: claim.id, assigneeId: people.ada.id, reason: 'flagged' });
    await requestInfoOk(task.id, 'ada', { dueAt: '2026-03-05T12:00:00Z' });
    const expiry = app().app.get(InformationRequestExpiry);

    await moveClock('2026-03-05T11:59:00Z');
    expect(await expiry.expireDue(TEST_CONTEXT)).toBe(0);
    expect(await claimStatus(claim.id)).toBe('information_requested');

    await moveClock('2026-03-05T12:00:00Z');
    expect(await expiry.expireDue(TEST_CONTEXT)).toBe(1);
    expect(await expiry.expireDue(TEST_CONTEXT)).toBe(0);
    expect(await claimStatus(claim.id)).toBe('needs_review');
    const queue = await http().get('/v1/review/tasks?scope=queue').set(bearer('sam')).expect(200);
    expect((queue.body as TaskPage).items.find((item) => item.id === task.id)).toMatchObject({
      status: 'assigned',
      assigneeId: people.ada.id,
      followUp: 'no_response',
      slaDueAt: new Date(Date.parse('2026-03-05T12:00:00Z') + 24 * 3_600_000).toISOString(),
    });
    const seen = await http().get(`/v1/claims/${claim.id}`).set(asIntake(intake.apiKey)).expect(200);
    expect(seen.body).toMatchObject({ status: 'needs_review', informationRequest: { status: 'expired' } });
    // Too late to answer.
    const late = await resubmit(claim.id, intake.apiKey, { note: 'sorry, late' });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe(
      `claim ${claim.id} is not waiting for information (status needs_review); only a claim in information_requested can be resubmitted`,
    );
    await uploadPhotos(app(), intake.apiKey, claim.id, [{ name: 'late.jpg', bytes: await scenePhoto(7) }]).expect(409);
    const requestRows = (await dataSource.query(`SELECT id FROM information_requests WHERE claim_id = $1`, [
      claim.id,
    ])) as Array<{ id: string }>;
    expect(await actions(requestRows[0].id)).toEqual(['information_request.expired']);
    expect((await actions(task.id)).filter((action) => action === 'review.task_reopened')).toHaveLength(1);
    await moveClock(NOW);
  });

  it('the scheduled job (through the queue and the worker) brings an overdue task back', async () => {
    await moveClock(NOW);
    const make = factories(app());
    const claim = await make.newClaim({ status: 'needs_review', submitterClientId: intake.id, policyId });
    const task = await make.newReviewTask({ claimId: claim.id, assigneeId: people.ada.id, reason: 'uncertain' });
    await requestInfoOk(task.id, 'ada', { dueAt: '2026-03-03' });
    await moveClock('2026-03-04T00:00:00Z');
    await app().app.get(JobQueueService).enqueue(JobName.InformationRequestExpiry, {});
    await waitFor(async () => (await claimStatus(claim.id)) === 'needs_review', {
      timeoutMs: 30_000,
      description: 'the expiry job to bring the claim back to review',
    });
    expect(await taskOf(claim.id)).toMatchObject({ id: task.id, status: 'assigned' });
    const [event] = (await dataSource.query(
      `SELECT actor_type, actor_id FROM audit_events WHERE action = 'review.task_reopened' AND resource_id = $1`,
      [task.id],
    )) as Array<{ actor_type: string; actor_id: string }>;
    expect(event).toMatchObject({ actor_type: 'system', actor_id: `job:${JobName.InformationRequestExpiry}` });
    await moveClock(NOW);
  });

  it('wrong states answer 409 with the reason; a waiting task can still be decided without the answer', async () => {
    await moveClock(NOW);
    const make = factories(app());
    const draft = await make.newClaim({ status: 'draft', submitterClientId: intake.id, policyId });
    const notWaiting = await resubmit(draft.id, intake.apiKey, { note: 'more' });
    expect(notWaiting.status).toBe(409);
    expect(notWaiting.body.message).toMatch(/is not waiting for information \(status draft\)/);
    const decidedClaim = await make.newClaim({ status: 'decided', submitterClientId: intake.id, policyId });
    const photo = await uploadPhotos(app(), intake.apiKey, decidedClaim.id, [
      { name: 'p.jpg', bytes: await scenePhoto(8) },
    ]);
    expect(photo.status).toBe(409);
    expect(photo.body.message).toMatch(/photos are accepted only as a draft or while information is requested/);
    await resubmit('00000000-0000-4000-8000-000000000000', intake.apiKey).expect(404);

    const claim = await make.newClaim({ status: 'needs_review', submitterClientId: intake.id, policyId });
    const task = await make.newReviewTask({ claimId: claim.id, assigneeId: people.ada.id, reason: 'uncertain' });
    await decide(task.id, 'ada', { outcome: 'approve', reasonCode: 'evidence_consistent', note, message, version: 1 })
      .expect(400)
      .expect(({ body }) => expect(body.message).toBe('message and dueAt belong to outcome request_info only'));
    const waiting = await requestInfoOk(task.id, 'ada');
    const twice = await decide(task.id, 'ada', {
      outcome: 'request_info',
      reasonCode: 'need_documents',
      note,
      message,
      version: waiting.body.task.version,
    });
    expect(twice.status).toBe(409);
    expect(twice.body.message).toMatch(/waits for the claimant's answer/);
    const denied = await decide(task.id, 'ada', {
      outcome: 'deny',
      reasonCode: 'evidence_contradicts_claim',
      note,
      version: waiting.body.task.version,
    }).expect(200);
    expect(denied.body.task.status).toBe('decided');
    expect(await claimStatus(claim.id)).toBe('decided');
    const seen = await http().get(`/v1/claims/${claim.id}`).set(asIntake(intake.apiKey)).expect(200);
    expect(seen.body.informationRequest.status).toBe('withdrawn');
  });

  it('a supervisor override with request_info reopens the conversation on a decided claim', async () => {
    await moveClock(NOW);
    const make = factories(app());
    const claim = await make.newClaim({ status: 'inconsistent', submitterClientId: intake.id, policyId });
    const task = await make.newReviewTask({ claimId: claim.id, assigneeId: people.ada.id, reason: 'flagged' });
    await decide(task.id, 'ada', { outcome: 'deny', reasonCode: 'excluded_peril', note, version: 1 }).expect(200);
    const override = await http()
      .post(`/v1/review/tasks/${task.id}/override`)
      .set(bearer('sam'))
      .send({ outcome: 'request_info', reasonCode: 'need_documents', note, message, dueAt: '2026-03-09' });
    expect(override.status).toBe(201);
    expect(override.body.task).toMatchObject({ status: 'awaiting_info', assigneeId: people.sam.id });
    expect(await claimStatus(claim.id)).toBe('information_requested');
    const seen = await http().get(`/v1/claims/${claim.id}`).set(asIntake(intake.apiKey)).expect(200);
    expect(seen.body.informationRequest).toMatchObject({ status: 'open', reasonCode: 'need_documents', message });
  });
});
