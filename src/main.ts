import 'reflect-metadata';
import { Logger as NestLogger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureHttpApp } from './common/http-app';
import type { AppConfig } from './config/app-config';
import { failStartup, installShutdownDeadline, loadConfigOrExit } from './common/process-entry';
import { ensureRedis } from './common/redis-preflight';
import { openAppDatabase } from './entities';
import { databaseHasUsers, demoBanner, seedDemo } from './demo/demo-seeder';

/**
 * The HTTP API. With `--with-worker` (what `npm start` passes) the same process also runs the job
 * processors, which is how a single machine — and the embedded database — runs everything.
 */
async function main(): Promise<void> {
  const withWorker = process.argv.includes('--with-worker');
  const config = loadConfigOrExit();
  await ensureRedis(config, { allowAutostart: withWorker });
  const database = await openAppDatabase(config);
  const app = await NestFactory.create(AppModule.forRoot({ config, database, processJobs: withWorker }), {
    bufferLogs: true,
    forceCloseConnections: true,
  });
  app.useLogger(app.get(Logger));
  const logger = new NestLogger('Bootstrap');
  configureHttpApp(app, config);
  installShutdownDeadline(config.shutdownTimeoutMs);
  await app.listen(config.port, config.host);
  const url = `http://localhost:${config.port}/`;
  logger.log({ database: database.description, worker: withWorker, url }, 'claims evidence service listening');
  if (config.demo || process.argv.includes('--demo')) await offerDemo(app, config, url, withWorker, logger);
}

/** DEMO=1 / --demo: seed an empty database once and print the logins once, as plain text on stdout. */
async function offerDemo(
  app: INestApplication,
  config: AppConfig,
  url: string,
  withWorker: boolean,
  logger: NestLogger,
): Promise<void> {
  try {
    if (await databaseHasUsers(app)) {
      logger.log(
        'demo: the database already has users, so no demo data was added (the demo logins were printed at the first start)',
      );
      return;
    }
    if (!withWorker) logger.warn('demo: this process runs no worker; the demo claims are scored once a worker runs');
    logger.log('demo: seeding people, policies and claims');
    const result = await seedDemo(app, config, {
      scoringWaitMs: withWorker ? 300_000 : 0,
      onProgress: (line) => logger.log(line),
    });
    process.stdout.write(`${demoBanner(url, result)}\n`);
  } catch (error) {
    logger.error(`demo: seeding failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

main().catch(failStartup);
