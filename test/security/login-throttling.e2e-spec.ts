import request from 'supertest';
import { createUser, type TestUser } from '../support/auth-helpers';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Finding 1: parallel password guessing bypassed the throttle (every concurrent guess was evaluated),
 * and five wrong guesses by anyone locked the owner out everywhere.
 */
/**
 * Runs `check` against an app of its own that trusts a loopback proxy (TRUST_PROXY) and answers failed
 * logins at once, with an adjuster (`owner`) whose logins `via` sends as if from any client address.
 */
async function behindProxy(
  label: string,
  env: Record<string, string>,
  check: (owner: TestUser, via: (address: string, password: string) => request.Test) => Promise<void>,
): Promise<void> {
  const app = await startTestApp({ label, env: { ...env, LOGIN_FAILURE_DELAY_MS: '0', TRUST_PROXY: 'loopback' } });
  try {
    const owner = await createUser(app, { role: 'adjuster' });
    await check(owner, (address, password) =>
      request(app.app.getHttpServer())
        .post('/v1/auth/login')
        .set('X-Forwarded-For', address)
        .send({ email: owner.email, password }),
    );
  } finally {
    await app.close();
  }
}

describe('security finding 1: login throttling under concurrency', () => {
  const LIMIT = 5;
  let testApp: TestApp;

  beforeAll(async () => {
    testApp = await startTestApp({
      label: 'sec_login',
      env: { LOGIN_MAX_FAILURES: String(LIMIT), LOGIN_FAILURE_DELAY_MS: '5', LOGIN_MAX_FAILURES_PER_IP: '1000' },
    });
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const attempt = (password: string, email: string, forwardedFor?: string) => {
    const call = request(testApp.app.getHttpServer()).post('/v1/auth/login');
    if (forwardedFor) call.set('X-Forwarded-For', forwardedFor);
    return call.send({ email, password });
  };

  it('counts each attempt atomically before the password check: 40 parallel guesses, at most the limit evaluated; a right password among 24 wrong ones gets no extra chance', async () => {
    const victim = await createUser(testApp, { role: 'adjuster' });
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => attempt(`wrong-guess-${i}`, victim.email)));
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(LIMIT);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(40 - LIMIT);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    const refused = answers.find((answer) => answer.status === 429)!;
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    // 24 wrong guesses and the right one, all at once, on a fresh account: at most LIMIT are evaluated.
    const target = await createUser(testApp, { role: 'adjuster' });
    const burst = await Promise.all([
      ...Array.from({ length: 24 }, (_, i) => attempt(`wrong-${i}`, target.email)),
      attempt(target.password, target.email),
    ]);
    const evaluated = burst.filter((answer) => answer.status === 200 || answer.status === 401).length;
    expect(evaluated).toBeLessThanOrEqual(LIMIT);
    // The right password gets no extra chance: it is answered 200 only if it arrived among the first LIMIT counted
    // (arrival order over the network is not the order sent), and every other attempt is refused without a check.
    expect(burst.filter((answer) => answer.status === 429)).toHaveLength(burst.length - evaluated);
  });

  it('locks one (account, address) pair, not the account: the owner elsewhere still logs in (TRUST_PROXY names the proxy); without TRUST_PROXY, X-Forwarded-For is ignored', async () => {
    await behindProxy(
      'sec_login_proxy',
      { LOGIN_MAX_FAILURES: String(LIMIT), LOGIN_MAX_FAILURES_PER_IP: '1000' },
      async (owner, via) => {
        for (let i = 0; i < LIMIT; i += 1) await via('203.0.113.66', `attacker-${i}`).expect(401);
        await via('203.0.113.66', owner.password).expect(429);
        // The owner, behind the same load balancer but from their own address, is not locked out.
        await via('198.51.100.7', owner.password).expect(200);
      },
    );

    // Default (TRUST_PROXY off): a forged X-Forwarded-For does not give an attacker fresh addresses.
    const victim = await createUser(testApp, { role: 'adjuster' });
    for (let i = 0; i < LIMIT; i += 1) await attempt(`spoof-${i}`, victim.email, `192.0.2.${i + 1}`).expect(401);
    await attempt('spoof-x', victim.email, '192.0.2.200').expect(429);
  });

  it('a per-account ceiling holds across addresses', async () => {
    await behindProxy(
      'sec_login_ceiling',
      { LOGIN_MAX_FAILURES: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '4' },
      async (owner, via) => {
        for (const address of ['198.51.100.1', '198.51.100.2'])
          for (let i = 0; i < 2; i += 1) await via(address, `guess-${i}`).expect(401);
        const blocked = await via('198.51.100.3', owner.password).expect(429);
        expect(blocked.body.message).toMatch(/too many failed logins/);
      },
    );
  });
});
