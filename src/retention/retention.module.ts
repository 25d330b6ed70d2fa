import { Module } from '@nestjs/common';
import { BlobStoreModule } from '../evidence/blob-store.module';
import { JobsModule } from '../jobs/jobs.module';
import { AuditModule } from '../audit/audit.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { ValidationModule } from '../validation/validation.module';
import { GovernanceRepository } from '../governance/governance.repository';
import { PurgeService } from './purge.service';
import { RetentionPurgeHandler } from './retention-purge.handler';
import { LegalHoldController, RetentionController } from './retention.controller';
import { RetentionRepository } from './retention.repository';
import { RetentionService } from './retention.service';

/** Retention policies, legal holds, the purge job and erasure requests (src/retention/README.md). */
@Module({
  imports: [WebhooksModule, AuditModule, AuthModule, JobsModule, BlobStoreModule, ClaimsModule, ValidationModule],
  controllers: [RetentionController, LegalHoldController],
  providers: [RetentionService, PurgeService, RetentionPurgeHandler, RetentionRepository, GovernanceRepository],
  exports: [PurgeService, RetentionService],
})
export class RetentionModule {}
