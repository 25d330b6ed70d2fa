import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { failStartup, installShutdownDeadline, loadConfigOrExit } from './common/process-entry';
import { ensureRedis } from './common/redis-preflight';
import { openAppDatabase } from './entities';

/** A job worker: the same modules as the API, no HTTP. Run as many as the load needs. */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  if (!config.database.url) {
    throw new Error(
      'a separate worker needs DATABASE_URL: the embedded database serves one process only (use `npm start` on a single machine)',
    );
  }
  await ensureRedis(config, { allowAutostart: false });
  const database = await openAppDatabase(config);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot({ config, database, processJobs: true }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  const logger = new NestLogger('Bootstrap');
  app.enableShutdownHooks();
  installShutdownDeadline(config.shutdownTimeoutMs);
  await app.init();
  logger.log({ database: database.description, pid: process.pid }, 'worker started');
}

main().catch(failStartup);
