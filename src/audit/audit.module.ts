import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { AuditCheckpointHandler } from './audit-checkpoint.handler';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditSigningKey } from './audit-signing';
import { AuditVerificationService } from './audit-verification.service';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

/** The tamper-evident audit log: every audited change goes through AuditService. */
@Module({
  imports: [JobsModule],
  controllers: [AuditController],
  providers: [
    AuditService,
    AuditSigningKey,
    AuditCheckpointService,
    AuditVerificationService,
    AuditQueryService,
    AuditExportService,
    AuditCheckpointHandler,
  ],
  exports: [AuditService, AuditCheckpointService, AuditVerificationService],
})
export class AuditModule {}
