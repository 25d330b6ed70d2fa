import { Global, Module } from '@nestjs/common';
import { AuditCheckpointHandler } from './audit-checkpoint.handler';
import { AuditCheckpointService } from './audit-checkpoint.service';
import { AuditExportService } from './audit-export.service';
import { AuditQueryService } from './audit-query.service';
import { AuditSigningKey } from './audit-signing';
import { AuditVerificationService } from './audit-verification.service';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';

@Global()
@Module({
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
