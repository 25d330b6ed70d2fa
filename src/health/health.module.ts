import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';
import { MetricsService } from './metrics.service';
import { ReadinessService } from './readiness.service';

/** Readiness checks and Prometheus metrics; modules register their checks and collectors here. */
@Module({
  controllers: [HealthController],
  providers: [MetricsService, ReadinessService],
  exports: [MetricsService, ReadinessService],
})
export class HealthModule {}
