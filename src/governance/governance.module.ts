import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { ClaimsModule } from '../claims/claims.module';
import { BlobStoreModule } from '../evidence/blob-store.module';
import { HealthModule } from '../health/health.module';
import { JobsModule } from '../jobs/jobs.module';
import { PoliciesModule } from '../policies/policies.module';
import { ReviewModule } from '../review/review.module';
import { ScoringModule } from '../scoring/scoring.module';
import { ValidationModule } from '../validation/validation.module';
import { DriftService } from './drift.service';
import { GovernanceController } from './governance.controller';
import { GovernanceRepository } from './governance.repository';
import { GovernanceService } from './governance.service';
import { HeatmapService } from './heatmap.service';
import { ShadowModel } from './shadow-model';
import { ShadowScoringService } from './shadow-scoring.service';

/** Model governance: shadow models, score drift, occlusion heatmaps (src/governance/README.md). */
@Module({
  imports: [
    AuditModule,
    AuthModule,
    BlobStoreModule,
    ClaimsModule,
    HealthModule,
    JobsModule,
    PoliciesModule,
    ReviewModule,
    ScoringModule,
    ValidationModule,
  ],
  controllers: [GovernanceController],
  providers: [GovernanceRepository, GovernanceService, DriftService, HeatmapService, ShadowModel, ShadowScoringService],
  exports: [GovernanceRepository, ShadowScoringService],
})
export class GovernanceModule {}
