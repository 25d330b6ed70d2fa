import { Injectable, type OnModuleInit } from '@nestjs/common';
import { KeyRotationService } from '../crypto/key-rotation.service';
import type { WrappedKeyHolder, WrappedKeyRow } from '../crypto/wrapped-key-holder';
import type { Tx } from '../database/transaction-runner';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';

/** The endpoints' signing secrets, current and previous (wrapped by the master key ring), as key rotation sees them. */
@Injectable()
export class WebhookSecretKeyHolder implements WrappedKeyHolder, OnModuleInit {
  readonly label = 'webhook signing secrets';

  constructor(
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly rotation?: KeyRotationService,
  ) {}

  onModuleInit(): void {
    this.rotation?.registerHolder(this);
  }

  async lockBelowVersion(tx: Tx, version: number): Promise<WrappedKeyRow[]> {
    return (await this.endpoints.lockSecretKeysBelowVersion(tx, version)).map((row) => ({
      ref: `${row.id}:${row.slot}`,
      wrapped: row.wrapped,
      keyVersion: row.keyVersion,
    }));
  }

  rewrap(tx: Tx, row: WrappedKeyRow, wrapped: Buffer, keyVersion: number): Promise<void> {
    const [id, slot] = row.ref.split(':') as [string, 'current' | 'previous'];
    return this.endpoints.rewrapSecretKey(tx, id, slot, wrapped, keyVersion);
  }

  countByVersion(tx?: Tx) {
    return this.endpoints.countSecretKeysByVersion(tx);
  }
}
