import { subject } from '@casl/ability';
import { InternalServerErrorException, NotFoundException, type ExecutionContext } from '@nestjs/common';
import { generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import { SignJWT, base64url } from 'jose';
import request from 'supertest';
import { AbilityFactory } from '../src/auth/ability.factory';
import { AccessGuard, NO_POLICY_MESSAGE } from '../src/auth/access.guard';
import { AccessService } from '../src/auth/access.service';
import type { Actor } from '../src/common/actor';
import { ManualClock } from '../src/common/clock';
import { createIntakeClient, createUser, login, loginFull, tokenFor } from './support/auth-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

describe('identity and access', () => {
  let testApp: TestApp;
  let clock: ManualClock;
  let http: ReturnType<typeof request>;
  let adminToken: string;

  beforeAll(async () => {
    clock = new ManualClock('2026-03-01T09:00:00Z');
    testApp = await startTestApp({
      label: 'auth',
      manualClock: clock,
      env: { LOGIN_FAILURE_DELAY_MS: '5', LOGIN_MAX_FAILURES_PER_IP: '40' },
    });
    http = request(testApp.app.getHttpServer());
    adminToken = await tokenFor(testApp, 'admin', 'ops');
  });

  afterAll(async () => {
    await testApp?.close();
  });

  async function auditEvents(action: string): Promise<
    Array<{
      actor_type: string;
      actor_id: string | null;
      details: Record<string, unknown>;
      source_ip: string | null;
      request_id: string | null;
    }>
  > {
    return testApp.database.dataSource.query(
      `SELECT actor_type, actor_id, details, source_ip, request_id FROM audit_events WHERE action = $1 ORDER BY seq`,
      [action],
    );
  }

  describe('JWT secret', () => {
    it('is generated once into DATA_DIR/keys/jwt-secret with mode 0600 when JWT_SECRET is unset', () => {
      const stat = fs.statSync(testApp.config.auth.jwtSecretFile);
      expect(stat.mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(testApp.config.auth.jwtSecretFile, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    });
  });

  describe('users', () => {
    it('admin creates and lists people; the password hash never leaves the server', async () => {
      const created = await http
        .post('/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email: 'Ada@Example.test', role: 'adjuster', team: 'team-a', password: 'a-long-enough-password' })
        .expect(201);
      expect(created.body.user).toMatchObject({ email: 'ada@example.test', role: 'adjuster', team: 'team-a' });
      expect(JSON.stringify(created.body)).not.toMatch(/passwordHash|scrypt|a-long-enough-password/);
      const generated = await http
        .post('/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email: 'gen@example.test', role: 'compliance', team: 'audit' })
        .expect(201);
      expect(generated.body.generatedPassword).toEqual(expect.any(String));
      await login(testApp, 'gen@example.test', generated.body.generatedPassword as string);
      const listed = await http.get('/v1/users').set('Authorization', `Bearer ${adminToken}`).expect(200);
      expect((listed.body.items as Array<{ email: string }>).map((user) => user.email)).toEqual(
        expect.arrayContaining(['ada@example.test', 'gen@example.test']),
      );
      expect(JSON.stringify(listed.body)).not.toMatch(/passwordHash|scrypt/);
      const [event] = await auditEvents('user.created').then((events) => events.filter((e) => e.actor_type === 'user'));
      expect(JSON.stringify(event.details)).not.toContain('ada@example.test');
      await http
        .post('/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email: 'ada@example.test', role: 'adjuster', team: 'team-a' })
        .expect(409);
      await http
        .post('/v1/users')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ email: 'x@example.test', role: 'overlord', team: 'team-a' })
        .expect(400);
    });

    it('non-admins get 403, anonymous 401, and the denial is counted and audited', async () => {
      const adjuster = await tokenFor(testApp, 'adjuster');
      const denied = await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${adjuster}`)
        .set('x-request-id', 'req-denied-1')
        .expect(403);
      expect(denied.body).toMatchObject({ statusCode: 403, error: 'Forbidden' });
      await http.get('/v1/users').expect(401);
      const events = await auditEvents('access.denied');
      const event = events.find((e) => e.request_id === 'req-denied-1');
      expect(event).toMatchObject({
        actor_type: 'user',
        details: { route: '/v1/users', method: 'GET', reason: 'forbidden', status: 403 },
      });
      expect(JSON.stringify(event)).not.toContain(adjuster);
      const metrics = await http.get('/metrics').expect(200);
      expect(metrics.text).toMatch(/access_denied_total\{reason="forbidden"\} [1-9]/);
      expect(metrics.text).toMatch(/access_denied_total\{reason="unauthenticated"\} [1-9]/);
    });
  });

  describe('login', () => {
    it('answers the same for an unknown email and a wrong password, and audits both without the email in clear', async () => {
      const user = await createUser(testApp, { role: 'supervisor', email: 'sam@example.test' });
      const wrong = await http.post('/v1/auth/login').send({ email: user.email, password: 'wrong-password-123' });
      const unknown = await http
        .post('/v1/auth/login')
        .send({ email: 'nobody@example.test', password: 'wrong-password-123' });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.body).toEqual(wrong.body);
      const ok = await loginFull(testApp, user.email, user.password);
      expect(ok).toMatchObject({ expiresIn: 900, user: { email: user.email, role: 'supervisor', team: 'team-a' } });
      const failed = await auditEvents('auth.login_failed');
      expect(failed.length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(failed)).not.toMatch(/sam@example|nobody@example|wrong-password/);
      expect(failed[0].details.emailDigest).toEqual(expect.any(String));
      const succeeded = await auditEvents('auth.login_succeeded');
      expect(succeeded.some((e) => e.actor_id === user.id)).toBe(true);
    });

    it('5 failures for an account in the window → 429 with Retry-After, even with the right password; shared through Redis', async () => {
      const user = await createUser(testApp, { role: 'adjuster', email: 'throttled@example.test' });
      for (let attempt = 0; attempt < 5; attempt += 1) {
        await http
          .post('/v1/auth/login')
          .send({ email: user.email, password: `bad-${attempt}-password` })
          .expect(401);
      }
      const blocked = await http
        .post('/v1/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(429);
      expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
      // A second replica (another app on the same Redis prefix) sees the same counters.
      const replica = await startTestApp({ label: 'auth_replica', env: { QUEUE_PREFIX: testApp.env.QUEUE_PREFIX } });
      try {
        await request(replica.app.getHttpServer())
          .post('/v1/auth/login')
          .send({ email: user.email, password: user.password })
          .expect(429);
      } finally {
        await replica.close();
      }
      // Another account is not affected.
      const other = await createUser(testApp, { role: 'adjuster' });
      await login(testApp, other.email, other.password);
    });
  });

  describe('login throttling per source IP', () => {
    it('too many failures from one IP, across accounts, → 429 for any account from that IP', async () => {
      const replica = await startTestApp({
        label: 'auth_ip',
        env: { LOGIN_MAX_FAILURES_PER_IP: '3', LOGIN_FAILURE_DELAY_MS: '0' },
      });
      try {
        const server = request(replica.app.getHttpServer());
        const victim = await createUser(replica, { role: 'adjuster' });
        for (let attempt = 0; attempt < 3; attempt += 1) {
          await server
            .post('/v1/auth/login')
            .send({ email: `spray-${attempt}@example.test`, password: 'spray-password-1' })
            .expect(401);
        }
        await server.post('/v1/auth/login').send({ email: victim.email, password: victim.password }).expect(429);
      } finally {
        await replica.close();
      }
    });
  });

  describe('access tokens', () => {
    async function secret(): Promise<Uint8Array> {
      return new TextEncoder().encode(fs.readFileSync(testApp.config.auth.jwtSecretFile, 'utf8').trim());
    }
    async function forge(
      overrides: {
        alg?: string;
        key?: Uint8Array | import('node:crypto').KeyObject;
        aud?: string;
        iss?: string;
        exp?: number;
        typ?: string;
      } = {},
    ) {
      const now = Math.floor(clock.nowMs() / 1000);
      const admin = await createUser(testApp, { role: 'admin', team: 'ops' });
      return new SignJWT({ role: 'admin', team: 'ops', email: admin.email, typ: overrides.typ ?? 'access' })
        .setProtectedHeader({ alg: overrides.alg ?? 'HS256', typ: 'JWT' })
        .setSubject(admin.id)
        .setIssuer(overrides.iss ?? 'claims-evidence-validation')
        .setAudience(overrides.aud ?? 'claims-evidence-api')
        .setIssuedAt(now - 10)
        .setExpirationTime(overrides.exp ?? now + 600)
        .sign(overrides.key ?? (await secret()));
    }

    it('a correctly forged token with the real secret works (control for the refusals below)', async () => {
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge()}`)
        .expect(200);
    });

    it('refuses an expired token (signed with a past exp, and by moving the clock)', async () => {
      const now = Math.floor(clock.nowMs() / 1000);
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge({ exp: now - 60 })}`)
        .expect(401);
      const token = await tokenFor(testApp, 'admin', 'ops');
      await http.get('/v1/users').set('Authorization', `Bearer ${token}`).expect(200);
      clock.advance(16 * 60 * 1000);
      try {
        const expired = await http.get('/v1/users').set('Authorization', `Bearer ${token}`).expect(401);
        expect(expired.body.message).toMatch(/expired/);
      } finally {
        clock.advance(-16 * 60 * 1000);
      }
    });

    it('refuses a tampered payload', async () => {
      const adjuster = await tokenFor(testApp, 'adjuster');
      const [header, payload, signature] = adjuster.split('.');
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const tampered = base64url.encode(JSON.stringify({ ...claims, role: 'admin' }));
      await http.get('/v1/users').set('Authorization', `Bearer ${header}.${tampered}.${signature}`).expect(401);
    });

    it('refuses alg "none", other HMAC algorithms, RS256 and the HS/RS key confusion', async () => {
      const valid = await forge();
      const [, payload] = valid.split('.');
      const none = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
      await http.get('/v1/users').set('Authorization', `Bearer ${none}`).expect(401);
      await http
        .get('/v1/users')
        .set(
          'Authorization',
          `Bearer ${await forge({ alg: 'HS512', key: new Uint8Array([...(await secret()), ...(await secret())]) })}`,
        )
        .expect(401);
      const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge({ alg: 'RS256', key: privateKey })}`)
        .expect(401);
      // Confusion: an HS256 token whose HMAC key is a public key the attacker knows.
      const publicPem = new TextEncoder().encode(publicKey.export({ type: 'spki', format: 'pem' }).toString());
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge({ key: publicPem })}`)
        .expect(401);
    });

    it('refuses a wrong audience, a wrong issuer, a token that is not an access token, and garbage', async () => {
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge({ aud: 'another-service' })}`)
        .expect(401);
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge({ iss: 'someone-else' })}`)
        .expect(401);
      await http
        .get('/v1/users')
        .set('Authorization', `Bearer ${await forge({ typ: 'refresh' })}`)
        .expect(401);
      await http.get('/v1/users').set('Authorization', 'Bearer not.a.jwt').expect(401);
      await http.get('/v1/users').set('Authorization', 'Basic YWRtaW46YWRtaW4=').expect(401);
    });
  });

  describe('refresh tokens', () => {
    it('rotate: each works once; a reused one is refused and revokes the whole family', async () => {
      const user = await createUser(testApp, { role: 'compliance', team: 'audit' });
      const first = await loginFull(testApp, user.email, user.password);
      const second = await http.post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(200);
      expect(second.body.refreshToken).not.toBe(first.refreshToken);
      expect(second.body.accessToken).toEqual(expect.any(String));
      await http
        .get('/v1/audit/events')
        .set('Authorization', `Bearer ${second.body.accessToken}`)
        .expect((response) => expect(response.status).not.toBe(401));
      // Reuse of the first token: refused, and the token issued from it dies too.
      await http.post('/v1/auth/refresh').send({ refreshToken: first.refreshToken }).expect(401);
      await http.post('/v1/auth/refresh').send({ refreshToken: second.body.refreshToken }).expect(401);
      expect((await auditEvents('auth.refresh_reuse_detected')).length).toBeGreaterThanOrEqual(1);
    });

    it('logout revokes the session; unknown tokens are refused', async () => {
      const user = await createUser(testApp, { role: 'adjuster' });
      const session = await loginFull(testApp, user.email, user.password);
      await http.post('/v1/auth/logout').send({ refreshToken: session.refreshToken }).expect(204);
      await http.post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      await http
        .post('/v1/auth/refresh')
        .send({ refreshToken: 'x'.repeat(43) })
        .expect(401);
    });

    it('expires after REFRESH_TTL_S', async () => {
      const user = await createUser(testApp, { role: 'adjuster' });
      const session = await loginFull(testApp, user.email, user.password);
      clock.advance((testApp.config.auth.refreshTtlS + 1) * 1000);
      try {
        await http.post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
      } finally {
        clock.advance(-(testApp.config.auth.refreshTtlS + 1) * 1000);
      }
    });
  });

  describe('API clients and keys', () => {
    it('admin creates a client and sees its key once; the key authenticates; only its hash is stored', async () => {
      const created = await http
        .post('/v1/api-clients')
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ name: 'Broker portal', team: 'team-a' })
        .expect(201);
      const apiKey = created.body.apiKey as string;
      expect(apiKey).toMatch(/^cev_[a-z2-9]{8}_[A-Za-z0-9_-]{43,}$/);
      const me = await http.get('/v1/auth/me').set('X-API-Key', apiKey).expect(200);
      expect(me.body.actor).toMatchObject({ kind: 'api_client', id: created.body.id, team: 'team-a' });
      const stored = JSON.stringify(
        await testApp.database.dataSource.query(`SELECT * FROM api_keys WHERE client_id = $1`, [created.body.id]),
      );
      expect(stored).not.toContain(apiKey.slice(13));
      const listed = await http.get('/v1/api-clients').set('Authorization', `Bearer ${adminToken}`).expect(200);
      expect(JSON.stringify(listed.body)).not.toContain(apiKey.slice(13));
      // An intake client is authenticated (403 on an admin route), an unknown key is not (401).
      await http.get('/v1/users').set('X-API-Key', apiKey).expect(403);
      await http
        .get('/v1/users')
        .set('X-API-Key', `${apiKey.slice(0, -2)}xx`)
        .expect(401);
      await http
        .get('/v1/users')
        .set('X-API-Key', 'cev_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb')
        .expect(401);
    });

    it('rotation keeps the old key valid until it is deleted; revoking the client stops every key at once', async () => {
      const client = await createIntakeClient(testApp, 'team-a');
      const rotated = await http
        .post(`/v1/api-clients/${client.id}/keys`)
        .set('Authorization', `Bearer ${adminToken}`)
        .send({})
        .expect(201);
      const newKey = rotated.body.apiKey as string;
      await http.get('/v1/users').set('X-API-Key', client.apiKey).expect(403);
      await http.get('/v1/users').set('X-API-Key', newKey).expect(403);
      await http
        .delete(`/v1/api-clients/${client.id}/keys/${client.keyId}`)
        .set('Authorization', `Bearer ${adminToken}`)
        .expect(200);
      await http.get('/v1/users').set('X-API-Key', client.apiKey).expect(401);
      await http.get('/v1/users').set('X-API-Key', newKey).expect(403);
      await http.post(`/v1/api-clients/${client.id}/revoke`).set('Authorization', `Bearer ${adminToken}`).expect(200);
      await http.get('/v1/users').set('X-API-Key', newKey).expect(401);
      const actions = (await testApp.database.dataSource.query(
        `SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq`,
        [client.id],
      )) as Array<{ action: string }>;
      expect(actions.map((row) => row.action)).toEqual([
        'api_client.created',
        'api_key.created',
        'api_key.revoked',
        'api_client.revoked',
      ]);
    });

    it('a key past its expiry stops working', async () => {
      const client = await createIntakeClient(testApp, 'team-a');
      const expiring = await http
        .post(`/v1/api-clients/${client.id}/keys`)
        .set('Authorization', `Bearer ${adminToken}`)
        .send({ expiresAt: new Date(clock.nowMs() + 60_000).toISOString() })
        .expect(201);
      await http.get('/v1/users').set('X-API-Key', expiring.body.apiKey).expect(403);
      clock.advance(61_000);
      await http.get('/v1/users').set('X-API-Key', expiring.body.apiKey).expect(401);
    });
  });

  describe('row-level access for claims (intake A vs intake B)', () => {
    let clientA: { id: string; apiKey: string };
    let clientB: { id: string; apiKey: string };
    let claimA: string;
    let claimB: string;
    let claimTeamB: string;

    beforeAll(async () => {
      clientA = await createIntakeClient(testApp, 'team-a', 'A');
      clientB = await createIntakeClient(testApp, 'team-a', 'B');
      const make = factories(testApp);
      const policy = await make.newPolicy({
        number: 'P-ACL-1',
        lineOfBusiness: 'auto',
        insuredObject: 'blue sedan',
        effectiveFrom: '2025-01-01',
        effectiveTo: '2027-01-01',
      });
      const insert = async (client: string, team: string, key: string) =>
        (
          await make.newClaim({
            policyId: policy.id,
            submitterClientId: client,
            externalReference: key,
            claimedPeril: 'hail',
            description: 'roof',
            incidentDate: '2026-02-01',
            amount: '100',
            team,
            idempotencyKey: key,
            requestHash: 'h',
          })
        ).id;
      claimA = await insert(clientA.id, 'team-a', 'a-1');
      claimB = await insert(clientB.id, 'team-a', 'b-1');
      claimTeamB = await insert(clientB.id, 'team-b', 'b-2');
    });

    async function visibleClaims(actor: Actor | undefined): Promise<string[]> {
      const ability = testApp.app.get(AbilityFactory).createForActor(actor);
      const where = testApp.app.get(AccessService).where(ability, 'Claim', { alias: 'c', paramStyle: 'positional' });
      const rows = (await testApp.database.dataSource.query(
        `SELECT c.id FROM claims c WHERE ${where.sql} ORDER BY c.external_reference`,
        where.values,
      )) as Array<{ id: string }>;
      // The same condition through a TypeORM QueryBuilder with named parameters.
      const named = testApp.app.get(AccessService).where(ability, 'Claim', { alias: 'c' });
      const viaBuilder = await testApp.database.dataSource
        .createQueryBuilder()
        .select('c.id', 'id')
        .from('claims', 'c')
        .where(named.sql, named.params)
        .orderBy('c.external_reference')
        .getRawMany<{ id: string }>();
      expect(viaBuilder.map((row) => row.id)).toEqual(rows.map((row) => row.id));
      return rows.map((row) => row.id);
    }

    it('a list query for client A holds only A’s claims, and B’s only B’s', async () => {
      expect(await visibleClaims({ kind: 'api_client', id: clientA.id, team: 'team-a', name: 'A' })).toEqual([claimA]);
      expect(await visibleClaims({ kind: 'api_client', id: clientB.id, team: 'team-a', name: 'B' })).toEqual([
        claimB,
        claimTeamB,
      ]);
    });

    it('staff see their team (supervisor), everything (compliance) or nothing (admin, anonymous)', async () => {
      expect(await visibleClaims({ kind: 'user', id: 'u1', role: 'supervisor', team: 'team-b', email: 's@x' })).toEqual(
        [claimTeamB],
      );
      expect(
        (await visibleClaims({ kind: 'user', id: 'u2', role: 'compliance', team: 'audit', email: 'c@x' })).sort(),
      ).toEqual([claimA, claimB, claimTeamB].sort());
      expect(await visibleClaims({ kind: 'user', id: 'u3', role: 'admin', team: 'ops', email: 'a@x' })).toEqual([]);
      expect(await visibleClaims(undefined)).toEqual([]);
    });

    it('assertCan: A may read/upload/submit its claim; B’s claim is a 404 for A', async () => {
      const ability = testApp.app
        .get(AbilityFactory)
        .createForActor({ kind: 'api_client', id: clientA.id, team: 'team-a', name: 'A' });
      const access = testApp.app.get(AccessService);
      const [rowA, rowB] = (await testApp.database.dataSource.query(
        `SELECT id, submitter_client_id AS "submitterClientId", team FROM claims WHERE id = ANY($1) ORDER BY external_reference`,
        [[claimA, claimB]],
      )) as Array<Record<string, unknown>>;
      for (const action of ['read', 'update'] as const) {
        expect(() => access.assertCan(ability, action, subject('Claim', rowA))).not.toThrow();
        expect(() => access.assertCan(ability, action, subject('Claim', rowB))).toThrow(NotFoundException);
      }
      expect(() =>
        access.assertCan(
          ability,
          'create',
          subject('Photo', { claimId: claimB, submitterClientId: rowB.submitterClientId }),
        ),
      ).toThrow(NotFoundException);
    });
  });

  describe('the guard', () => {
    it('refuses a route that declares no access policy with 500 "route declares no access policy"', async () => {
      class Undeclared {
        handler(): void {}
      }
      const request = { method: 'GET', path: '/v1/undeclared', headers: {}, baseUrl: '' };
      const context = {
        getType: () => 'http',
        getHandler: () => Undeclared.prototype.handler,
        getClass: () => Undeclared,
        switchToHttp: () => ({ getRequest: () => request, getResponse: () => ({}) }),
      } as unknown as ExecutionContext;
      const guard = testApp.app.get(AccessGuard);
      await expect(guard.canActivate(context)).rejects.toThrow(InternalServerErrorException);
      await expect(guard.canActivate(context)).rejects.toThrow(NO_POLICY_MESSAGE);
    });
  });
});
