import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PurgeService } from './purge.service';
import { RetentionPurgeHandler } from './retention-purge.handler';
import { LegalHoldController, RetentionController } from './retention.controller';
import { RetentionService } from './retention.service';

/** Retention policies, legal holds, the purge job and erasure requests (src/retention/README.md). */
@Module({
  imports: [AuthModule],
  controllers: [RetentionController, LegalHoldController],
  providers: [RetentionService, PurgeService, RetentionPurgeHandler],
  exports: [PurgeService, RetentionService],
})
export class RetentionModule {}
