import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus registry of this process and the service's own metrics. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'job_duration_seconds',
    help: 'Duration of job attempts by queue, job and status.',
    labelNames: ['queue', 'job', 'status'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
    registers: [this.registry],
  });

  readonly queueDepth = new Gauge({
    name: 'queue_jobs',
    help: 'Jobs per queue and state (read from Redis when scraped).',
    labelNames: ['queue', 'state'] as const,
    registers: [this.registry],
  });

  readonly accessDenied = new Counter({
    name: 'access_denied_total',
    help: 'Requests refused by the access rules, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  private readonly scrapeHooks: Array<() => Promise<void>> = [];

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Lets a module refresh its gauges just before a scrape (e.g. queue depths). */
  onScrape(hook: () => Promise<void>): void {
    this.scrapeHooks.push(hook);
  }

  async render(): Promise<string> {
    await Promise.allSettled(this.scrapeHooks.map((hook) => hook()));
    return this.registry.metrics();
  }
}
