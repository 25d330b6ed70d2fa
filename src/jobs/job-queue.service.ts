import { getQueueToken } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobOptions, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JOB_QUEUE, type JobName, type QueueName } from './job-registry';

/** Enqueues jobs with the service's defaults: retries with backoff, completed removed, failed kept. */
@Injectable()
export class JobQueueService {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  queue(name: QueueName): Queue {
    return this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
  }

  /**
   * `jobId` makes enqueueing idempotent: Bull ignores a second add with the id of a job it still has.
   */
  async enqueue<T extends object>(job: JobName, data: T, options: JobOptions = {}) {
    return this.queue(JOB_QUEUE[job]).add(job, data, {
      attempts: this.config.queue.attempts,
      backoff: { type: 'exponential', delay: this.config.queue.backoffMs },
      removeOnComplete: true,
      removeOnFail: false,
      ...options,
    });
  }
}
