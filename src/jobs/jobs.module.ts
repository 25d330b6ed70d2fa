import { BullModule, getQueueToken } from '@nestjs/bull';
import { Global, Module, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, ModuleRef } from '@nestjs/core';
import type { Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { ReadinessService } from '../health/readiness.service';
import { JobDispatcher } from './job-dispatcher';
import { ALL_QUEUES } from './job-registry';
import { JobQueueService } from './job-queue.service';
import { MaintenanceProbeHandler } from './maintenance-probe.handler';

/**
 * Bull queues on Redis. Every process can enqueue; only processes started with `processJobs`
 * (the worker, or `npm start` on one machine) run the JobDispatcher that executes jobs.
 */
@Global()
@Module({})
export class JobsModule implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly readiness: ReadinessService,
    private readonly metrics: MetricsService,
  ) {}

  static forRoot(options: { processJobs: boolean }): DynamicModule {
    return {
      module: JobsModule,
      imports: [
        DiscoveryModule,
        BullModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            url: config.redis.url,
            prefix: config.queue.prefix,
            redis: { maxRetriesPerRequest: null, enableReadyCheck: false },
          }),
        }),
        BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
      ],
      providers: [JobQueueService, MaintenanceProbeHandler, ...(options.processJobs ? [JobDispatcher] : [])],
      exports: [JobQueueService, BullModule],
    };
  }

  onModuleInit(): void {
    const queues = ALL_QUEUES.map((name) => this.moduleRef.get<Queue>(getQueueToken(name), { strict: false }));
    this.readiness.register('redis', async () => {
      const reply = await queues[0].client.ping();
      return { ok: reply === 'PONG' };
    });
    this.metrics.onScrape(async () => {
      for (const queue of queues) {
        const counts = await queue.getJobCounts();
        for (const [state, count] of Object.entries(counts)) this.metrics.queueDepth.set({ queue: queue.name, state }, count);
      }
    });
  }
}

