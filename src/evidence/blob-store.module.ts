import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { CryptoModule } from '../crypto/crypto.module';
import { BLOB_STORE, type BlobStore } from './blob-store';
import { FsBlobStore } from './blob-store-fs';
import { PostgresBlobStore } from './blob-store-postgres';
import { BlobSweeper } from './blob-store-sweeper';
import { BlobsRepository } from './blobs.repository';
import { EvidenceVault } from './evidence-vault';

/** The store chosen by BLOB_STORE (fs: DATA_DIR/blobs; postgres: the blobs table). */
export function createBlobStore(config: Pick<AppConfig, 'blobStore' | 'blobDir'>, blobs: BlobsRepository): BlobStore {
  return config.blobStore === 'postgres' ? new PostgresBlobStore(blobs) : new FsBlobStore(config.blobDir);
}

/** Inject with `@Inject(BLOB_STORE) private readonly blobs: BlobStore`; read evidence back through EvidenceVault. */
@Module({
  imports: [AuditModule, CryptoModule],
  providers: [
    BlobsRepository,
    { provide: BLOB_STORE, inject: [APP_CONFIG, BlobsRepository], useFactory: createBlobStore },
    BlobSweeper,
    EvidenceVault,
  ],
  exports: [BLOB_STORE, BlobSweeper, EvidenceVault],
})
export class BlobStoreModule {}
