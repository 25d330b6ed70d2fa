import { getQueueToken } from '@nestjs/bull';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { JobOptions, Queue } from 'bull';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JOB_QUEUE, type JobName, type JobPayloads, type QueueName } from './job-registry';
import { assertQueueConnected, withinQueueDeadline } from './queue-availability';

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
   * Throws QueueUnavailableError unless the queue of `job` answers now (connected, and a PING within
   * JOB_ENQUEUE_TIMEOUT_MS). Callers that must not commit work Redis cannot take check this first.
   */
  async assertAvailable(job: JobName): Promise<void> {
    const queue = this.queue(JOB_QUEUE[job]);
    assertQueueConnected(queue);
    await withinQueueDeadline(queue.client.ping(), this.config.queue.enqueueTimeoutMs, 'Redis');
  }

  /**
   * `jobId` makes enqueueing idempotent: Bull ignores a second add with the id of a job it still has.
   * Bounded by JOB_ENQUEUE_TIMEOUT_MS: while Redis is down this throws QueueUnavailableError instead
   * of waiting for it (the add may still go through once Redis is back, which the job id makes harmless).
   */
  async enqueue<N extends JobName>(job: N, data: JobPayloads[N], options: JobOptions = {}) {
    const queue = this.queue(JOB_QUEUE[job]);
    assertQueueConnected(queue);
    return withinQueueDeadline(
      queue.add(job, data, {
        attempts: this.config.queue.attempts,
        backoff: { type: 'exponential', delay: this.config.queue.backoffMs },
        removeOnComplete: true,
        removeOnFail: false,
        ...options,
      }),
      this.config.queue.enqueueTimeoutMs,
      'Redis',
    );
  }
}
