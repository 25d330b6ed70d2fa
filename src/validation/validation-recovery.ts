import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ClaimsRepository } from '../claims/claims.repository';
import { JobDispatcher } from '../jobs/job-dispatcher';
import { ValidationService } from './validation.service';

/**
 * A submitted claim is never lost between its commit and the queue: when a process that runs jobs
 * starts, and whenever it gets Redis back after losing it, every claim still queued or mid-scoring is
 * enqueued again (the job id makes this a no-op for claims whose job is still in Redis).
 */
@Injectable()
export class ValidationRecovery implements OnApplicationBootstrap {
  private readonly logger = new Logger('ValidationRecovery');

  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly claims: ClaimsRepository,
    private readonly validation: ValidationService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const dispatcher = this.dispatcher();
    if (!dispatcher) return;
    // Also after Redis comes back: a Redis restarted without persistence has lost the waiting jobs.
    dispatcher.onReconnected(() => this.recover());
    await this.recover();
  }

  async recover(): Promise<void> {
    const ids = await this.claims.idsAwaitingScoring();
    for (const id of ids) await this.validation.enqueue(id);
    if (ids.length > 0) this.logger.log({ claims: ids.length }, 're-enqueued claims waiting for scoring');
  }

  private dispatcher(): JobDispatcher | undefined {
    try {
      return this.moduleRef.get(JobDispatcher, { strict: false });
    } catch {
      return undefined;
    }
  }
}
