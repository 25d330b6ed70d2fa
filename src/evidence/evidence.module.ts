import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { DecodePool } from './decode-pool';
import { PhotoUploadInterceptor } from './photo-upload.interceptor';
import { PhotosController } from './photos.controller';
import { PhotosService } from './photos.service';

/** Photo evidence: ingest and audited reads. EnvelopeCrypto, IntakeKeys and BLOB_STORE come from the global crypto and blob-store modules. */
@Module({
  imports: [AuthModule, ClaimsModule],
  controllers: [PhotosController],
  providers: [PhotosService, PhotoUploadInterceptor, DecodePool],
  exports: [PhotosService],
})
export class EvidenceModule {}
