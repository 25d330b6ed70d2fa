import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { AuditService } from '../src/audit/audit.service';
import { ManualClock } from '../src/common/clock';
import { PurgeService } from '../src/retention/purge.service';
import { RetentionService } from '../src/retention/retention.service';
import { JobQueueService } from '../src/jobs/job-queue.service';
import { WebhookDeliveryService } from '../src/webhooks/webhook-delivery.service';
import { WebhookOutbox } from '../src/webhooks/webhook-outbox';
import type { HostResolver } from '../src/webhooks/webhook-target';
import { WebhookTransport } from '../src/webhooks/webhook-transport';
import { createIntakeClient, createUser, TEST_CONTEXT, tokenFor } from './support/auth-helpers';
import { factories } from './support/factories';
import { useTestApp } from './support/test-app';
import { waitFor } from './support/wait-for';
import { WebhookReceiver } from './support/webhook-receiver';
import { REPO_ROOT } from './support/processes';
import { verifyStandardWebhook, WebhookVerificationFailed } from './support/webhook-verifier';

/**
 * Webhooks end to end on loopback only: a real receiver on 127.0.0.1 (reached as `receiver.test`, the one
 * host on the allow-list, through a fake resolver) verifies every delivery with a verifier written from
 * the spec (the service signs with the `standardwebhooks` package). Retries use a 1-second schedule.
 */
describe('webhooks', () => {
  const clock = new ManualClock(new Date());
  const receiver = new WebhookReceiver();
  receiver.now = () => clock.now();
  /** Host names the fake resolver knows; every other name does not resolve (no real DNS in tests). */
  const dns: Record<string, string[]> = {
    'receiver.test': ['127.0.0.1'],
    localhost: ['127.0.0.1'],
    'rebind.test': ['93.184.216.34'],
  };
  const resolved: string[] = [];
  const resolver: HostResolver = async (host) => {
    resolved.push(host);
    return (dns[host] ?? []).map((address) => ({ address, family: 4 }) as const);
  };
  const posted: string[] = [];

  const app = useTestApp(
    {
      label: 'webhooks',
      processJobs: true,
      manualClock: clock,
      env: { WEBHOOKS_ALLOWED_HOSTS: 'receiver.test', WEBHOOKS_RETRY_SCHEDULE_S: '1,1,1,1,1,1' },
    },
    async (testApp) => {
      const transport = testApp.app.get(WebhookTransport);
      transport.resolver = resolver;
      const post = transport.post.bind(transport);
      // The spy every connection goes through: a refused target must never get here.
      transport.post = (url, target, headers, body, options) => {
        posted.push(`${url.hostname}->${target.address}`);
        return post(url, target, headers, body, options);
      };
      await receiver.start();
    },
  );
  afterAll(() => receiver.stop());

  const http_ = () => request(app().app.getHttpServer());
  const receiverUrl = (path = '/hooks') => `http://receiver.test:${receiver.port}${path}`;
  let owner: { id: string; apiKey: string };
  let stranger: { id: string; apiKey: string };

  beforeAll(async () => {
    owner = await createIntakeClient(app(), 'team-a', 'owner');
    stranger = await createIntakeClient(app(), 'team-a', 'stranger');
  });

  async function register(apiKey: string, url: string, events = ['claim.decided', 'claim.scored']) {
    const created = await http_().post('/v1/webhooks').set('X-API-Key', apiKey).send({ url, events }).expect(201);
    return created.body as { id: string; secret: string };
  }

  async function emitDecided(claimId: string, outcome = 'approve'): Promise<string> {
    const id = await app()
      .app.get(AuditService)
      .run(TEST_CONTEXT, (tx) =>
        app().app.get(WebhookOutbox).emit(tx, claimId, 'claim.decided', {
          status: 'decided',
          outcome,
          reasonCode: 'evidence_consistent',
        }),
      );
    return id!;
  }

  async function deliveriesOf(endpointId: string, apiKey = owner.apiKey) {
    const page = await http_().get(`/v1/webhooks/${endpointId}/deliveries`).set('X-API-Key', apiKey).expect(200);
    return page.body as {
      items: Array<{
        id: string;
        eventId: string;
        status: string;
        attempts: number;
        attemptLog: Array<{
          attempt: number;
          trigger: string;
          statusCode: number | null;
          errorClass: string | null;
          latencyMs: number;
        }>;
      }>;
      total: number;
    };
  }

  describe('SSRF: refused targets', () => {
    it.each([
      ['https://127.0.0.1/hook', /127\.0\.0\.1 is a loopback address/],
      ['https://10.0.0.1/hook', /10\.0\.0\.1 is a private address/],
      ['https://169.254.169.254/latest/meta-data/', /169\.254\.169\.254 is a linkLocal address/],
      ['https://localhost/hook', /localhost resolves to 127\.0\.0\.1, which is a loopback address/],
      ['http://198.51.100.7/hook', /must use https:\/\//],
    ])('%s is refused at registration with a 400 naming the problem, before any connection', async (url, message) => {
      const before = posted.length;
      const refused = await http_()
        .post('/v1/webhooks')
        .set('X-API-Key', owner.apiKey)
        .send({ url, events: ['claim.decided'] })
        .expect(400);
      expect(refused.body.message).toMatch(message);
      expect(refused.body.message).toMatch(/^url refused: /);
      expect(posted.length).toBe(before);
    });

    it('a host that resolves elsewhere at delivery time (DNS rebinding) is refused then, before connecting', async () => {
      const endpoint = await register(owner.apiKey, 'https://rebind.test/hook', ['claim.decided']);
      dns['rebind.test'] = ['169.254.169.254'];
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      const before = posted.length;
      await emitDecided(claim.id);
      const log = await waitFor(
        async () => {
          const page = await deliveriesOf(endpoint.id);
          return page.items[0]?.attemptLog.length ? page : undefined;
        },
        { timeoutMs: 10_000, description: 'the first attempt to the rebound host' },
      );
      expect(log.items[0].attemptLog[0]).toMatchObject({ statusCode: null, errorClass: 'address_refused' });
      const shown = await http_().get(`/v1/webhooks/${endpoint.id}`).set('X-API-Key', owner.apiKey).expect(200);
      expect(shown.body.lastError).toMatch(/rebind\.test resolves to 169\.254\.169\.254, which is a linkLocal address/);
      expect(posted.slice(before).filter((entry) => entry.startsWith('rebind.test'))).toEqual([]);
      await http_().delete(`/v1/webhooks/${endpoint.id}`).set('X-API-Key', owner.apiKey).expect(200);
    });
  });

  describe('delivery', () => {
    let endpoint: { id: string; secret: string };

    beforeAll(async () => {
      endpoint = await register(owner.apiKey, receiverUrl());
      receiver.secrets = [endpoint.secret];
    });

    it('delivers a signed event that the independent verifier accepts; the body has no notes or scores', async () => {
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      const eventId = await emitDecided(claim.id);
      expect(eventId).toMatch(/^msg_[0-9a-f]{32}$/);
      const payload = (await waitFor(() => receiver.processed.get(eventId), {
        timeoutMs: 10_000,
        description: 'the delivery at the receiver',
      })) as { type: string; timestamp: string; data: Record<string, unknown> };
      expect(payload).toEqual({
        type: 'claim.decided',
        timestamp: clock.now().toISOString(),
        data: {
          claimId: claim.id,
          externalReference: claim.externalReference,
          status: 'decided',
          outcome: 'approve',
          reasonCode: 'evidence_consistent',
        },
      });
      const delivery = receiver.received.find((entry) => entry.headers['webhook-id'] === eventId)!;
      expect(delivery.verificationError).toBeNull();
      expect(delivery.headers['webhook-timestamp']).toBe(String(Math.floor(clock.nowMs() / 1000)));
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

      // A tampered body (or a wrong secret) fails the same verification.
      expect(() =>
        verifyStandardWebhook(endpoint.secret, delivery.headers, delivery.body.replace('approve', 'deny'), {
          now: clock.now(),
        }),
      ).toThrow(WebhookVerificationFailed);
      expect(() =>
        verifyStandardWebhook(`whsec_${randomBytes(32).toString('base64')}`, delivery.headers, delivery.body, {
          now: clock.now(),
        }),
      ).toThrow('no matching signature');
    });

    it('an event of a rolled-back change is never written nor sent', async () => {
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      await expect(
        app()
          .app.get(AuditService)
          .run(TEST_CONTEXT, async (tx) => {
            await app().app.get(WebhookOutbox).emit(tx, claim.id, 'claim.decided', {
              status: 'decided',
              outcome: 'deny',
              reasonCode: 'x',
            });
            throw new Error('the change fails');
          }),
      ).rejects.toThrow('the change fails');
      const rows = (await app().database.dataSource.query(`SELECT id FROM webhook_events WHERE claim_id = $1`, [
        claim.id,
      ])) as unknown[];
      expect(rows).toEqual([]);
    });

    it('an event whose job missed the queue (Redis down at commit) is delivered by the sweep', async () => {
      const jobs = app().app.get(JobQueueService);
      const enqueue = jest.spyOn(jobs, 'enqueue').mockRejectedValueOnce(new Error('Redis is not answering'));
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      const eventId = await emitDecided(claim.id);
      expect(enqueue).toHaveBeenCalledTimes(1);
      enqueue.mockRestore();
      const [pending] = (await app().database.dataSource.query(
        `SELECT d.status, d.attempts FROM webhook_deliveries d WHERE d.event_id = $1`,
        [eventId],
      )) as Array<{ status: string; attempts: number }>;
      expect(pending).toEqual({ status: 'pending', attempts: 0 });
      expect(receiver.processed.has(eventId)).toBe(false);

      clock.advance(31_000);
      expect(await app().app.get(WebhookDeliveryService).sweep()).toMatchObject({ requeued: 1 });
      await waitFor(() => receiver.processed.get(eventId), { timeoutMs: 10_000, description: 'the swept delivery' });
    });

    it('only the submitting client’s endpoints get its claims’ events', async () => {
      const theirs = await register(stranger.apiKey, receiverUrl('/stranger'), ['claim.decided']);
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      const eventId = await emitDecided(claim.id);
      await waitFor(() => receiver.processed.get(eventId), { timeoutMs: 10_000, description: 'the owner’s delivery' });
      expect((await deliveriesOf(theirs.id, stranger.apiKey)).total).toBe(0);
      expect(receiver.received.filter((entry) => entry.headers['webhook-id'] === eventId)).toHaveLength(1);
      await http_().delete(`/v1/webhooks/${theirs.id}`).set('X-API-Key', stranger.apiKey).expect(200);
    });

    it('receiver down for a while: retries, then delivered once it is back, each event processed once', async () => {
      const port = receiver.port;
      await receiver.stop();
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      const ids = [await emitDecided(claim.id, 'approve'), await emitDecided(claim.id, 'deny')];
      await waitFor(
        async () => {
          const page = await deliveriesOf(endpoint.id);
          const mine = page.items.filter((item) => ids.includes(item.eventId));
          return mine.length === 2 && mine.every((item) => item.attempts >= 2) ? mine : undefined;
        },
        { timeoutMs: 15_000, description: 'two failed attempts of each delivery' },
      );
      await receiver.start(port);
      const delivered = await waitFor(
        async () => {
          const page = await deliveriesOf(endpoint.id);
          const mine = page.items.filter((item) => ids.includes(item.eventId));
          return mine.every((item) => item.status === 'delivered') ? mine : undefined;
        },
        { timeoutMs: 15_000, description: 'both deliveries once the receiver is back' },
      );
      for (const item of delivered) {
        const failed = item.attemptLog.filter((attempt) => attempt.errorClass !== null);
        expect(failed.length).toBeGreaterThanOrEqual(2);
        expect(
          failed.every((attempt) => attempt.errorClass === 'connection_refused' && attempt.statusCode === null),
        ).toBe(true);
        expect(item.attemptLog.at(-1)).toMatchObject({ statusCode: 204, errorClass: null, trigger: 'scheduled' });
        expect(item.attemptLog.every((attempt) => attempt.latencyMs >= 0)).toBe(true);
      }
      for (const id of ids) {
        expect(receiver.processed.has(id)).toBe(true);
        expect(receiver.received.filter((entry) => entry.headers['webhook-id'] === id)).toHaveLength(1);
      }
      const shown = await http_().get(`/v1/webhooks/${endpoint.id}`).set('X-API-Key', owner.apiKey).expect(200);
      expect(shown.body).toMatchObject({
        enabled: true,
        failingSince: null,
        lastError: expect.stringMatching(/^connection_refused/),
      });
    });

    it('redelivery on request sends the same event id again; the receiver de-duplicates it', async () => {
      const page = await deliveriesOf(endpoint.id);
      const delivered = page.items.find((item) => item.status === 'delivered')!;
      const duplicatesBefore = receiver.duplicates;
      const asked = await http_()
        .post(`/v1/webhooks/${endpoint.id}/deliveries/${delivered.id}/redeliver`)
        .set('X-API-Key', owner.apiKey)
        .expect(202);
      expect(asked.body).toEqual({ deliveryId: delivered.id, attempt: delivered.attempts + 1 });
      await waitFor(() => receiver.duplicates > duplicatesBefore, { timeoutMs: 10_000, description: 'the redelivery' });
      const after = (await deliveriesOf(endpoint.id)).items.find((item) => item.id === delivered.id)!;
      expect(after.status).toBe('delivered');
      expect(after.attemptLog.at(-1)).toMatchObject({ trigger: 'redelivery', statusCode: 204 });
      expect(receiver.processed.has(delivered.eventId)).toBe(true);
    });

    it('the operator CLI lists, creates, changes, rotates, reads the log, redelivers and deletes (--json)', async () => {
      const cli = (...args: string[]) => {
        const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/src/cli.js'), ...args, '--json'], {
          cwd: REPO_ROOT,
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            ...app().env,
            // The CLI resolves with the system's DNS: it registers a loopback address the operator allow-listed.
            WEBHOOKS_ALLOWED_HOSTS: 'receiver.test,127.0.0.1',
          },
          encoding: 'utf8',
        });
        return {
          status: result.status,
          stderr: result.stderr,
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON, read field by field below
          json: () => JSON.parse(result.stdout) as Record<string, any>,
        };
      };
      const created = cli(
        'webhooks:create',
        '--client-id',
        owner.id,
        '--url',
        'http://127.0.0.1:9/cli',
        '--events',
        'claim.scored',
      );
      expect(created.status).toBe(0);
      const { id, secret } = created.json();
      expect(secret).toMatch(/^whsec_/);
      expect(
        cli('webhooks:list', '--client-id', owner.id)
          .json()
          .items.map((item: { id: string }) => item.id),
      ).toContain(id);
      expect(cli('webhooks:update', '--id', id, '--disable').json()).toMatchObject({
        enabled: false,
        disabledReason: 'disabled by its owner',
      });
      expect(cli('webhooks:rotate-secret', '--id', id).json().secret).not.toBe(secret);

      const log = cli('webhooks:deliveries', '--id', endpoint.id, '--status', 'delivered').json();
      expect(log.total).toBeGreaterThan(0);
      const delivery = log.items[0] as { id: string; eventId: string; attempts: number };
      const duplicatesBefore = receiver.duplicates;
      expect(cli('webhooks:redeliver', '--id', endpoint.id, '--delivery', delivery.id).json()).toEqual({
        deliveryId: delivery.id,
        attempt: delivery.attempts + 1,
      });
      await waitFor(() => receiver.duplicates > duplicatesBefore, {
        timeoutMs: 10_000,
        description: 'the CLI redelivery',
      });

      const refused = cli(
        'webhooks:create',
        '--client-id',
        owner.id,
        '--url',
        'https://10.0.0.1/x',
        '--events',
        'claim.scored',
      );
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/url refused: 10\.0\.0\.1 is a private address/);
      expect(cli('webhooks:delete', '--id', id).json()).toMatchObject({ id });
      const actors = (await app().database.dataSource.query(
        `SELECT DISTINCT actor_id FROM audit_events WHERE resource_id = $1`,
        [id],
      )) as Array<{ actor_id: string }>;
      expect(actors.map((row) => row.actor_id)).toEqual([expect.stringMatching(/^cli:/)]);
    });

    it('a rotated secret: both the old and the new one verify during the overlap', async () => {
      const rotated = await http_()
        .post(`/v1/webhooks/${endpoint.id}/rotate-secret`)
        .set('X-API-Key', owner.apiKey)
        .expect(201);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(endpoint.secret);
      const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
      const eventId = await emitDecided(claim.id);
      await waitFor(() => receiver.processed.get(eventId), { timeoutMs: 10_000, description: 'the delivery' });
      const delivery = receiver.received.find((entry) => entry.headers['webhook-id'] === eventId)!;
      expect(delivery.headers['webhook-signature'].split(' ')).toHaveLength(2);
      for (const secret of [endpoint.secret, rotated.body.secret as string])
        expect(() =>
          verifyStandardWebhook(secret, delivery.headers, delivery.body, { now: clock.now() }),
        ).not.toThrow();
      receiver.secrets = [rotated.body.secret as string];
    });

    it('a retention purge announces claim.purged and redacts the claim’s earlier payloads', async () => {
      await http_()
        .patch(`/v1/webhooks/${endpoint.id}`)
        .set('X-API-Key', owner.apiKey)
        .send({ events: ['claim.decided', 'claim.purged'] })
        .expect(200);
      const compliance = await createUser(app(), { role: 'compliance', team: 'team-a' });
      await app().app.get(RetentionService).createPolicy(TEST_CONTEXT, compliance.id, {
        dataClass: 'claim_records',
        jurisdiction: 'webhooks-purge',
        periodDays: 30,
        trigger: 'claim_closed',
        action: 'delete',
      });
      const policy = await factories(app()).newPolicy({ jurisdiction: 'webhooks-purge' });
      const claim = await factories(app()).newClaim({
        policyId: policy.id,
        submitterClientId: owner.id,
        status: 'decided',
        decidedAt: new Date(clock.nowMs() - 60 * 86_400_000),
      });
      const decidedId = await emitDecided(claim.id);
      await waitFor(() => receiver.processed.get(decidedId), { timeoutMs: 10_000, description: 'claim.decided' });

      await app().app.get(PurgeService).run(TEST_CONTEXT, { dryRun: false });
      const [purged] = await waitFor(
        () => {
          const found = receiver.ofType('claim.purged').filter((event) => event.data.claimId === claim.id);
          return found.length === 1 && found;
        },
        { timeoutMs: 10_000, description: 'claim.purged at the receiver' },
      );
      expect(purged.data).toMatchObject({ claimId: claim.id, externalReference: claim.externalReference });
      expect(purged.data.dataClasses).toContain('claim_records');
      const payloads = (await app().database.dataSource.query(
        `SELECT type, payload FROM webhook_events WHERE claim_id = $1 ORDER BY occurred_at, type`,
        [claim.id],
      )) as Array<{ type: string; payload: string }>;
      expect(payloads.find((row) => row.type === 'claim.decided')?.payload).toBe('{}');
      expect(JSON.parse(payloads.find((row) => row.type === 'claim.purged')!.payload)).toEqual(purged);
    });

    it('the secret is stored wrapped, never in clear', async () => {
      const [row] = (await app().database.dataSource.query(
        `SELECT wrapped_secret, secret_key_version FROM webhook_endpoints WHERE id = $1`,
        [endpoint.id],
      )) as Array<{ wrapped_secret: Buffer; secret_key_version: number }>;
      const key = Buffer.from(receiver.secrets[0].slice('whsec_'.length), 'base64');
      expect(row.wrapped_secret.includes(key)).toBe(false);
      expect(row.wrapped_secret.length).toBeGreaterThan(key.length);
      const audit = (await app().database.dataSource.query(
        `SELECT details::text AS details FROM audit_events WHERE resource_id = $1`,
        [endpoint.id],
      )) as Array<{ details: string }>;
      expect(audit.map((event) => event.details).join('\n')).not.toContain(key.toString('base64'));
    });
  });

  it('an endpoint failing continuously for WEBHOOKS_DISABLE_AFTER_DAYS is disabled, and its owner sees why', async () => {
    // A port nothing listens on: bind one, then close it.
    const probe = http.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const dead = await register(owner.apiKey, `http://receiver.test:${deadPort}/hooks`, ['claim.decided']);
    const claim = await factories(app()).newClaim({ submitterClientId: owner.id, status: 'decided' });
    await emitDecided(claim.id);
    await waitFor(async () => (await deliveriesOf(dead.id)).items[0]?.attempts >= 1, {
      timeoutMs: 10_000,
      description: 'the first failed attempt',
    });
    const failing = await http_().get(`/v1/webhooks/${dead.id}`).set('X-API-Key', owner.apiKey).expect(200);
    expect(failing.body).toMatchObject({ enabled: true, failingSince: expect.any(String) });

    clock.advance(5 * 86_400_000 + 60_000);
    const disabled = await waitFor(
      async () => {
        const shown = await http_().get(`/v1/webhooks/${dead.id}`).set('X-API-Key', owner.apiKey).expect(200);
        return shown.body.enabled === false ? shown.body : undefined;
      },
      { timeoutMs: 10_000, description: 'the endpoint to be disabled' },
    );
    expect(disabled.disabledReason).toMatch(
      /^deliveries failed continuously since .* \(more than 5 days\); last error: connection_refused/,
    );
    expect(disabled.lastError).toMatch(/^connection_refused/);
    const page = await deliveriesOf(dead.id);
    expect(page.items[0].status).toBe('failed');
    const redeliver = await http_()
      .post(`/v1/webhooks/${dead.id}/deliveries/${page.items[0].id}/redeliver`)
      .set('X-API-Key', owner.apiKey)
      .expect(409);
    expect(redeliver.body.message).toMatch(/enable it/);
    const enabled = await http_()
      .patch(`/v1/webhooks/${dead.id}`)
      .set('X-API-Key', owner.apiKey)
      .send({ enabled: true })
      .expect(200);
    expect(enabled.body).toMatchObject({ enabled: true, disabledReason: null, failingSince: null });
    const audit = (await app().database.dataSource.query(
      `SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq`,
      [dead.id],
    )) as Array<{ action: string }>;
    expect(audit.map((event) => event.action)).toEqual(
      expect.arrayContaining(['webhook.endpoint_created', 'webhook.endpoint_disabled', 'webhook.endpoint_updated']),
    );
  });

  describe('access', () => {
    it('another client’s endpoint is invisible (404), a staff role without the rule gets 403', async () => {
      const mine = await register(owner.apiKey, receiverUrl('/mine'), ['claim.purged']);
      const as = (apiKey: string) => ({ 'X-API-Key': apiKey });
      await http_().get(`/v1/webhooks/${mine.id}`).set(as(stranger.apiKey)).expect(404);
      await http_().patch(`/v1/webhooks/${mine.id}`).set(as(stranger.apiKey)).send({ enabled: false }).expect(404);
      await http_().delete(`/v1/webhooks/${mine.id}`).set(as(stranger.apiKey)).expect(404);
      await http_().get(`/v1/webhooks/${mine.id}/deliveries`).set(as(stranger.apiKey)).expect(404);
      await http_().post(`/v1/webhooks/${mine.id}/rotate-secret`).set(as(stranger.apiKey)).expect(404);
      const unknown = await http_().get(`/v1/webhooks/${randomUuid()}`).set(as(stranger.apiKey)).expect(404);
      const hidden = await http_().get(`/v1/webhooks/${mine.id}`).set(as(stranger.apiKey)).expect(404);
      expect(hidden.body).toEqual(unknown.body);
      const listed = await http_().get('/v1/webhooks').set(as(stranger.apiKey)).expect(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(mine.id);
      const own = await http_().get('/v1/webhooks').set(as(owner.apiKey)).expect(200);
      expect(own.body.items.map((item: { id: string }) => item.id)).toContain(mine.id);
      expect(JSON.stringify(own.body)).not.toContain('whsec_');
      // An intake system cannot register for another client.
      await http_()
        .post('/v1/webhooks')
        .set(as(stranger.apiKey))
        .send({ url: receiverUrl(), events: ['claim.decided'], clientId: owner.id })
        .expect(404);

      const adjuster = await tokenFor(app(), 'adjuster');
      await http_().get('/v1/webhooks').set('Authorization', `Bearer ${adjuster}`).expect(403);
      await http_().get(`/v1/webhooks/${mine.id}`).set('Authorization', `Bearer ${adjuster}`).expect(403);
    });

    it('admins register for a named client, see every endpoint, and must name the client', async () => {
      const admin = await tokenFor(app(), 'admin');
      const bearer = { Authorization: `Bearer ${admin}` };
      const missing = await http_()
        .post('/v1/webhooks')
        .set(bearer)
        .send({ url: receiverUrl(), events: ['claim.scored'] })
        .expect(400);
      expect(missing.body.message).toMatch(/clientId is required/);
      const created = await http_()
        .post('/v1/webhooks')
        .set(bearer)
        .send({ url: receiverUrl('/admin'), events: ['claim.scored'], clientId: stranger.id })
        .expect(201);
      const listed = await http_().get(`/v1/webhooks?clientId=${stranger.id}`).set(bearer).expect(200);
      expect(listed.body.items.map((item: { id: string }) => item.id)).toContain(created.body.id);
      // The client sees (and owns) what the admin registered for it.
      await http_().get(`/v1/webhooks/${created.body.id}`).set('X-API-Key', stranger.apiKey).expect(200);
      const bad = await http_()
        .post('/v1/webhooks')
        .set(bearer)
        .send({ url: receiverUrl(), events: ['claim.everything'], clientId: stranger.id })
        .expect(400);
      expect(bad.body.message).toMatch(/each event must be one of claim\.scored/);
    });
  });
});

function randomUuid(): string {
  const hex = randomBytes(16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
