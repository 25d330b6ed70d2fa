import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { JobsModule } from '../jobs/jobs.module';
import { MaintenanceProbeHandler } from './maintenance-probe.handler';
import { OpsController } from './ops.controller';

/** Operator endpoints and the probe job they enqueue (queue, worker, retries and audit end to end). */
@Module({
  imports: [AuditModule, JobsModule],
  controllers: [OpsController],
  providers: [MaintenanceProbeHandler],
})
export class OpsModule {}
