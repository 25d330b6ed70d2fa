import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureHttpApp } from './common/http-app';
import { failStartup, installShutdownDeadline, loadConfigOrExit } from './common/process-entry';
import { ensureRedis } from './common/redis-preflight';
import { openDatabase } from './database/data-source.factory';

/**
 * The HTTP API. With `--with-worker` (what `npm start` passes) the same process also runs the job
 * processors, which is how a single machine — and the embedded database — runs everything.
 */
async function main(): Promise<void> {
  const withWorker = process.argv.includes('--with-worker');
  const config = loadConfigOrExit();
  await ensureRedis(config, { allowAutostart: withWorker });
  const database = await openDatabase(config);
  const app = await NestFactory.create(AppModule.forRoot({ config, database, processJobs: withWorker }), { bufferLogs: true, forceCloseConnections: true });
  app.useLogger(app.get(Logger));
  const logger = new NestLogger('Bootstrap');
  configureHttpApp(app, config);
  installShutdownDeadline(config.shutdownTimeoutMs);
  await app.listen(config.port, config.host);
  logger.log({ database: database.description, worker: withWorker, url: `http://localhost:${config.port}/` }, 'claims evidence service listening');
}

main().catch(failStartup);
