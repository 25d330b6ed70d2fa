import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DatabaseHandle } from './data-source.factory';
import { TransactionRunner } from './transaction-runner';

export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');

/**
 * Provides the TypeORM DataSource opened before Nest boots (so a bad DATABASE_URL fails fast with
 * one line) and closes it — and the embedded engine — on shutdown.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE_HANDLE) private readonly handle: DatabaseHandle) {}

  static forRoot(handle: DatabaseHandle): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_HANDLE, useValue: handle },
        { provide: DataSource, useValue: handle.dataSource },
        TransactionRunner,
      ],
      exports: [DATABASE_HANDLE, DataSource, TransactionRunner],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}
