import { Inject, Injectable, Logger, Module, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { BlobStoreModule } from '../evidence/blob-store.module';
import { HealthModule } from '../health/health.module';
import { ReadinessService } from '../health/readiness.service';
import { JobsModule } from '../jobs/jobs.module';
import { ModelRegistry, oneLine } from './model-registry.service';
import { ScoringBackfillService } from './scoring-backfill.service';
import { ScoringController } from './scoring.controller';
import { ScoringMetrics } from './scoring-metrics';
import { ScoringStatusService } from './scoring-status.service';
import { ScoringService } from './scoring.service';
import { TextEmbeddingRepository } from './text-embedding.repository';
import { TextEmbeddingService } from './text-embedding.service';
import { ClaimsModule } from '../claims/claims.module';

export const SCORING_OPTIONS = Symbol('SCORING_OPTIONS');

export interface ScoringModuleOptions {
  /** This process runs jobs (and so scoring): preload the model at start. */
  readonly processJobs: boolean;
}

/**
 * How the model is brought up, by process kind:
 * - a worker (jobs, no HTTP): loads the model before it takes jobs; a corrupt or wrongly hashed
 *   model stops it (app.init rejects; worker.ts prints one line and exits 1);
 * - `npm start` (HTTP + jobs): loads it in the background; when that fails the API stays up and
 *   `/health/ready` reports the model not ready;
 * - an API process: verifies the model's files in the background, for readiness, without loading it.
 */
@Injectable()
export class ScoringStartup implements OnApplicationBootstrap {
  private readonly logger = new Logger('Scoring');

  constructor(
    @Inject(SCORING_OPTIONS) private readonly options: ScoringModuleOptions,
    private readonly registry: ModelRegistry,
    private readonly readiness: ReadinessService,
    private readonly metrics: ScoringMetrics,
    private readonly backfill: ScoringBackfillService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.readiness.register('model', async () => {
      const state = this.registry.state;
      switch (state.state) {
        case 'loaded':
          return { ok: true, detail: `${state.name} on ${state.provider}` };
        case 'verified':
          return { ok: true, detail: `${state.name} verified` };
        case 'failed':
          return { ok: false, detail: state.error };
        default:
          return { ok: false, detail: `model ${state.state}` };
      }
    });
    const hasHttp = Boolean(this.adapterHost.httpAdapter);
    if (!this.options.processJobs) {
      this.registry
        .verify()
        .catch((error: unknown) => this.logger.error(`CLIP model is not usable: ${oneLine(error)}`));
      return;
    }
    const preload = this.preload();
    if (hasHttp) {
      preload.catch((error: unknown) =>
        this.logger.error(`${oneLine(error)}; the API stays up, /health/ready reports the model not ready`),
      );
      return;
    }
    await preload; // a worker without its model must not start: the error ends the process
  }

  private async preload(): Promise<void> {
    try {
      const model = await this.registry.get();
      this.metrics.modelInfo.set(
        { model: model.manifest.name, hash: model.hash, provider: model.provider, state: 'loaded' },
        1,
      );
      // Warm the sessions so the first real request does not pay the first-run cost.
      await model.embedTexts(['a photo']);
      if (await this.backfill.enqueueIfStale(model.hash).catch(() => false))
        this.logger.log({ modelHash: model.hash }, 'photos embedded by another model: backfill enqueued');
    } catch (error) {
      this.metrics.modelInfo.set({ model: '', hash: '', provider: '', state: 'failed' }, 1);
      throw error;
    }
  }
}

/**
 * The CLIP model and scoring: one model registry and one micro-batcher per process (a static module,
 * so every importer shares them). Whether the model is loaded at start depends on the process kind:
 * AppModule imports ScoringStartupModule.forRoot for that.
 */
@Module({
  imports: [BlobStoreModule, ClaimsModule, HealthModule, JobsModule],
  controllers: [ScoringController],
  providers: [
    ModelRegistry,
    ScoringMetrics,
    TextEmbeddingRepository,
    TextEmbeddingService,
    ScoringService,
    ScoringBackfillService,
    ScoringStatusService,
  ],
  exports: [ModelRegistry, ScoringMetrics, ScoringBackfillService, ScoringService, TextEmbeddingService],
})
export class ScoringModule {}

/** Brings the model up as the process kind requires (ScoringStartup). */
@Module({})
export class ScoringStartupModule {
  static forRoot(options: ScoringModuleOptions): DynamicModule {
    return {
      module: ScoringStartupModule,
      imports: [HealthModule, ScoringModule],
      providers: [{ provide: SCORING_OPTIONS, useValue: options }, ScoringStartup],
    };
  }
}
