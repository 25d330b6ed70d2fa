import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { authenticator } from 'otplib';
import request from 'supertest';
import { createIntakeClient, createUser, loginFull, type TestUser } from './support/auth-helpers';
import { REPO_ROOT } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';

/**
 * Identity and access (issue 18.7, 19.1–19.3) over the API and the operator CLI: the refresh cookie and
 * its CSRF check, sign out everywhere, deactivation that ends live tokens, role/team changes and
 * set-password tokens audited with before and after, the access review, key rotation with an overlap,
 * and TOTP enforced for the roles MFA_REQUIRED_ROLES names (turned on here for compliance).
 */
describe('identity and access', () => {
  let testApp: TestApp;
  let admin: TestUser;
  let adminToken: string;

  beforeAll(async () => {
    testApp = await startTestApp({
      label: 'identity',
      env: { LOGIN_FAILURE_DELAY_MS: '0', MFA_REQUIRED_ROLES: 'compliance' },
    });
    admin = await createUser(testApp, { role: 'admin', team: 'ops' });
    adminToken = (await loginFull(testApp, admin.email, admin.password)).accessToken;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const asAdmin = () => bearer(adminToken);
  const BROWSER = { 'X-Requested-With': 'claims-review' };

  async function auditEvents(
    action: string,
    resourceId?: string,
  ): Promise<Array<{ details: Record<string, unknown> }>> {
    const rows = (await testApp.database.dataSource.query(
      `SELECT details FROM audit_events WHERE action = $1 ${resourceId ? 'AND resource_id = $2' : ''} ORDER BY seq`,
      resourceId ? [action, resourceId] : [action],
    )) as Array<{ details: Record<string, unknown> }>;
    return rows;
  }

  function refreshCookie(response: request.Response): string {
    const cookies = ([] as string[]).concat(response.headers['set-cookie'] ?? []);
    const cookie = cookies.find((line) => line.startsWith('__Secure-cev-refresh='));
    if (!cookie) throw new Error(`no refresh cookie in ${JSON.stringify(cookies)}`);
    return cookie;
  }

  it('the browser client gets the refresh token only in an HttpOnly, Secure, SameSite=Strict cookie on /v1/auth; API callers in the body', async () => {
    const user = await createUser(testApp, { role: 'adjuster' });
    const browser = await http()
      .post('/v1/auth/login')
      .set(BROWSER)
      .send({ email: user.email, password: user.password })
      .expect(200);
    expect(browser.body.refreshToken).toBeUndefined();
    expect(browser.body.accessToken).toEqual(expect.any(String));
    const cookie = refreshCookie(browser);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\/v1\/auth(;|$)/);
    expect(cookie).toMatch(/; Max-Age=\d+/);
    const pair = cookie.split(';')[0];

    // CSRF: the cookie alone (a forged cross-site form post) is refused; with the custom header it works.
    const forged = await http().post('/v1/auth/refresh').set('Cookie', pair).send({}).expect(403);
    expect(forged.body.message).toMatch(/x-requested-with/i);
    await http().post('/v1/auth/logout').set('Cookie', pair).send({}).expect(403);
    const refreshed = await http().post('/v1/auth/refresh').set(BROWSER).set('Cookie', pair).send({}).expect(200);
    expect(refreshed.body.refreshToken).toBeUndefined();
    const next = refreshCookie(refreshed).split(';')[0];
    expect(next).not.toBe(pair);
    // A new tab without a cookie: "no session" is an answer (204), not an error.
    await http().post('/v1/auth/refresh').set(BROWSER).send({}).expect(204);
    // Logout with the cookie revokes the session and clears the cookie.
    const out = await http().post('/v1/auth/logout').set(BROWSER).set('Cookie', next).send({}).expect(204);
    expect(refreshCookie(out)).toMatch(/Expires=Thu, 01 Jan 1970/);
    await http().post('/v1/auth/refresh').set(BROWSER).set('Cookie', next).send({}).expect(401);

    // Non-browser API callers keep the body flow (they store the token themselves); no cookie is set for them.
    const api = await http().post('/v1/auth/login').send({ email: user.email, password: user.password }).expect(200);
    expect(api.body.refreshToken).toEqual(expect.any(String));
    expect(api.headers['set-cookie']).toBeUndefined();
    await http().post('/v1/auth/refresh').send({ refreshToken: api.body.refreshToken }).expect(200);
  });

  it('sign out everywhere revokes every refresh token and ends every access token already issued', async () => {
    const user = await createUser(testApp, { role: 'adjuster' });
    const one = await loginFull(testApp, user.email, user.password);
    const two = await loginFull(testApp, user.email, user.password);
    await http().get('/v1/claims').set(bearer(two.accessToken)).expect(200);
    await http().post('/v1/auth/logout').send({ everywhere: true }).expect(401);
    await http().post('/v1/auth/logout').set(bearer(one.accessToken)).send({ everywhere: true }).expect(204);
    const refused = await http().get('/v1/claims').set(bearer(two.accessToken)).expect(401);
    expect(refused.body.message).toMatch(/session (revoked|ended)/);
    await http().get('/v1/claims').set(bearer(one.accessToken)).expect(401);
    await http().post('/v1/auth/refresh').send({ refreshToken: two.refreshToken }).expect(401);
    const again = await loginFull(testApp, user.email, user.password);
    await http().get('/v1/claims').set(bearer(again.accessToken)).expect(200);
    expect((await auditEvents('auth.signed_out_everywhere', user.id))[0].details).toMatchObject({
      sessionsRevoked: 2,
    });
  });

  it('deactivation refuses the live access token on its next request; role/team changes are audited with before and after; the last admin stays', async () => {
    const created = await http()
      .post('/v1/users')
      .set(asAdmin())
      .send({ email: 'dee@example.test', role: 'adjuster', team: 'team-a', password: 'dee-password-1234' })
      .expect(201);
    const id = created.body.user.id as string;
    const session = await loginFull(testApp, 'dee@example.test', 'dee-password-1234');
    await http().get('/v1/claims').set(bearer(session.accessToken)).expect(200);

    const disabled = await http().post(`/v1/users/${id}/disable`).set(asAdmin()).expect(200);
    expect(disabled.body.disabledAt).toEqual(expect.any(String));
    await http().get('/v1/claims').set(bearer(session.accessToken)).expect(401);
    await http().post('/v1/auth/refresh').send({ refreshToken: session.refreshToken }).expect(401);
    await http().post('/v1/auth/login').send({ email: 'dee@example.test', password: 'dee-password-1234' }).expect(401);
    expect((await auditEvents('user.disabled', id))[0].details).toMatchObject({
      before: { status: 'active' },
      after: { status: 'disabled' },
    });
    await http().post(`/v1/users/${id}/enable`).set(asAdmin()).expect(200);
    expect((await auditEvents('user.enabled', id))[0].details).toMatchObject({ after: { status: 'active' } });
    await loginFull(testApp, 'dee@example.test', 'dee-password-1234');

    const changed = await http()
      .patch(`/v1/users/${id}`)
      .set(asAdmin())
      .send({ role: 'supervisor', team: 'team-b' })
      .expect(200);
    expect(changed.body).toMatchObject({ role: 'supervisor', team: 'team-b' });
    expect((await auditEvents('user.updated', id))[0].details).toEqual({
      before: { role: 'adjuster', team: 'team-a' },
      after: { role: 'supervisor', team: 'team-b' },
    });
    const bad = await http()
      .patch(`/v1/users/${id}`)
      .set(asAdmin())
      .send({ role: 'root', team: 'Bad Team' })
      .expect(400);
    expect(JSON.stringify(bad.body.message)).toMatch(/role/);

    // An admin cannot deactivate themselves, nor take away the last active admin.
    await http().post(`/v1/users/${admin.id}/disable`).set(asAdmin()).expect(409);
    const selfDemote = await http()
      .patch(`/v1/users/${admin.id}`)
      .set(asAdmin())
      .send({ role: 'compliance' })
      .expect(409);
    expect(selfDemote.body.message).toMatch(/last active admin/);
    await http().post(`/v1/users/00000000-0000-4000-8000-000000000000/disable`).set(asAdmin()).expect(404);
  });

  it('an admin issues a one-time, expiring set-password token; the person sets a new password with it and old sessions end', async () => {
    const user = await createUser(testApp, { role: 'supervisor' });
    const old = await loginFull(testApp, user.email, user.password);
    const reset = await http().post(`/v1/users/${user.id}/password-reset`).set(asAdmin()).expect(201);
    expect(reset.body.path).toBe(`/set-password#token=${reset.body.token}`);
    expect(new Date(reset.body.expiresAt).getTime()).toBeGreaterThan(Date.now() + 3600_000);
    await http().post('/v1/auth/password').send({ token: reset.body.token, password: 'short' }).expect(400);
    await http()
      .post('/v1/auth/password')
      .send({ token: reset.body.token, password: 'a-brand-new-password' })
      .expect(204);
    await http()
      .post('/v1/auth/password')
      .send({ token: reset.body.token, password: 'another-new-password' })
      .expect(400);
    await http().get('/v1/claims').set(bearer(old.accessToken)).expect(401);
    await http().post('/v1/auth/login').send({ email: user.email, password: user.password }).expect(401);
    await loginFull(testApp, user.email, 'a-brand-new-password');
    const [issued] = await auditEvents('user.password_reset_issued', user.id);
    expect(JSON.stringify(issued.details)).not.toContain(reset.body.token);
    expect(await auditEvents('user.password_set', user.id)).toHaveLength(1);
  });

  it('compliance must enrol TOTP (QR code, confirmation code) before a session; then signs in with a code or a single-use recovery code', async () => {
    const officer = await createUser(testApp, { role: 'compliance', team: 'risk' });
    const first = await http()
      .post('/v1/auth/login')
      .send({ email: officer.email, password: officer.password })
      .expect(202);
    expect(first.body).toEqual({ mfa: 'enrol', mfaToken: expect.any(String), expiresIn: 300 });
    // The challenge token is not an access token.
    await http().get('/v1/audit/events').set(bearer(first.body.mfaToken)).expect(401);
    const enrolment = await http().post('/v1/auth/mfa/enrolment').send({ mfaToken: first.body.mfaToken }).expect(200);
    expect(enrolment.body.qrCode).toMatch(/^data:image\/png;base64,/);
    expect(enrolment.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\/Claims%20review:/);
    const secret = enrolment.body.secret as string;
    // At rest the secret is wrapped by the master key ring, never in clear.
    const [row] = (await testApp.database.dataSource.query(
      `SELECT encode(totp_wrapped_secret, 'hex') AS wrapped, totp_enabled_at FROM users WHERE id = $1`,
      [officer.id],
    )) as Array<{ wrapped: string; totp_enabled_at: Date | null }>;
    expect(row.totp_enabled_at).toBeNull();
    expect(row.wrapped).not.toContain(Buffer.from(secret).toString('hex'));

    await http()
      .post('/v1/auth/mfa/enrolment/confirm')
      .send({ mfaToken: first.body.mfaToken, code: '000000' === authenticator.generate(secret) ? '111111' : '000000' })
      .expect(400);
    const enrolmentCode = authenticator.generate(secret);
    const confirmed = await http()
      .post('/v1/auth/mfa/enrolment/confirm')
      .send({ mfaToken: first.body.mfaToken, code: enrolmentCode })
      .expect(200);
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(confirmed.body.session.accessToken).toEqual(expect.any(String));
    await http().get('/v1/users/access-review').set(bearer(confirmed.body.session.accessToken)).expect(200);
    const stored = (await testApp.database.dataSource.query(
      `SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1`,
      [officer.id],
    )) as Array<{ code_hash: string }>;
    expect(stored).toHaveLength(10);
    expect(JSON.stringify(stored)).not.toContain(confirmed.body.recoveryCodes[0]);

    // Next sign-in: password, then a code. The code used at enrolment cannot be replayed.
    const second = await http()
      .post('/v1/auth/login')
      .send({ email: officer.email, password: officer.password })
      .expect(202);
    expect(second.body.mfa).toBe('code');
    await http().post('/v1/auth/mfa/verify').send({ mfaToken: second.body.mfaToken, code: enrolmentCode }).expect(401);
    const nextStep = authenticator.clone({ epoch: Date.now() + 30_000 }).generate(secret);
    const verified = await http()
      .post('/v1/auth/mfa/verify')
      .set(BROWSER)
      .send({ mfaToken: second.body.mfaToken, code: nextStep })
      .expect(200);
    expect(verified.body.refreshToken).toBeUndefined();
    expect(refreshCookie(verified)).toMatch(/HttpOnly/);
    const recovery = confirmed.body.recoveryCodes[0] as string;
    const third = await http()
      .post('/v1/auth/login')
      .send({ email: officer.email, password: officer.password })
      .expect(202);
    await http().post('/v1/auth/mfa/verify').send({ mfaToken: third.body.mfaToken, code: recovery }).expect(200);
    await http().post('/v1/auth/mfa/verify').send({ mfaToken: third.body.mfaToken, code: recovery }).expect(401);
    expect(await auditEvents('mfa.enrolled', officer.id)).toHaveLength(1);
    expect(await auditEvents('mfa.recovery_code_used', officer.id)).toHaveLength(1);
    expect((await auditEvents('auth.mfa_failed', officer.id)).length).toBeGreaterThanOrEqual(2);

    // Roles outside MFA_REQUIRED_ROLES still sign in with a password alone.
    const adjuster = await createUser(testApp, { role: 'adjuster' });
    await http().post('/v1/auth/login').send({ email: adjuster.email, password: adjuster.password }).expect(200);

    // The access review: compliance and admins, JSON and CSV (the export audited); not adjusters.
    const complianceToken = verified.body.accessToken as string;
    const review = await http().get('/v1/users/access-review').set(bearer(complianceToken)).expect(200);
    const officerRow = review.body.items.find((item: { email: string }) => item.email === officer.email);
    expect(officerRow).toMatchObject({ role: 'compliance', team: 'risk', status: 'active', mfaEnabled: true });
    expect(officerRow.lastLoginAt).toEqual(expect.any(String));
    const csv = await http().get('/v1/users/access-review.csv').set(bearer(complianceToken)).expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.split('\r\n')[0]).toBe(
      '"email","display_name","role","team","status","created_at","created_by","last_login_at","mfa_enabled"',
    );
    expect(csv.text).toContain(`"${officer.email}"`);
    expect(await auditEvents('access_review.exported')).toHaveLength(1);
    const adjusterLogin = await loginFull(testApp, adjuster.email, adjuster.password);
    await http().get('/v1/users/access-review.csv').set(bearer(adjusterLogin.accessToken)).expect(403);
  });

  it('rotating an intake key keeps the old key working for the overlap window; a zero window or revocation stops keys at once', async () => {
    const intake = await createIntakeClient(testApp, 'team-a', 'portal');
    const rotated = await http()
      .post(`/v1/api-clients/${intake.id}/rotate-key`)
      .set(asAdmin())
      .send({ overlapSeconds: 3600 })
      .expect(201);
    const oldKey = rotated.body.keys.find((key: { id: string }) => key.id === intake.keyId);
    expect(new Date(oldKey.expiresAt).getTime()).toBe(new Date(rotated.body.oldKeysExpireAt).getTime());
    await http().get('/v1/claims').set('X-API-Key', intake.apiKey).expect(200);
    await http().get('/v1/claims').set('X-API-Key', rotated.body.apiKey).expect(200);
    const [event] = await auditEvents('api_key.rotated', intake.id);
    expect(event.details).toMatchObject({
      overlapS: 3600,
      oldKeys: [{ keyId: intake.keyId, before: null, after: rotated.body.oldKeysExpireAt }],
    });
    expect(JSON.stringify(event.details)).not.toContain(rotated.body.apiKey);
    await http()
      .post(`/v1/api-clients/${intake.id}/rotate-key`)
      .set(asAdmin())
      .send({ overlapSeconds: -1 })
      .expect(400);

    const immediate = await http()
      .post(`/v1/api-clients/${intake.id}/rotate-key`)
      .set(asAdmin())
      .send({ overlapSeconds: 0 })
      .expect(201);
    await http().get('/v1/claims').set('X-API-Key', intake.apiKey).expect(401);
    await http().get('/v1/claims').set('X-API-Key', rotated.body.apiKey).expect(401);
    await http().get('/v1/claims').set('X-API-Key', immediate.body.apiKey).expect(200);
    await http().post(`/v1/api-clients/${intake.id}/revoke`).set(asAdmin()).expect(200);
    await http().get('/v1/claims').set('X-API-Key', immediate.body.apiKey).expect(401);
    expect((await auditEvents('api_client.revoked', intake.id))[0].details).toMatchObject({
      before: { status: 'active' },
      after: { status: 'revoked' },
    });
  });

  it('the CLI lists, deactivates, reactivates, changes roles, issues set-password tokens and rotates/revokes intake keys (--json)', async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: testApp.env.DATABASE_URL,
      DATA_DIR: testApp.dataDir,
      REDIS_URL: testApp.env.REDIS_URL,
    };
    const cli = (...args: string[]) => {
      const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/src/cli.js'), ...args, '--json'], {
        cwd: REPO_ROOT,
        env,
        encoding: 'utf8',
      });
      return {
        status: result.status,
        stderr: result.stderr,
        json: () => JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, any>, // eslint-disable-line @typescript-eslint/no-explicit-any
      };
    };
    const person = await createUser(testApp, { role: 'adjuster', email: 'cli-person@example.test' });

    const listed = cli('users:list');
    expect(listed.status).toBe(0);
    expect(listed.json().items.map((item: { email: string }) => item.email)).toContain('cli-person@example.test');

    const role = cli('users:role', '--email', person.email, '--role', 'supervisor', '--team', 'team-c');
    expect(role.status).toBe(0);
    expect(role.json().user).toMatchObject({ role: 'supervisor', team: 'team-c' });

    const disabled = cli('users:disable', '--email', person.email);
    expect(disabled.status).toBe(0);
    expect(disabled.json().user.disabledAt).toEqual(expect.any(String));
    await http().post('/v1/auth/login').send({ email: person.email, password: person.password }).expect(401);
    const enabled = cli('users:enable', '--id', person.id);
    expect(enabled.json().user.disabledAt).toBeNull();
    await loginFull(testApp, person.email, person.password);

    const reset = cli('users:reset-password', '--email', person.email);
    expect(reset.status).toBe(0);
    const token = reset.json().token as string;
    await http().post('/v1/auth/password').send({ token, password: 'set-from-the-cli-link' }).expect(204);
    await loginFull(testApp, person.email, 'set-from-the-cli-link');
    const [issued] = (await testApp.database.dataSource.query(
      `SELECT actor_id FROM audit_events WHERE action = 'user.password_reset_issued' AND resource_id = $1`,
      [person.id],
    )) as Array<{ actor_id: string }>;
    expect(issued.actor_id).toMatch(/^cli:/);

    // The last active admin cannot be deactivated from the CLI either.
    const lastAdmin = cli('users:disable', '--email', admin.email);
    expect(lastAdmin.status).toBe(1);
    expect(lastAdmin.stderr).toMatch(/last active admin/);

    const intake = await createIntakeClient(testApp, 'team-a', 'cli-portal');
    const clients = cli('clients:list');
    expect(clients.json().items.map((item: { name: string }) => item.name)).toContain('cli-portal');
    const rotated = cli('clients:rotate-key', '--id', intake.id, '--overlap-s', '600');
    expect(rotated.status).toBe(0);
    const rotation = rotated.json();
    expect(rotation.apiKey).toMatch(/^cev_/);
    expect(new Date(rotation.oldKeysExpireAt).getTime()).toBeGreaterThan(Date.now() + 500_000);
    await http().get('/v1/claims').set('X-API-Key', intake.apiKey).expect(200);
    await http().get('/v1/claims').set('X-API-Key', rotation.apiKey).expect(200);
    const revoked = cli('clients:revoke', '--id', intake.id);
    expect(revoked.json().client.revokedAt).toEqual(expect.any(String));
    await http().get('/v1/claims').set('X-API-Key', rotation.apiKey).expect(401);
  });
});
