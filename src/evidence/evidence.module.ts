import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { CryptoModule } from '../crypto/crypto.module';
import { ReviewModule } from '../review/review.module';
import { BlobStoreModule } from './blob-store.module';
import { DecodePool } from './decode-pool';
import { PhotoUploadInterceptor } from './photo-upload.interceptor';
import { PhotosController } from './photos.controller';
import { PhotosService } from './photos.service';
import { PhotoEvidenceService } from './photo-evidence.service';

/** Photo evidence: ingest and audited reads. */
@Module({
  imports: [AuditModule, AuthModule, ClaimsModule, CryptoModule, BlobStoreModule, ReviewModule],
  controllers: [PhotosController],
  providers: [PhotosService, PhotoEvidenceService, PhotoUploadInterceptor, DecodePool],
  exports: [PhotosService],
})
export class EvidenceModule {}
