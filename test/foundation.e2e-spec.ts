import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { freePort, startProcess, waitFor } from './support/processes';

const MAIN = 'dist/src/main.js';

describe('process start-up', () => {
  it.each([
    [
      'an unreachable database',
      { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/x' },
      /^error: database not usable \(postgresql:\/\/nobody@127\.0\.0\.1:1\/x\): .*ECONNREFUSED/,
    ],
    [
      'an invalid PORT',
      { PORT: 'not-a-port' },
      /^error: configuration error: PORT must be an integer between 1 and 65535 \(got "not-a-port"\)$/,
    ],
    [
      'an unknown LOG_LEVEL',
      { LOG_LEVEL: 'loud' },
      /^error: configuration error: LOG_LEVEL must be one of fatal, error, warn/,
    ],
    [
      'an unreachable Redis',
      { REDIS_URL: 'redis://127.0.0.1:1', DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres' },
      /^error: Redis is not reachable at redis:\/\/127\.0\.0\.1:1.*set REDIS_URL$/,
    ],
  ])('exits non-zero within 10 s with a one-line reason for %s', async (_case, env, reason) => {
    const child = startProcess(MAIN, [], { LOG_LEVEL: 'silent', ...env });
    const exit = await child.exited;
    expect(exit.code).not.toBe(0);
    expect(exit.ms).toBeLessThan(10_000);
    const lines = child.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(reason);
  });

  it('`npm start` (API and worker in one process) serves /health/ready on the embedded database and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-start-'));
    const port = await freePort();
    const server = startProcess(MAIN, ['--with-worker'], {
      DATA_DIR: dataDir,
      PORT: String(port),
      QUEUE_PREFIX: `start-${port}`,
      LOG_LEVEL: 'info',
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      const ready = await waitFor(
        async () => {
          const response = await request(url).get('/health/ready');
          return response.status === 200 ? response.body : undefined;
        },
        90_000,
        'readiness',
      );
      expect(ready).toEqual({
        status: 'ready',
        checks: {
          database: { ok: true },
          redis: { ok: true },
          model: { ok: true, detail: expect.stringMatching(/^fixture /) },
          // The fixture model runs on its committed calibration (version 0), not in safe mode.
          calibration: {
            ok: true,
            detail: expect.stringMatching(/^calibrated: auto v0, property v0 for model fixture/),
          },
        },
      });
      await request(url).get('/health/live').expect(200, { status: 'ok' });
      const docs = await request(url).get('/api/docs-json').expect(200);
      expect(docs.body.info.title).toBe('Claims evidence validation API');
      const missing = await request(url).get('/v1/no-such-thing').expect(404);
      expect(missing.body).toEqual({
        statusCode: 404,
        error: 'Not Found',
        message: expect.stringContaining('/v1/no-such-thing'),
      });
      const metrics = await request(url).get('/metrics').expect(200);
      expect(metrics.text).toContain('http_request_duration_seconds_bucket');
      expect(metrics.text).toContain('queue_jobs{queue="maintenance",state="waiting"}');
      // Every log line is JSON; lines written while serving a request carry its id.
      const lines = server
        .output()
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(
        lines.some(
          (line) =>
            line.msg === 'claims evidence service listening' && String(line.database).startsWith('embedded PostgreSQL'),
        ),
      ).toBe(true);
      expect(lines.filter((line) => line.req).every((line) => typeof line.requestId === 'string')).toBe(true);
    } finally {
      await server.stop('SIGTERM');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
    const exit = await server.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
  });
});
