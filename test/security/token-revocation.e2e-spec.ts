import request from 'supertest';
import { createUser, loginFull } from '../support/auth-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Finding 6: after logout, refresh-family revocation or a user being disabled, the access token kept
 * working until it expired (up to 15 minutes). Each request now checks the session.
 */
describe('security finding 6: revocation takes effect at once', () => {
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'sec_revoke', env: { LOGIN_FAILURE_DELAY_MS: '0' } });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  const me = (token: string) => http().get('/v1/claims').set('Authorization', `Bearer ${token}`);

  it('refuses the access token at once after logout, after refresh-token reuse revokes the family, and for a disabled user; other sessions keep working', async () => {
    const user = await createUser(testApp, { role: 'adjuster' });
    const first = await loginFull(testApp, user.email, user.password);
    const second = await loginFull(testApp, user.email, user.password);
    await me(first.accessToken).expect(200);
    await http().post('/v1/auth/logout').send({ refreshToken: first.refreshToken }).expect(204);
    const refused = await me(first.accessToken).expect(401);
    expect(refused.body.message).toMatch(/session revoked/);
    // The other session of the same person is untouched.
    await me(second.accessToken).expect(200);

    // Reuse of a refresh token revokes its family: the rotated access token dies with it.
    const rotated = await http().post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(200);
    await me(rotated.body.accessToken).expect(200);
    await http().post('/v1/auth/refresh').send({ refreshToken: second.refreshToken }).expect(401);
    await me(rotated.body.accessToken).expect(401);

    // Disabled (there is no API for it yet; an operator sets disabled_at): refused on the next request.
    const third = await loginFull(testApp, user.email, user.password);
    await me(third.accessToken).expect(200);
    await testApp.database.dataSource.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [user.id]);
    await me(third.accessToken).expect(401);
  });
});
