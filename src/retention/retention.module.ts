import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { EvidenceModule } from '../evidence/evidence.module';
import { ValidationModule } from '../validation/validation.module';
import { PurgeService } from './purge.service';
import { RetentionPurgeHandler } from './retention-purge.handler';
import { LegalHoldController, RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Retention policies, legal holds, the purge job and erasure requests (src/retention/README.md). */
@Module({
  imports: [AuthModule, ClaimsModule, EvidenceModule, ValidationModule],
  controllers: [RetentionController, LegalHoldController],
  providers: [RetentionService, PurgeService, RetentionPurgeHandler, RetentionRepository],
  exports: [PurgeService, RetentionService],
})
export class RetentionModule {}
