import { Injectable, type OnModuleInit } from '@nestjs/common';
import { UsersRepository } from '../auth/users.repository';
import { KeyRotationService } from '../crypto/key-rotation.service';
import type { WrappedKeyHolder, WrappedKeyRow } from '../crypto/wrapped-key-holder';
import type { Tx } from '../database/transaction-runner';

/** The users' TOTP secrets (wrapped by the master key ring) as key rotation sees them. */
@Injectable()
export class TotpKeyHolder implements WrappedKeyHolder, OnModuleInit {
  readonly label = 'TOTP secrets';

  constructor(
    private readonly users: UsersRepository,
    private readonly rotation?: KeyRotationService,
  ) {}

  onModuleInit(): void {
    this.rotation?.registerHolder(this);
  }

  async lockBelowVersion(tx: Tx, version: number): Promise<WrappedKeyRow[]> {
    return (await this.users.lockTotpKeysBelowVersion(tx, version)).map((row) => ({
      ref: row.id,
      wrapped: row.wrapped,
      keyVersion: row.keyVersion,
    }));
  }

  rewrap(tx: Tx, row: WrappedKeyRow, wrapped: Buffer, keyVersion: number): Promise<void> {
    return this.users.rewrapTotpKey(tx, row.ref, wrapped, keyVersion);
  }

  countByVersion(tx?: Tx) {
    return this.users.countTotpKeysByVersion(tx);
  }
}
