import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { JobDispatcher } from './job-dispatcher';
import { JOB_QUEUE, type SchedulableJobName } from './job-registry';
import { JobQueueService } from './job-queue.service';

export type RepeatSchedule =
  { every: number; cron?: undefined; tz?: undefined } | { cron: string; tz?: string; every?: undefined };

/**
 * Keeps exactly one schedule of a repeatable job across every worker: only processes that run jobs
 * schedule; the fixed job id makes all replicas add the same repeat key; a schedule left with another
 * interval is dropped; and it is applied again after Redis comes back (a Redis restarted without
 * persistence has forgotten it).
 */
@Injectable()
export class RepeatableJobs {
  private readonly logger = new Logger(RepeatableJobs.name);

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly jobs: JobQueueService,
  ) {}

  /** `schedule` null: the job must not repeat (any old schedule is removed). */
  async keep(
    job: SchedulableJobName,
    schedule: RepeatSchedule | null,
    options: { jobId: string; attempts?: number },
  ): Promise<void> {
    const dispatcher = this.dispatcher();
    if (!dispatcher) return;
    await this.apply(job, schedule, options);
    dispatcher.onReconnected(() => this.apply(job, schedule, options));
  }

  private async apply(
    job: SchedulableJobName,
    schedule: RepeatSchedule | null,
    options: { jobId: string; attempts?: number },
  ): Promise<void> {
    const queue = this.jobs.queue(JOB_QUEUE[job]);
    for (const repeatable of await queue.getRepeatableJobs()) {
      const same =
        schedule &&
        Number(repeatable.every ?? 0) === Number(schedule.every ?? 0) &&
        (repeatable.cron ?? null) === (schedule.cron ?? null);
      if (repeatable.name === job && !same) await queue.removeRepeatableByKey(repeatable.key);
    }
    if (!schedule) return;
    await this.jobs.enqueue(
      job,
      {},
      { repeat: schedule, jobId: options.jobId, ...(options.attempts ? { attempts: options.attempts } : {}) },
    );
    this.logger.log({ job, ...schedule }, 'repeatable job scheduled');
  }

  private dispatcher(): JobDispatcher | null {
    try {
      return this.moduleRef.get(JobDispatcher, { strict: false });
    } catch {
      return null;
    }
  }
}
