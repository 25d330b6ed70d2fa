import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from 'nestjs-pino';
import { AppModule } from '../../src/app.module';
import { Clock, ManualClock } from '../../src/common/clock';
import { configureHttpApp } from '../../src/common/http-app';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { type DatabaseHandle } from '../../src/database/data-source.factory';
import { openAppDatabase } from '../../src/entities';
import { createTestDatabase, type TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  readonly testDatabase: TestDatabase;
  readonly env: Record<string, string>;
  readonly clock: ManualClock | undefined;
  readonly dataDir: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Run the job processors in the test process (default false: the API alone). */
  processJobs?: boolean;
  /** Use a ManualClock the test can move. */
  manualClock?: ManualClock;
  /** Extra environment for the configuration. */
  env?: Record<string, string>;
  label?: string;
}

/**
 * Boots the real application — real PostgreSQL (a fresh database), real Redis (a queue prefix of its
 * own), the same HTTP set-up as main.ts — for one e2e test file.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const testDatabase = await createTestDatabase(options.label);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-e2e-'));
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
    DATABASE_URL: testDatabase.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
    DATA_DIR: dataDir,
    JOB_BACKOFF_MS: '50',
    // test/setup-env.ts: no role is forced to a second factor unless a test turns it on.
    ...(process.env.MFA_REQUIRED_ROLES !== undefined ? { MFA_REQUIRED_ROLES: process.env.MFA_REQUIRED_ROLES } : {}),
    ...(process.env.MODELS_DIR ? { MODELS_DIR: process.env.MODELS_DIR } : {}),
    ...options.env,
  };
  const config = loadConfig(env);
  const database = await openAppDatabase(config);
  const builder = Test.createTestingModule({
    imports: [AppModule.forRoot({ config, database, processJobs: options.processJobs ?? false })],
  });
  if (options.manualClock) builder.overrideProvider(Clock).useValue(options.manualClock);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication({ bufferLogs: true });
  app.useLogger(app.get(Logger));
  configureHttpApp(app, config);
  await app.init();
  return {
    app,
    config,
    database,
    testDatabase,
    env,
    clock: options.manualClock,
    dataDir,
    async close() {
      await app.close();
      await testDatabase.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Boots the real app for the file (beforeAll), runs `ready` with it (the file's own set-up) and closes
 * it after (afterAll). The function it returns gives the app inside tests and hooks.
 */
export function useTestApp(options: TestAppOptions, ready?: (testApp: TestApp) => void | Promise<void>): () => TestApp {
  let started: TestApp | undefined;
  beforeAll(async () => {
    started = await startTestApp(options);
    await ready?.(started);
  });
  afterAll(async () => {
    await started?.close();
  });
  return () => {
    if (!started) throw new Error('the test app is used before beforeAll started it');
    return started;
  };
}
