import { Module } from '@nestjs/common';
import { BlobStoreModule } from '../evidence/blob-store.module';
import { ScoringModule } from '../scoring/scoring.module';
import { JobsModule } from '../jobs/jobs.module';
import { AuditModule } from '../audit/audit.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { PoliciesModule } from '../policies/policies.module';
import { ReviewModule } from '../review/review.module';
import { ChecksRepository } from './checks.repository';
import { ClaimEvaluator } from './claim-evaluator';
import { ClaimScoredEvents } from './claim-scored-events';
import { ThresholdsRepository } from './thresholds.repository';
import { CalibrationsRepository } from './calibrations.repository';
import { CalibrationController } from './calibration.controller';
import { CalibrationService } from './calibration.service';
import { CalibrationReadiness } from './calibration-readiness';
import { HealthModule } from '../health/health.module';
import { QualityService } from './quality.service';
import { ThresholdsService } from './thresholds.service';
import { ValidationController } from './validation.controller';
import { ValidationRecovery } from './validation-recovery';
import { ValidationService } from './validation.service';

@Module({
  imports: [
    WebhooksModule,
    AuditModule,
    AuthModule,
    BlobStoreModule,
    ClaimsModule,
    JobsModule,
    PoliciesModule,
    ReviewModule,
    ScoringModule,
    HealthModule,
  ],
  controllers: [ValidationController, CalibrationController],
  providers: [
    ClaimEvaluator,
    ThresholdsService,
    ValidationService,
    ValidationRecovery,
    QualityService,
    ChecksRepository,
    ThresholdsRepository,
    ClaimScoredEvents,
    CalibrationsRepository,
    CalibrationService,
    CalibrationReadiness,
  ],
  exports: [
    ValidationService,
    ClaimEvaluator,
    ChecksRepository,
    ClaimScoredEvents,
    CalibrationService,
    ThresholdsService,
  ],
})
export class ValidationModule {}
