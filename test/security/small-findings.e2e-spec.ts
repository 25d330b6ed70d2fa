import { ConsoleLogger, Logger } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { csvRow } from '../../src/audit/audit-export-format';
import type { AuditEventRecord } from '../../src/audit/audit.repository';
import { LoginThrottle } from '../../src/auth/login-throttle.service';
import { loadConfig } from '../../src/config/app-config';

/**
 * Finding 9: audit CSV cells could run as spreadsheet formulas; ioredis printed "Unhandled error event"
 * outside the JSON log; onnxruntime wrote ~/.cache/Microsoft/DeveloperTools/.onnxruntime/onnxruntime.db
 * and an empty world-readable /tmp/mat-debug-<pid>.log.
 */
describe('security finding 9: CSV injection, stray Redis error lines, onnxruntime files', () => {
  it('neutralises formula cells in the audit CSV, logs Redis errors through the logger, and leaves no onnxruntime telemetry files', async () => {
    // CSV: every cell a spreadsheet would evaluate starts with a quote instead.
    const event = {
      seq: 7,
      occurredAt: new Date('2026-03-01T09:00:00Z'),
      actorType: 'user',
      actorId: '=HYPERLINK("https://evil.example","x")',
      action: '+cmd|calc',
      resourceType: '-2+3',
      resourceId: '@SUM(A1)',
      requestId: '\tleading-tab',
      sourceIp: '\rleading-cr',
      justification: 'plain text',
      details: {},
      prevHash: 'a'.repeat(64),
      hash: 'b'.repeat(64),
    } as unknown as AuditEventRecord;
    const cells = csvRow(event)
      .split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)
      .map((cell) => cell.replace(/^"|"$/g, ''));
    for (const cell of cells) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    expect(cells[3]).toBe(`'=HYPERLINK(""https://evil.example"",""x"")`);
    expect(cells[9]).toBe('plain text');

    // ioredis: an unreachable Redis is reported through the logger, never as "[ioredis] Unhandled error event".
    const config = loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:1', DATA_DIR: os.tmpdir() });
    const stray: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => {
      stray.push(args.map(String).join(' '));
    };
    // The Nest logger is the app's pino JSON logger once the app is up (app.useLogger).
    const logged = jest.fn();
    Logger.overrideLogger({ log: () => undefined, error: () => undefined, warn: logged });
    const throttle = new LoginThrottle(config);
    try {
      await expect(throttle.reserve('digest', '127.0.0.1')).rejects.toBeDefined();
    } finally {
      await throttle.onModuleDestroy();
      console.error = original;
      Logger.overrideLogger(new ConsoleLogger());
    }
    expect(stray.filter((line) => line.includes('Unhandled error event'))).toEqual([]);
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ code: 'ECONNREFUSED' }) }),
      'redis error',
      'LoginThrottle',
    );

    // onnxruntime: a session opened the way the service opens it writes nothing under HOME or /tmp.
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'ort-home-'));
    try {
      const script = `
        const { openSession } = require(${JSON.stringify(path.resolve('src/scoring/model/onnx-session.ts'))});
        openSession(${JSON.stringify(path.resolve('models/fixture/vision.onnx'))}, { executionProviders: ['cpu'], intraOpThreads: 1 })
          .then(() => new Promise((r) => setTimeout(r, 1000)))
          .then(() => { process.stdout.write(String(process.pid)); process.exit(0); });`;
      const env: Record<string, string> = { ...(process.env as Record<string, string>), HOME: home };
      delete env.ORT_DISABLE_TELEMETRY;
      delete env.XDG_CACHE_HOME;
      const child = spawnSync(process.execPath, ['-r', path.resolve('test/ts-worker-register.js'), '-e', script], {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(child.status).toBe(0);
      const pid = child.stdout.trim();
      const written = fs.readdirSync(home, { recursive: true }) as string[];
      expect(written).toEqual([]);
      expect(fs.existsSync(`/tmp/mat-debug-${pid}.log`)).toBe(false);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
