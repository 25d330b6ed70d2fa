import { Injectable, Logger } from '@nestjs/common';

/** What a listener learns when a claim's scoring run committed (its route is decided and stored). */
export interface ClaimScored {
  readonly claimId: string;
}

export type ClaimScoredListener = (event: ClaimScored) => Promise<void>;

/**
 * The seam after a claim is scored: ValidationService calls every listener once the run, checks and route
 * committed. Listeners observe (the shadow model, src/governance); they cannot change what was decided, and
 * one that fails is logged and ignored: the claim's route stands.
 */
@Injectable()
export class ClaimScoredEvents {
  private readonly logger = new Logger('ClaimScoredEvents');
  private readonly listeners: ClaimScoredListener[] = [];

  onScored(listener: ClaimScoredListener): void {
    this.listeners.push(listener);
  }

  async emitScored(event: ClaimScored): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(event);
      } catch (error) {
        this.logger.error({ err: error, claimId: event.claimId }, 'a ClaimScored listener failed; the route stands');
      }
    }
  }
}
