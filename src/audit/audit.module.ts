import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { AuditCheckpointHandler } from './audit-checkpoint.handler';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditSigningKey } from './audit-signing';
import { AuditVerificationService } from './audit-verification.service';
import { HealthModule } from '../health/health.module';
import { AuditMetrics } from './audit-metrics';
import { AuditProofService } from './audit-proof.service';
import { AuditSequencer } from './audit-sequencer.service';
import { AuditController, AuditLogPublicController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuditWitnessService } from './audit-witness.service';
import { AuditClaimExportService } from './audit-claim-export.service';
import { AuditSavedSearchRepository } from './audit-saved-search.repository';

/** The tamper-evident audit log: every audited change goes through AuditService. */
@Module({
  imports: [JobsModule, HealthModule],
  controllers: [AuditController, AuditLogPublicController],
  providers: [
    AuditService,
    AuditSigningKey,
    AuditCheckpointService,
    AuditVerificationService,
    AuditQueryService,
    AuditExportService,
    AuditCheckpointHandler,
    AuditSequencer,
    AuditProofService,
    AuditMetrics,
    AuditWitnessService,
    AuditClaimExportService,
    AuditSavedSearchRepository,
  ],
  exports: [
    AuditService,
    AuditCheckpointService,
    AuditVerificationService,
    AuditSequencer,
    AuditProofService,
    AuditSigningKey,
    AuditWitnessService,
  ],
})
export class AuditModule {}
