import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import { CHECK_KINDS } from '../src/validation/check.entity';
import { waitFor, type RunningProcess } from './support/processes';
import { createServerHome, type ServerHome } from './support/server-home';

jest.setTimeout(420_000);

interface Login {
  role: string;
  email: string;
  password: string;
}

/** The logins from the demo's boxed block: `|   adjuster    ada.adjuster@demo.example   <password> |`. */
function parseLogins(output: string): Login[] {
  return [...output.matchAll(/^\|\s+(adjuster|supervisor|compliance|admin)\s+(\S+@\S+)\s+(\S+)\s+\|$/gm)].map(
    (match) => ({ role: match[1], email: match[2], password: match[3] }),
  );
}

/** Signs in with a demo login; the Authorization header value. */
async function bearerFor(url: string, login: Login): Promise<string> {
  const signedIn = await request(url)
    .post('/v1/auth/login')
    .send({ email: login.email, password: login.password })
    .expect(200);
  return `Bearer ${signedIn.body.accessToken as string}`;
}

describe('DEMO=1 npm start (built server, real PostgreSQL, in-process worker)', () => {
  let home: ServerHome;
  let server: RunningProcess | undefined;

  beforeAll(async () => {
    home = await createServerHome('demo');
  });

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await home?.remove();
  });

  const start = (): RunningProcess => home.startServer({ DEMO: '1', LOG_LEVEL: 'info' });

  it('seeds people, an intake client, policies and scored claims covering every check, and prints the logins once', async () => {
    server = start();
    const running = server;
    const output = await waitFor(
      async () => (/DEMO DATA READY[\s\S]*?\n\+-+\+\n/.test(running.output()) ? running.output() : undefined),
      360_000,
      'the demo logins',
    );
    const logins = parseLogins(output);
    expect(logins.map((login) => login.role).sort()).toEqual([
      'adjuster',
      'adjuster',
      'admin',
      'compliance',
      'supervisor',
    ]);
    expect(output.match(/DEMO DATA READY/g)).toHaveLength(1);
    expect(output).toMatch(/Intake API key \(X-API-Key\): cev_\S+/);
    // Everything else on stdout/stderr stays JSON log lines.
    const box = output.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{'));
    expect(box.every((line) => /^[|+]/.test(line))).toBe(true);

    const url = home.url;
    const adjuster = logins.find((login) => login.role === 'adjuster')!;
    const bearer = await bearerFor(url, adjuster);
    const queue = await request(url)
      .get('/v1/review/tasks?scope=queue&reason=flagged')
      .set('Authorization', bearer)
      .expect(200);
    expect((queue.body.items as unknown[]).length).toBeGreaterThanOrEqual(10);

    // Every check kind is flagged on at least one demo claim (the adjuster's team sees them all).
    const claims = await request(url).get('/v1/claims?pageSize=100').set('Authorization', bearer).expect(200);
    const items = claims.body.items as Array<{ id: string; status: string }>;
    expect(items.length).toBeGreaterThanOrEqual(36);
    expect(items.every((claim) => ['consistent', 'inconsistent', 'needs_review'].includes(claim.status))).toBe(true);
    const flaggedKinds = new Set<string>();
    for (const claim of items.filter((entry) => entry.status === 'inconsistent')) {
      const validation = await request(url)
        .get(`/v1/claims/${claim.id}/validation`)
        .set('Authorization', bearer)
        .expect(200);
      for (const check of validation.body.checks as Array<{ kind: string; flagged: boolean }>)
        if (check.flagged) flaggedKinds.add(check.kind);
    }
    expect([...flaggedKinds].sort()).toEqual([...CHECK_KINDS].sort());
    expect(items.some((claim) => claim.status === 'consistent')).toBe(true);
    // Claims for a covered peril the prompts do not describe are uncertain: review, not a verdict.
    expect(items.some((claim) => claim.status === 'needs_review')).toBe(true);

    // The intake key works and was saved for the simulator.
    const key = /Intake API key \(X-API-Key\): (cev_\S+)/.exec(output)![1];
    expect(fs.readFileSync(path.join(home.dataDir, 'keys', 'demo-intake-api-key'), 'utf8').trim()).toBe(key);
    await request(url).get('/v1/keys/intake').set('X-API-Key', key).expect(200);

    // Compliance sees a verified chain.
    const compliance = logins.find((login) => login.role === 'compliance')!;
    const verify = await request(url)
      .get('/v1/audit/verify')
      .set('Authorization', await bearerFor(url, compliance))
      .expect(200);
    expect(verify.body.ok).toBe(true);
  });

  it('does not seed again when restarted on the same database', async () => {
    const url = home.url;
    const supervisorLogin = parseLogins(server!.output()).find((login) => login.role === 'supervisor')!;
    const countClaims = async () => {
      const page = await request(url)
        .get('/v1/claims?pageSize=1')
        .set('Authorization', await bearerFor(url, supervisorLogin))
        .expect(200);
      return page.body.total as number;
    };
    const before = await countClaims();
    await server!.stop('SIGTERM');
    server = start();
    const restarted = server;
    await waitFor(
      async () => (restarted.output().includes('the database already has users') ? true : undefined),
      120_000,
      'the restarted server to skip the demo',
    );
    await waitFor(
      async () => ((await request(url).get('/health/ready')).status === 200 ? true : undefined),
      60_000,
      'readiness',
    );
    expect(restarted.output()).not.toContain('DEMO DATA READY');
    expect(await countClaims()).toBe(before);
  });
});
