import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module';
import { AuditSequencerModule } from './audit/audit-sequencer.loop';
import { AccessGuard } from './auth/access.guard';
import { AuthModule } from './auth/auth.module';
import { ClockModule } from './common/clock.module';
import { loggerParams } from './common/logging';
import type { AppConfig } from './config/app-config';
import { ClaimsModule } from './claims/claims.module';
import { ConfigModule } from './config/config.module';
import { CryptoModule } from './crypto/crypto.module';
import type { DatabaseHandle } from './database/data-source.factory';
import { DatabaseModule } from './database/database.module';
import { DatabaseReadiness } from './database/database-readiness';
import { BlobStoreModule } from './evidence/blob-store.module';
import { EvidenceModule } from './evidence/evidence.module';
import { GovernanceModule } from './governance/governance.module';
import { HealthModule } from './health/health.module';
import { HttpMetricsInterceptor } from './health/http-metrics.interceptor';
import { HttpExceptionFilter } from './http-exception.filter';
import { JobProcessingModule, JobsModule } from './jobs/jobs.module';
import { OpsModule } from './ops/ops.module';
import { PoliciesModule } from './policies/policies.module';
import { RetentionModule } from './retention/retention.module';
import { ReviewModule } from './review/review.module';
import { ScoringModule, ScoringStartupModule } from './scoring/scoring.module';
import { ValidationModule } from './validation/validation.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { MfaModule } from './mfa/mfa.module';

export interface AppModuleOptions {
  readonly config: AppConfig;
  readonly database: DatabaseHandle;
  /** Run the Bull processors in this process (the worker, or `npm start` on one machine). */
  readonly processJobs: boolean;
}

/**
 * The whole service. The API and the worker are the same modules; only `processJobs` differs.
 * Config, database and clock are global; every other module imports the modules it uses.
 */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(options.config),
        LoggerModule.forRoot(loggerParams(options.config)),
        ClockModule,
        DatabaseModule.forRoot(options.database),
        HealthModule,
        AuditModule,
        AuditSequencerModule.forRoot({ processJobs: options.processJobs }),
        AuthModule,
        CryptoModule,
        BlobStoreModule,
        JobsModule,
        JobProcessingModule.forRoot({ processJobs: options.processJobs }),
        OpsModule,
        PoliciesModule,
        ClaimsModule,
        EvidenceModule,
        ReviewModule,
        ScoringModule,
        ScoringStartupModule.forRoot({ processJobs: options.processJobs }),
        ValidationModule,
        RetentionModule,
        WebhooksModule,
        GovernanceModule,
        MfaModule,
      ],
      providers: [
        DatabaseReadiness,
        { provide: APP_FILTER, useClass: HttpExceptionFilter },
        { provide: APP_INTERCEPTOR, useClass: HttpMetricsInterceptor },
        // One global guard: authentication, the per-request ability, and the route's declared policy.
        { provide: APP_GUARD, useExisting: AccessGuard },
      ],
    };
  }
}
