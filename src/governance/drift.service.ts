import { Inject, Injectable, Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Gauge } from 'prom-client';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MetricsService } from '../health/metrics.service';
import { modelHash } from '../scoring/model/model-manifest';
import { ModelRegistry } from '../scoring/model-registry.service';
import { GovernanceRepository } from './governance.repository';
import { MODEL_CHECK_KINDS } from './labelled-set';
import { histogram, psiFromCounts } from './psi';

export interface DriftReference {
  source: string;
  edges: number[];
  counts: Record<string, number[]>;
}

export interface CheckDrift {
  kind: string;
  /** Population stability index of this week's scores against the reference; null without data. */
  psi: number | null;
  alert: boolean;
  /** Scores this week. */
  n: number;
  /** Bin edges, and the share of each sample per bin (for the chart and its table). */
  edges: number[];
  reference: number[];
  current: number[];
}

export interface DriftReport {
  model: { name: string; hash: string };
  from: string;
  to: string;
  threshold: number;
  /** Where the reference comes from, or null when the model has none (run models:evaluate). */
  referenceSource: string | null;
  checks: CheckDrift[];
}

const WEEK_MS = 7 * 24 * 3600 * 1000;
const round = (value: number) => Math.round(value * 10000) / 10000;
const fractions = (counts: number[]) => {
  const total = counts.reduce((sum, count) => sum + count, 0);
  return counts.map((count) => (total === 0 ? 0 : round(count / total)));
};

/**
 * Score drift of the champion model, per model check: this week's scores (its scoring runs of the last 7
 * days) against the reference captured when the model was evaluated (`driftReference` in
 * models/NAME/model-card.json, written by models:evaluate), by population stability index. In /metrics as
 * `model_score_drift_psi{check}` and `model_score_drift_alert{check}` (1 above DRIFT_PSI_ALERT), computed at
 * scrape time.
 */
@Injectable()
export class DriftService {
  private readonly logger = new Logger('Drift');

  constructor(
    private readonly governance: GovernanceRepository,
    private readonly registry: ModelRegistry,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    const registers = [metrics.registry];
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const service = this;
    let latest: Promise<DriftReport | null> | undefined;
    const report = () => {
      // one computation per scrape for both gauges
      latest ??= service.report().catch((error: unknown) => {
        service.logger.warn(`drift not computed: ${(error as Error).message}`);
        return null;
      });
      const current = latest;
      setTimeout(() => (latest = undefined), 1000).unref();
      return current;
    };
    new Gauge<'check'>({
      name: 'model_score_drift_psi',
      help: "Population stability index of each model check's scores over the last 7 days against the model's reference.",
      labelNames: ['check'],
      registers,
      async collect() {
        this.reset();
        const drift = await report();
        for (const check of drift?.checks ?? []) if (check.psi !== null) this.set({ check: check.kind }, check.psi);
      },
    });
    new Gauge<'check'>({
      name: 'model_score_drift_alert',
      help: " 1 when a check's score drift (PSI) is above DRIFT_PSI_ALERT.",
      labelNames: ['check'],
      registers,
      async collect() {
        this.reset();
        const drift = await report();
        for (const check of drift?.checks ?? [])
          if (check.psi !== null) this.set({ check: check.kind }, check.alert ? 1 : 0);
      },
    });
  }

  /** The reference of the champion model: its model card's, when the card describes this very model. */
  reference(hash: string): DriftReference | null {
    const file = path.join(this.registry.folder, 'model-card.json');
    if (!fs.existsSync(file)) return null;
    const card = JSON.parse(fs.readFileSync(file, 'utf8')) as {
      modelDetails?: { modelHash?: string };
      driftReference?: DriftReference;
    };
    if (card.modelDetails?.modelHash !== hash || !card.driftReference) return null;
    return card.driftReference;
  }

  async report(to: Date = this.clock.now()): Promise<DriftReport> {
    const manifest = await this.registry.verify();
    const hash = modelHash(manifest);
    const from = new Date(to.getTime() - WEEK_MS);
    const reference = this.reference(hash);
    const scores = await this.governance.championScores(hash, from, to);
    const threshold = this.config.governance.driftPsiAlert;
    const edges = reference?.edges ?? Array.from({ length: 11 }, (_, index) => index / 10);
    return {
      model: { name: manifest.name, hash },
      from: from.toISOString(),
      to: to.toISOString(),
      threshold,
      referenceSource: reference?.source ?? null,
      checks: MODEL_CHECK_KINDS.map((kind) => {
        const current = histogram(
          scores.filter((row) => row.kind === kind).map((row) => row.score),
          edges,
        );
        const referenceCounts = reference?.counts[kind] ?? edges.slice(1).map(() => 0);
        const psi = reference ? psiFromCounts(referenceCounts, current) : null;
        return {
          kind,
          psi: psi === null ? null : round(psi),
          alert: psi !== null && psi > threshold,
          n: current.reduce((sum, count) => sum + count, 0),
          edges,
          reference: fractions(referenceCounts),
          current: fractions(current),
        };
      }),
    };
  }
}
