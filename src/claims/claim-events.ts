import { Injectable, Logger } from '@nestjs/common';

/** What a listener learns when a claim is submitted (after the change committed). */
export interface ClaimSubmitted {
  readonly claimId: string;
  readonly team: string;
  readonly photoCount: number;
  readonly submittedAt: Date;
}

export type ClaimSubmittedListener = (event: ClaimSubmitted) => Promise<void>;

/**
 * The seam between intake and validation. `POST /v1/claims/:id/submit` moves a claim draft → queued
 * in one audited transaction and then, after commit, calls every listener registered here; the
 * validation module registers one (ValidationService.onModuleInit) that enqueues the
 * `validation.validate-claim` job. A listener that fails is logged and does not undo the submission:
 * the claim stays `queued`, and ValidationRecovery re-enqueues every queued claim when a worker starts
 * or gets Redis back, so no submitted claim is lost between the commit and the queue.
 */
@Injectable()
export class ClaimEvents {
  private readonly logger = new Logger('ClaimEvents');
  private readonly submittedListeners: ClaimSubmittedListener[] = [];

  onSubmitted(listener: ClaimSubmittedListener): void {
    this.submittedListeners.push(listener);
  }

  async emitSubmitted(event: ClaimSubmitted): Promise<void> {
    for (const listener of this.submittedListeners) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.error(
          { err: error, claimId: event.claimId },
          'a ClaimSubmitted listener failed; the claim stays queued',
        );
      }
    }
  }
}
