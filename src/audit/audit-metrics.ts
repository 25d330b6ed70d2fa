import { Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { TransactionRunner } from '../database/transaction-runner';
import { MetricsService } from '../health/metrics.service';
import { countUnsequenced, unsequencedAgeSeconds } from './audit-log.repository';

/** The audit log's Prometheus gauges, read from the database when scraped. */
@Injectable()
export class AuditMetrics {
  readonly unsequencedAge: Gauge;
  readonly unsequenced: Gauge;

  constructor(metrics: MetricsService, transactions: TransactionRunner) {
    const registers = [metrics.registry];
    this.unsequencedAge = new Gauge({
      name: 'audit_unsequenced_age_seconds',
      help: 'Age of the oldest audit event that has no log index yet (0 when the sequencer is caught up).',
      registers,
    });
    this.unsequenced = new Gauge({
      name: 'audit_unsequenced_events',
      help: 'Audit events written but not yet given a log index by the sequencer.',
      registers,
    });
    metrics.onScrape(async () => {
      this.unsequencedAge.set(await unsequencedAgeSeconds(transactions.manager));
      this.unsequenced.set(await countUnsequenced(transactions.manager));
    });
  }
}
