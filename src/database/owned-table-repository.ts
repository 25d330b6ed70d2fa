import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Tx } from './transaction-runner';

/**
 * What every table owner (`*.repository.ts`) starts from: the DataSource, and `m(tx)`, which runs a
 * method on the caller's transaction when it passes one and on the pool otherwise.
 */
@Injectable()
export abstract class OwnedTableRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The caller's transaction, or the pool's manager outside one. */
  protected m(tx?: Tx): Tx {
    return tx ?? this.dataSource.manager;
  }
}
