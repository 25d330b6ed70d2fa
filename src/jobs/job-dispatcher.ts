import { getQueueToken } from '@nestjs/bull';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DiscoveryService, MetadataScanner, ModuleRef, Reflector } from '@nestjs/core';
import type { Job, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { JOB_HANDLER_METADATA } from './job-handler.decorator';
import { ALL_QUEUES, JOB_QUEUE, JobName, type JobStatus, type QueueName } from './job-registry';

type Handler = (job: Job) => Promise<JobStatus>;

export class JobRegistryError extends Error {}

/**
 * Finds every @JobHandler at start-up, refuses to start unless each job has exactly one, and runs
 * one Bull processor per queue that dispatches by job name (one processor per queue keeps the
 * queue's concurrency what WORKER_CONCURRENCY says; named processors would add up).
 */
@Injectable()
export class JobDispatcher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(JobDispatcher.name);
  private readonly handlers = new Map<JobName, Handler>();
  private readonly reconnectListeners: Array<() => Promise<void>> = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly moduleRef: ModuleRef,
    private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.collectHandlers();
    for (const queueName of ALL_QUEUES) this.startProcessing(queueName);
    this.watchConnection();
    this.logger.log({ jobs: [...this.handlers.keys()] }, 'worker processing jobs');
  }

  /**
   * Called each time Redis comes back after the connection was lost. A Redis that restarted without
   * persistence has forgotten every waiting job; modules re-enqueue from their own state here (the
   * job ids make that a no-op for jobs Redis still has).
   */
  onReconnected(listener: () => Promise<void>): void {
    this.reconnectListeners.push(listener);
  }

  private watchConnection(): void {
    const client = this.queue(ALL_QUEUES[0]).client as Queue['client'] | undefined;
    if (typeof client?.on !== 'function') return;
    let lost = false;
    client.on('close', () => {
      if (!lost) this.logger.warn('lost the connection to Redis; reconnecting');
      lost = true;
    });
    client.on('ready', () => {
      if (!lost) return;
      lost = false;
      this.logger.log('reconnected to Redis');
      void (async () => {
        for (const listener of this.reconnectListeners) {
          try {
            await listener();
          } catch (error) {
            this.logger.error({ err: error }, 'a recovery step after the Redis reconnect failed');
          }
        }
      })();
    });
  }

  /**
   * Before any module shuts down (the database closes in onApplicationShutdown), stop taking new jobs
   * and let the running ones finish: Bull's close waits for this process's active jobs.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.logger.log('draining: no new jobs, waiting for running ones');
    await Promise.all(
      ALL_QUEUES.map((name) =>
        this.queue(name)
          .close()
          .catch(() => undefined),
      ),
    );
  }

  private queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  private collectHandlers(): void {
    const found = new Map<JobName, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object') continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const methodName of this.scanner.getAllMethodNames(prototype)) {
        const method = instance[methodName] as (job: Job) => Promise<JobStatus>;
        const job = this.reflector.get<JobName | undefined>(JOB_HANDLER_METADATA, method);
        if (!job) continue;
        found.set(job, [...(found.get(job) ?? []), `${instance.constructor.name}.${methodName}`]);
        this.handlers.set(job, method.bind(instance));
      }
    }
    const problems: string[] = [];
    for (const job of Object.values(JobName)) {
      const places = found.get(job) ?? [];
      if (places.length === 0) problems.push(`job ${job} has no handler`);
      if (places.length > 1) problems.push(`job ${job} has ${places.length} handlers: ${places.join(', ')}`);
    }
    if (problems.length > 0) throw new JobRegistryError(`job registry is inconsistent: ${problems.join('; ')}`);
  }

  private startProcessing(queueName: QueueName): void {
    void this.queue(queueName).process('*', this.config.queue.concurrency, async (job: Job) => {
      const handler = this.handlers.get(job.name as JobName);
      if (!handler || JOB_QUEUE[job.name as JobName] !== queueName)
        throw new Error(`no handler for job ${job.name} on queue ${queueName}`);
      const stop = this.metrics.jobDuration.startTimer({ queue: queueName, job: job.name });
      try {
        const status = await handler(job);
        stop({ status });
        return status;
      } catch (error) {
        stop({ status: 'failed' });
        this.logger.warn(
          { job: job.name, jobId: job.id, attempt: job.attemptsMade + 1, err: error },
          'job attempt failed',
        );
        throw error;
      }
    });
  }
}
