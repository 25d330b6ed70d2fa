import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * A database handle a repository method runs on: either the data source's own manager (each call
 * its own implicit transaction) or the manager of a transaction that `TransactionRunner.run` opened.
 * Services pass it through; only repositories (`*.repository.ts`) run SQL on it.
 */
export type Tx = EntityManager;

/**
 * The one way a service opens a transaction or holds a session-scoped lock, so that services never
 * inject the DataSource. Repositories take the `tx` this hands out as their (optional) first argument.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  /** The manager outside any transaction (what repositories use when given no `tx`). */
  get manager(): Tx {
    return this.dataSource.manager;
  }

  /** The embedded engine (PGlite) has one connection and serves one process. */
  get singleConnection(): boolean {
    return (this.dataSource.options as { poolSize?: number }).poolSize === 1;
  }

  /** Runs `work` in one transaction: it commits when `work` resolves, rolls back when it throws. */
  run<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Runs `work` while holding the session advisory lock `key` on a connection of its own, or returns
   * `undefined` at once when another session holds it. The lock is released (and the connection
   * returned) however `work` ends.
   */
  async withSessionLock<T>(key: number, work: () => Promise<T>): Promise<{ value: T } | undefined> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [lock] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [key])) as Array<{
        locked: boolean;
      }>;
      if (!lock.locked) return undefined;
      try {
        return { value: await work() };
      } finally {
        await runner.query('SELECT pg_advisory_unlock($1)', [key]);
      }
    } finally {
      await runner.release();
    }
  }
}
