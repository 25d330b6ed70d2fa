import request from 'supertest';
import type { TaskDetail } from '../src/review/review-query.service';
import type { HostResolver } from '../src/webhooks/webhook-target';
import { WebhookTransport } from '../src/webhooks/webhook-transport';
import { createIntakeClient, createUser, login } from './support/auth-helpers';
import { useTestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { WebhookReceiver } from './support/webhook-receiver';
import { createClaim, createPolicy, uploadPhotos } from './fixtures/intake-fixtures';
import { scenePhoto } from './fixtures/photo-fixtures';

const SCORED = ['consistent', 'inconsistent', 'needs_review'];

/**
 * The intake conversation end to end, told by webhooks instead of polling (real PostgreSQL, Redis, worker and
 * fixture model; the receiver on 127.0.0.1 verifies every delivery with the spec-written verifier):
 * submitted → claim.scored → the adjuster requests information → claim.information_requested with the message →
 * the intake system uploads a photo and resubmits → rescored (claim.scored again) → the same adjuster's task is
 * back with the new photo marked new → decided → claim.decided received and verified.
 */
describe('the intake conversation over webhooks', () => {
  const receiver = new WebhookReceiver();
  const resolver: HostResolver = async (host) => (host === 'intake.test' ? [{ address: '127.0.0.1', family: 4 }] : []);
  const app = useTestApp(
    {
      processJobs: true,
      label: 'webhooks_loop',
      env: { REVIEW_QA_SAMPLE_RATE: '1', WEBHOOKS_ALLOWED_HOSTS: 'intake.test', WEBHOOKS_RETRY_SCHEDULE_S: '1,1,1' },
    },
    async (testApp) => {
      testApp.app.get(WebhookTransport).resolver = resolver;
      await receiver.start();
    },
  );
  afterAll(() => receiver.stop());
  const http = () => request(app().app.getHttpServer());

  async function claimStatus(claimId: string): Promise<string> {
    const [row] = (await app().database.dataSource.query(`SELECT status FROM claims WHERE id = $1`, [
      claimId,
    ])) as Array<{ status: string }>;
    return row.status;
  }

  function eventsOf(claimId: string, type: string) {
    return receiver.ofType(type).filter((event) => event.data.claimId === claimId);
  }

  it('request info → information_requested with the message → photo → resubmit → rescored → same adjuster → decided → claim.decided verified', async () => {
    const intake = await createIntakeClient(app(), 'team-a');
    const asIntake = { 'X-API-Key': intake.apiKey };
    const adjuster = await createUser(app(), { role: 'adjuster', team: 'team-a' });
    const bearer = { Authorization: `Bearer ${await login(app(), adjuster.email, adjuster.password)}` };

    const registered = await http()
      .post('/v1/webhooks')
      .set(asIntake)
      .send({
        url: `http://intake.test:${receiver.port}/claims/events`,
        events: ['claim.scored', 'claim.information_requested', 'claim.decided', 'claim.purged'],
      })
      .expect(201);
    receiver.secrets = [registered.body.secret as string];

    const policy = await createPolicy(app(), intake.apiKey);
    const claim = await createClaim(app(), intake.apiKey, policy.id);
    await uploadPhotos(app(), intake.apiKey, claim.id, [{ name: 'front.jpg', bytes: await scenePhoto(5101) }]).expect(
      201,
    );
    await http().post(`/v1/claims/${claim.id}/submit`).set(asIntake).expect(202);

    // Scored: the intake system hears the status only.
    const [scored] = await waitFor(
      () => eventsOf(claim.id, 'claim.scored').length === 1 && eventsOf(claim.id, 'claim.scored'),
      {
        timeoutMs: 60_000,
        description: 'claim.scored at the receiver',
      },
    );
    expect(SCORED).toContain(scored.data.status);
    expect(Object.keys(scored.data).sort()).toEqual(['claimId', 'externalReference', 'status']);

    const [task] = (await app().database.dataSource.query(`SELECT id, version FROM review_tasks WHERE claim_id = $1`, [
      claim.id,
    ])) as Array<{ id: string; version: number }>;
    const assigned = await http()
      .post(`/v1/review/tasks/${task.id}/assign`)
      .set(bearer)
      .send({ version: task.version })
      .expect(200);

    const message = 'Please send a photo of the rear bumper, taken from behind the car.';
    const note = 'Internal: the photos do not show the rear bumper.';
    await http()
      .post(`/v1/review/tasks/${task.id}/decision`)
      .set(bearer)
      .send({ outcome: 'request_info', reasonCode: 'need_more_photos', note, message, version: assigned.body.version })
      .expect(200);

    // The request reaches the intake system with the message and due date, never the reviewer's note.
    const [requested] = await waitFor(
      () =>
        eventsOf(claim.id, 'claim.information_requested').length === 1 &&
        eventsOf(claim.id, 'claim.information_requested'),
      { timeoutMs: 15_000, description: 'claim.information_requested at the receiver' },
    );
    const seen = await http().get(`/v1/claims/${claim.id}`).set(asIntake).expect(200);
    expect(seen.body.status).toBe('information_requested');
    expect(seen.body.informationRequest.message).toBe(message);
    expect(requested.data).toEqual({
      claimId: claim.id,
      externalReference: seen.body.externalReference,
      status: 'information_requested',
      message,
      dueAt: seen.body.informationRequest.dueAt,
    });

    // The intake system answers: another photo, then resubmit.
    const added = await uploadPhotos(app(), intake.apiKey, claim.id, [
      { name: 'rear.jpg', bytes: await scenePhoto(5102) },
    ]).expect(201);
    const newPhotoId = (added.body as { photos: Array<{ id: string }> }).photos[0].id;
    await http()
      .post(`/v1/claims/${claim.id}/resubmit`)
      .set(asIntake)
      .send({ note: 'Rear bumper photo attached.' })
      .expect(202);

    // Rescored (a second claim.scored, its own event id) and the same adjuster's task back, the new photo marked new.
    await waitFor(() => eventsOf(claim.id, 'claim.scored').length === 2, {
      timeoutMs: 60_000,
      description: 'the second claim.scored',
    });
    const back = await waitFor(
      async () => {
        if (!SCORED.includes(await claimStatus(claim.id))) return undefined;
        const response = await http().get(`/v1/review/tasks/${task.id}`).set(bearer);
        const body = response.body as TaskDetail;
        return response.status === 200 && body.task.status === 'assigned' ? body : undefined;
      },
      { timeoutMs: 30_000, description: 'the task back with its adjuster' },
    );
    expect(back.task).toMatchObject({ id: task.id, assigneeId: adjuster.id, followUp: 'information_received' });
    expect(back.informationRequests.at(-1)).toMatchObject({ status: 'answered', newPhotoIds: [newPhotoId] });

    await http()
      .post(`/v1/review/tasks/${task.id}/decision`)
      .set(bearer)
      .send({
        outcome: 'approve',
        reasonCode: 'evidence_consistent',
        note: 'Rear bumper shown.',
        version: back.task.version,
        acknowledgements: back.evidence.flags.map((flag: { checkId: string }) => ({
          checkId: flag.checkId,
          note: 'Seen on the new photo.',
        })),
      })
      .expect(200);

    const [decided] = await waitFor(
      () => eventsOf(claim.id, 'claim.decided').length === 1 && eventsOf(claim.id, 'claim.decided'),
      { timeoutMs: 15_000, description: 'claim.decided at the receiver' },
    );
    expect(decided.data).toEqual({
      claimId: claim.id,
      externalReference: seen.body.externalReference,
      status: 'decided',
      outcome: 'approve',
      reasonCode: 'evidence_consistent',
    });

    // Every delivery verified with the independent verifier; each event id arrived once, in order of the conversation.
    const mine = receiver.received.filter(
      (entry) => (JSON.parse(entry.body) as { data: { claimId: string } }).data.claimId === claim.id,
    );
    expect(mine.map((entry) => entry.verificationError)).toEqual([null, null, null, null]);
    expect(new Set(mine.map((entry) => entry.headers['webhook-id'])).size).toBe(4);
    expect(mine.map((entry) => (JSON.parse(entry.body) as { type: string }).type)).toEqual([
      'claim.scored',
      'claim.information_requested',
      'claim.scored',
      'claim.decided',
    ]);
    for (const entry of mine) {
      expect(entry.body).not.toContain(note);
      expect(entry.body).not.toMatch(/score"|confidence|flags/);
    }
  });
});
