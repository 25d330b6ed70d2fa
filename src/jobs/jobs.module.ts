import { BullModule, getQueueToken } from '@nestjs/bull';
import { Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { HealthModule } from '../health/health.module';
import { MetricsService } from '../health/metrics.service';
import { ReadinessService } from '../health/readiness.service';
import { JobDispatcher } from './job-dispatcher';
import { ALL_QUEUES } from './job-registry';
import { JobQueueService } from './job-queue.service';
import { RepeatableJobs } from './repeatable-jobs.service';
import { assertQueueConnected, withinQueueDeadline } from './queue-availability';

/**
 * Bull queues on Redis. Every module that enqueues, schedules or handles jobs imports this module;
 * the processes that run jobs (the worker, or `npm start` on one machine) also import
 * JobProcessingModule, whose JobDispatcher executes them.
 */
@Module({
  imports: [
    HealthModule,
    BullModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        url: config.redis.url,
        prefix: config.queue.prefix,
        // ioredis reconnects by itself (its default retryStrategy: forever, at most 2 s apart); with
        // maxRetriesPerRequest null a command waits for the reconnect, so request paths bound their
        // waits (JobQueueService, readiness, metrics) instead of hanging while Redis is down.
        redis: { maxRetriesPerRequest: null, enableReadyCheck: false },
        // A job whose worker died (kill -9) keeps its lock until JOB_LOCK_DURATION_MS passes; a stalled
        // check every JOB_STALLED_INTERVAL_MS then puts it back in the queue for another worker.
        settings: {
          lockDuration: config.queue.lockDurationMs,
          lockRenewTime: Math.floor(config.queue.lockDurationMs / 2),
          stalledInterval: config.queue.stalledIntervalMs,
        },
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  providers: [JobQueueService, RepeatableJobs],
  exports: [JobQueueService, RepeatableJobs, BullModule],
})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    const queues = ALL_QUEUES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    this.readiness.register('redis', async () => {
      try {
        assertQueueConnected(queues[0]);
      } catch (error) {
        return { ok: false, detail: (error as Error).message };
      }
      const reply = await queues[0].client.ping();
      return { ok: reply === 'PONG' };
    });
    this.metrics.onScrape(async () => {
      for (const queue of queues) {
        // While Redis is down the gauges keep their last values rather than holding up the scrape.
        assertQueueConnected(queue);
        const counts = await withinQueueDeadline(queue.getJobCounts(), 1000, 'Redis');
        for (const [state, count] of Object.entries(counts))
          this.metrics.queueDepth.set({ queue: queue.name, state }, count);
      }
    });
  }
}

/** Runs the JobDispatcher (every @JobHandler of every module) in processes started with `processJobs`. */
@Module({})
export class JobProcessingModule {
  static forRoot(options: { processJobs: boolean }): DynamicModule {
    return {
      module: JobProcessingModule,
      imports: [DiscoveryModule, HealthModule, JobsModule],
      providers: options.processJobs ? [JobDispatcher] : [],
    };
  }
}
