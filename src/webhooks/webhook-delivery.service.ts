import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Job } from 'bull';
import { performance } from 'node:perf_hooks';
import { systemContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { JobDispatcher } from '../jobs/job-dispatcher';
import { JobHandler } from '../jobs/job-handler.decorator';
import { JobQueueService } from '../jobs/job-queue.service';
import { JobName, JobStatus, type NoJobData, type WebhookDeliverData } from '../jobs/job-registry';
import { RepeatableJobs } from '../jobs/repeatable-jobs.service';
import { retryDelayS, shouldDisable } from './delivery-rules';
import { WebhookDeliveriesRepository } from './webhook-deliveries.repository';
import { WebhookEndpointsRepository } from './webhook-endpoints.repository';
import { REDACTED_PAYLOAD, WebhookEventsRepository } from './webhook-events.repository';
import { WebhookSecrets } from './webhook-secrets';
import { webhookHeaders } from './webhook-signing';
import { parseTargetUrl, resolveTarget, WebhookTargetRefused } from './webhook-target';
import { DeliveryFailed, WebhookTransport, type DeliveryErrorClass } from './webhook-transport';

export const WEBHOOK_SWEEP_REPEAT_ID = 'webhooks.sweep.repeat';
const RELAY_BATCH = 100;
/** A pending delivery this late past its due time is put on the queue again by the sweep. */
const OVERDUE_GRACE_MS = 30_000;

interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  errorClass: DeliveryErrorClass | null;
  message: string | null;
  excerpt: string | null;
}

/**
 * Delivery of webhook events (src/webhooks/README.md), at least once:
 * - relay: undispatched outbox events → one pending delivery per subscribed endpoint → a
 *   `webhooks.deliver` job each (after the commit);
 * - deliver: checks the target again (SSRF, DNS rebinding), signs (Standard Webhooks), POSTs with
 *   connect and response time-outs, logs the attempt, and on failure schedules the next attempt from
 *   WEBHOOKS_RETRY_SCHEDULE_S, or fails the delivery when none is left; an endpoint failing without a
 *   success for WEBHOOKS_DISABLE_AFTER_DAYS is disabled, with the reason;
 * - sweep (scheduled): relays what the after-commit relay missed and re-queues overdue deliveries.
 */
@Injectable()
export class WebhookDeliveryService implements OnApplicationBootstrap {
  private readonly logger = new Logger('WebhookDelivery');

  constructor(
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly jobs: JobQueueService,
    private readonly repeatable: RepeatableJobs,
    private readonly moduleRef: ModuleRef,
    private readonly endpoints: WebhookEndpointsRepository,
    private readonly events: WebhookEventsRepository,
    private readonly deliveries: WebhookDeliveriesRepository,
    private readonly secrets: WebhookSecrets,
    private readonly transport: WebhookTransport,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.repeatable.keep(
      JobName.WebhookSweep,
      { every: this.config.webhooks.sweepIntervalMs },
      { jobId: WEBHOOK_SWEEP_REPEAT_ID },
    );
    const dispatcher = this.dispatcher();
    if (!dispatcher) return;
    dispatcher.onReconnected(() => this.sweep().then(() => undefined));
    await this.sweep().catch((error: unknown) =>
      this.logger.warn({ err: error }, 'the start-up webhook sweep failed; the schedule retries'),
    );
  }

  /** Fans undispatched events out to their endpoints and queues the first attempts. Returns the deliveries created. */
  async relay(): Promise<number> {
    let created = 0;
    for (;;) {
      const batch = await this.audit.run(systemContext('webhooks.relay'), async (tx) => {
        const events = await this.events.lockUndispatched(tx.manager, RELAY_BATCH);
        const now = this.clock.now();
        const ids: string[] = [];
        for (const event of events) {
          const subscribers = await this.endpoints.subscribers(
            tx.manager,
            event.client_id,
            event.type,
            new Date(event.occurred_at),
          );
          ids.push(
            ...(await this.deliveries.insertPending(
              tx.manager,
              event.id,
              subscribers.map((row) => row.id),
              now,
            )),
          );
        }
        await this.events.markDispatched(
          tx.manager,
          events.map((event) => event.id),
          now,
        );
        return { events: events.length, ids };
      });
      for (const id of batch.ids) await this.enqueue(id, 1, 'scheduled', 0);
      created += batch.ids.length;
      if (batch.events < RELAY_BATCH) return created;
    }
  }

  /** Relays missed events and re-queues deliveries whose attempt is overdue. */
  async sweep(): Promise<{ relayed: number; requeued: number }> {
    const relayed = await this.relay();
    const overdue = await this.deliveries.overdue(new Date(this.clock.nowMs() - OVERDUE_GRACE_MS), 500);
    for (const delivery of overdue) await this.enqueue(delivery.id, delivery.attempts + 1, 'scheduled', 0);
    return { relayed, requeued: overdue.length };
  }

  @JobHandler(JobName.WebhookSweep)
  async handleSweep(_job: Job<NoJobData>): Promise<JobStatus> {
    await this.sweep();
    return JobStatus.Success;
  }

  /** Queues attempt `attempt` of a delivery; the job id makes a second enqueue of the same attempt a no-op. */
  async enqueue(deliveryId: string, attempt: number, trigger: WebhookDeliverData['trigger'], delayMs: number) {
    await this.jobs.enqueue(
      JobName.WebhookDeliver,
      { deliveryId, attempt, trigger },
      {
        jobId: `webhook:${deliveryId}:${attempt}`,
        delay: delayMs,
        // Retries of the job itself cover a database hiccup; the delivery's own retries are its schedule.
        attempts: 3,
      },
    );
  }

  @JobHandler(JobName.WebhookDeliver)
  async handleDeliver(job: Job<WebhookDeliverData>): Promise<JobStatus> {
    const { deliveryId, attempt, trigger } = job.data;
    const context = systemContext(JobName.WebhookDeliver, job.id);
    const work = await this.deliveries.work(deliveryId);
    if (!work || work.status !== 'pending' || work.attempts + 1 !== attempt) return JobStatus.Skipped;
    const endpoint = await this.endpoints.find(work.endpoint_id);
    if (!endpoint) return JobStatus.Skipped;
    // Disabled meanwhile, or the event's payload was redacted when retention purged its claim: nothing to send.
    if (!endpoint.enabled || work.payload === REDACTED_PAYLOAD) {
      await this.audit.run(context, async (tx) => {
        await this.deliveries.markFailedAttempt(tx.manager, deliveryId, work.attempts, null);
      });
      return JobStatus.Skipped;
    }

    const at = this.clock.now();
    const outcome = await this.attempt(
      work.url,
      work.event_id,
      work.payload,
      await this.secrets.signingKeys(endpoint, at),
      at,
    );

    let next: number | null = null;
    await this.audit.run(context, async (tx) => {
      const locked = await this.deliveries.work(deliveryId, tx.manager);
      if (!locked || locked.status !== 'pending' || locked.attempts + 1 !== attempt) return;
      await this.deliveries.insertAttempt(tx.manager, {
        delivery_id: deliveryId,
        attempt,
        trigger,
        attempted_at: at,
        status_code: outcome.statusCode,
        latency_ms: outcome.latencyMs,
        error_class: outcome.errorClass,
        response_excerpt: outcome.excerpt,
      });
      if (outcome.ok) {
        await this.deliveries.markDelivered(tx.manager, deliveryId, attempt, at);
        await this.endpoints.recordSuccess(tx.manager, endpoint.id, at);
        return;
      }
      const schedule = this.config.webhooks.retryScheduleS;
      const failingSince = await this.endpoints.recordFailure(
        tx.manager,
        endpoint.id,
        at,
        `${outcome.errorClass}: ${outcome.message}`,
      );
      const days = this.config.webhooks.disableAfterDays;
      const disable = shouldDisable(failingSince ? new Date(failingSince) : null, at, days);
      if (disable) {
        const reason = `deliveries failed continuously since ${new Date(failingSince!).toISOString()} (more than ${days} days); last error: ${outcome.errorClass}: ${outcome.message}`;
        await this.endpoints.disable(tx.manager, endpoint.id, at, reason);
        tx.record({
          action: 'webhook.endpoint_disabled',
          resourceType: 'WebhookEndpoint',
          resourceId: endpoint.id,
          details: { clientId: endpoint.client_id, failingSince, errorClass: outcome.errorClass, days },
        });
      }
      const delayS = disable ? null : retryDelayS(attempt, schedule);
      await this.deliveries.markFailedAttempt(
        tx.manager,
        deliveryId,
        attempt,
        delayS === null ? null : new Date(at.getTime() + delayS * 1000),
      );
      if (delayS === null) {
        tx.record({
          action: 'webhook.delivery_failed',
          resourceType: 'WebhookEndpoint',
          resourceId: endpoint.id,
          details: { deliveryId, eventId: work.event_id, attempts: attempt, errorClass: outcome.errorClass },
        });
      } else next = delayS;
    });
    if (next !== null) {
      const delayMs = (next as number) * 1000;
      await this.enqueue(deliveryId, attempt + 1, 'scheduled', delayMs).catch((error: unknown) =>
        this.logger.warn({ err: error, deliveryId }, 'could not queue the next webhook attempt; the sweep will'),
      );
    }
    this.logger.log(
      { deliveryId, endpointId: endpoint.id, attempt, statusCode: outcome.statusCode, errorClass: outcome.errorClass },
      'webhook attempt',
    );
    return JobStatus.Success;
  }

  private async attempt(rawUrl: string, id: string, body: string, keys: Buffer[], at: Date): Promise<AttemptOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const allowList = this.config.webhooks.allowedHosts;
    try {
      const url = parseTargetUrl(rawUrl, allowList);
      const target = await resolveTarget(url, allowList, this.transport.resolver);
      const response = await this.transport.post(url, target, webhookHeaders(keys, id, at, body), body, {
        connectTimeoutMs: this.config.webhooks.connectTimeoutMs,
        responseTimeoutMs: this.config.webhooks.responseTimeoutMs,
      });
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      return {
        ok,
        statusCode: response.statusCode,
        latencyMs: elapsed(),
        errorClass: ok ? null : 'http_status',
        message: ok ? null : `answered ${response.statusCode}`,
        excerpt: response.excerpt || null,
      };
    } catch (error) {
      const errorClass: DeliveryErrorClass =
        error instanceof WebhookTargetRefused
          ? error.reason === 'unresolvable'
            ? 'unresolvable'
            : error.reason === 'address'
              ? 'address_refused'
              : 'invalid_url'
          : error instanceof DeliveryFailed
            ? error.errorClass
            : 'connection_error';
      return {
        ok: false,
        statusCode: error instanceof DeliveryFailed ? error.statusCode : null,
        latencyMs: elapsed(),
        errorClass,
        message: error instanceof Error ? error.message : String(error),
        excerpt: null,
      };
    }
  }

  private dispatcher(): JobDispatcher | null {
    try {
      return this.moduleRef.get(JobDispatcher, { strict: false });
    } catch {
      return null;
    }
  }
}
