import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PoliciesModule } from '../policies/policies.module';
import { ClaimEvents } from './claim-events';
import { ClaimsRepository } from './claims.repository';
import { ClaimsController } from './claims.controller';
import { ClaimsService } from './claims.service';

@Module({
  imports: [AuthModule, PoliciesModule],
  controllers: [ClaimsController],
  providers: [ClaimsService, ClaimEvents, ClaimsRepository],
  exports: [ClaimsService, ClaimEvents, ClaimsRepository],
})
export class ClaimsModule {}
