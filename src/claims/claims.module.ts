import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { PoliciesModule } from '../policies/policies.module';
import { ClaimEvents } from './claim-events';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';

@Module({
  imports: [AuditModule, AuthModule, JobsModule, PoliciesModule],
  controllers: [ClaimsController],
  providers: [ClaimsService, ClaimEvents],
  exports: [ClaimsService, ClaimEvents],
})
export class ClaimsModule {}
