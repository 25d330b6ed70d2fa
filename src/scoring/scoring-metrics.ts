import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../health/metrics.service';

/** The scoring engine's Prometheus metrics, in the process's registry. */
@Injectable()
export class ScoringMetrics {
  readonly batchSize: Histogram<string>;
  readonly batchDuration: Histogram<string>;
  readonly modelInfo: Gauge<'model' | 'hash' | 'provider' | 'state'>;
  readonly backfillDone: Gauge<'model'>;
  readonly backfillTotal: Gauge<'model'>;
  readonly backfillFailed: Gauge<'model'>;
  readonly backfillRate: Gauge<'model'>;
  readonly backfillEta: Gauge<'model'>;
  readonly textCache: Counter<'source'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.batchSize = new Histogram({
      name: 'clip_image_batch_size',
      help: 'Photos per CLIP vision inference batch.',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    });
    this.batchDuration = new Histogram({
      name: 'clip_image_batch_seconds',
      help: 'Duration of CLIP vision inference batches.',
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.modelInfo = new Gauge({
      name: 'clip_model_info',
      help: 'The CLIP model of this process (1 for the current state).',
      labelNames: ['model', 'hash', 'provider', 'state'],
      registers,
    });
    /** The backfill's progress gauges: one series per model it re-embeds for. */
    const backfillGauge = (name: string, help: string) =>
      new Gauge<'model'>({ name, help, labelNames: ['model'], registers });
    this.backfillDone = backfillGauge('scoring_backfill_done', 'Photos re-embedded by the running or last backfill.');
    this.backfillTotal = backfillGauge(
      'scoring_backfill_total',
      'Photos the running or last backfill had to re-embed.',
    );
    this.backfillFailed = backfillGauge(
      'scoring_backfill_failed',
      'Photos the running or last backfill could not re-embed.',
    );
    this.backfillRate = backfillGauge(
      'scoring_backfill_photos_per_second',
      'Re-embedding rate of the running backfill.',
    );
    this.backfillEta = backfillGauge('scoring_backfill_eta_seconds', 'Estimated seconds left in the running backfill.');
    this.textCache = new Counter({
      name: 'clip_text_embeddings_total',
      help: 'Prompt embeddings served, by source (memory, database, computed).',
      labelNames: ['source'],
      registers,
    });
  }
}
