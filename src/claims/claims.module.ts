import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { PoliciesModule } from '../policies/policies.module';
import { ClaimEvents } from './claim-events';
import { ClaimsRepository } from './claims.repository';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';
import { PhotosRepository } from './photos.repository';
import { InformationRequestsRepository } from './information-requests.repository';
import { InformationRequestsService } from './information-requests.service';

@Module({
  imports: [AuditModule, AuthModule, JobsModule, PoliciesModule],
  controllers: [ClaimsController],
  providers: [
    ClaimsService,
    ClaimEvents,
    ClaimsRepository,
    PhotosRepository,
    InformationRequestsRepository,
    InformationRequestsService,
  ],
  exports: [
    ClaimsService,
    ClaimEvents,
    ClaimsRepository,
    PhotosRepository,
    InformationRequestsRepository,
    InformationRequestsService,
  ],
})
export class ClaimsModule {}
