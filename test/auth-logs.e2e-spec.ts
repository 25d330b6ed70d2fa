import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { REPO_ROOT, freePort, startProcess, waitFor, type RunningProcess } from './support/processes';
import { createTestDatabase, type TestDatabase } from './support/test-database';

/**
 * Secrets never reach a log line: the built server runs as its own process at LOG_LEVEL=debug and its
 * whole output is searched for every password, token and key used against it. The CLI is run too, as
 * an operator would, to create the first admin and an intake client.
 */
describe('no passwords, tokens or keys in the logs (built server, LOG_LEVEL=debug)', () => {
  let database: TestDatabase;
  let dataDir: string;
  let server: RunningProcess;
  let env: Record<string, string>;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase('auth_logs');
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-logs-'));
    const port = await freePort();
    env = {
      NODE_ENV: 'development',
      LOG_LEVEL: 'debug',
      DATABASE_URL: database.url,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: `logs-${randomBytes(4).toString('hex')}`,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOGIN_FAILURE_DELAY_MS: '0',
      // The admin here signs in with a password only (test/setup-env.ts: no second factor in the suite).
      MFA_REQUIRED_ROLES: '',
    };
    url = `http://127.0.0.1:${port}`;
    server = startProcess('dist/src/main.js', [], env);
    await waitFor(
      async () => (server.output().includes('claims evidence service listening') ? true : undefined),
      60_000,
      'the server to listen',
    );
  });

  afterAll(async () => {
    await server?.stop('SIGTERM');
    await database?.drop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function cli(...args: string[]): Record<string, unknown> {
    const result = spawnSync(process.execPath, [path.join(REPO_ROOT, 'dist/src/cli.js'), ...args, '--json'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, LOG_LEVEL: 'debug' },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`cli ${args[0]} failed: ${result.stderr}`);
    return JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
  }

  it('on an empty database the server says, in one line, how to create the first admin', () => {
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.includes('users:create --email'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('npm run cli -- users:create --email admin@example.com --role admin');
  });

  it('create user, login, refresh, API client creation and API key use leave no secret in the output', async () => {
    const secrets: string[] = [];
    // The first admin, from the CLI (the generated password is printed once, by the CLI, not logged).
    const admin = cli('users:create', '--email', 'root@example.test', '--role', 'admin', '--team', 'ops');
    const adminPassword = admin.password as string;
    expect(adminPassword.length).toBeGreaterThanOrEqual(16);
    secrets.push(adminPassword);
    const cliClient = cli('api-clients:create', '--name', 'cli intake', '--team', 'team-a');
    secrets.push(cliClient.apiKey as string);

    // CLI creations are audited like API ones, as the system actor "cli:<os user>".
    const pg = new Client({ connectionString: database.url });
    await pg.connect();
    try {
      const { rows } = await pg.query(
        `SELECT action, actor_type, actor_id, details::text AS details FROM audit_events WHERE action IN ('user.created', 'api_client.created') ORDER BY seq`,
      );
      expect(rows.map((row: { action: string }) => row.action)).toEqual(['user.created', 'api_client.created']);
      expect(rows[0].actor_type).toBe('system');
      expect(rows[0].actor_id).toMatch(/^cli:/);
      expect(JSON.stringify(rows)).not.toContain('root@example.test');
      expect(JSON.stringify(rows)).not.toContain((cliClient.apiKey as string).slice(13));
    } finally {
      await pg.end();
    }

    const http = request(url);
    const adminLogin = await http
      .post('/v1/auth/login')
      .send({ email: 'root@example.test', password: adminPassword })
      .expect(200);
    secrets.push(adminLogin.body.accessToken, adminLogin.body.refreshToken);
    const adminAuth = { Authorization: `Bearer ${adminLogin.body.accessToken}` };
    expect(server.output()).toContain('JWT_SECRET is not set: generated a new access-token signing secret');
    const jwtSecret = fs.readFileSync(path.join(dataDir, 'keys', 'jwt-secret'), 'utf8').trim();
    secrets.push(jwtSecret);

    const userPassword = `user-pw-${randomBytes(12).toString('hex')}`;
    secrets.push(userPassword);
    await http
      .post('/v1/users')
      .set(adminAuth)
      .send({ email: 'ada@example.test', role: 'adjuster', team: 'team-a', password: userPassword })
      .expect(201);
    const generated = await http
      .post('/v1/users')
      .set(adminAuth)
      .send({ email: 'gen@example.test', role: 'supervisor', team: 'team-a' })
      .expect(201);
    secrets.push(generated.body.generatedPassword);
    const wrongPassword = `wrong-pw-${randomBytes(8).toString('hex')}`;
    secrets.push(wrongPassword);
    await http.post('/v1/auth/login').send({ email: 'ada@example.test', password: wrongPassword }).expect(401);
    const userLogin = await http
      .post('/v1/auth/login')
      .send({ email: 'ada@example.test', password: userPassword })
      .expect(200);
    secrets.push(userLogin.body.accessToken, userLogin.body.refreshToken);
    const refreshed = await http
      .post('/v1/auth/refresh')
      .send({ refreshToken: userLogin.body.refreshToken })
      .expect(200);
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    await http.get('/v1/users').set('Authorization', `Bearer ${refreshed.body.accessToken}`).expect(403);

    const client = await http
      .post('/v1/api-clients')
      .set(adminAuth)
      .send({ name: 'portal', team: 'team-a' })
      .expect(201);
    secrets.push(client.body.apiKey);
    const rotated = await http.post(`/v1/api-clients/${client.body.id}/keys`).set(adminAuth).send({}).expect(201);
    secrets.push(rotated.body.apiKey);
    await http.get('/v1/auth/me').set('X-API-Key', client.body.apiKey).expect(200);
    await http.get('/v1/users').set('X-API-Key', rotated.body.apiKey).expect(403);
    await http
      .get('/v1/users')
      .set('X-API-Key', cliClient.apiKey as string)
      .expect(403);
    await http
      .get('/v1/users')
      .set('X-API-Key', `${(client.body.apiKey as string).slice(0, -4)}abcd`)
      .expect(401);

    await waitFor(
      async () =>
        server
          .output()
          .split('\n')
          .filter((line) => line.includes('"requestId"')).length >= 12
          ? true
          : undefined,
      10_000,
      'request logs',
    );
    const output = server.output();
    expect(output).toContain('"level":20'); // debug lines are being written
    for (const secret of secrets) {
      expect(typeof secret).toBe('string');
      expect(output).not.toContain(secret);
      // Key secrets without their prefix, and the signature part of tokens.
      if (secret.startsWith('cev_')) expect(output).not.toContain(secret.slice(13));
      if (secret.split('.').length === 3) expect(output).not.toContain(secret.split('.')[2]);
    }
  });
});
