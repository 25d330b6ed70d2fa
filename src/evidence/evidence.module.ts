import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { ReviewModule } from '../review/review.module';
import { PhotoUploadInterceptor } from './photo-upload.interceptor';
import { PhotosController } from './photos.controller';
import { PhotosRepository } from './photos.repository';
import { PhotosService } from './photos.service';

/** Photo evidence: ingest and audited reads. EnvelopeCrypto, IntakeKeys and BLOB_STORE come from the global crypto and blob-store modules. */
@Module({
  imports: [AuthModule, ClaimsModule, ReviewModule],
  controllers: [PhotosController],
  providers: [PhotosService, PhotoUploadInterceptor, PhotosRepository],
  exports: [PhotosService, PhotosRepository],
})
export class EvidenceModule {}
