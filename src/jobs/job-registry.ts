/**
 * Every queue and every job, in one place. A job name belongs to exactly one queue; the worker
 * refuses to start when a job has no handler or two (see JobDispatcher).
 */
export enum QueueName {
  Audit = 'audit',
  Maintenance = 'maintenance',
  Scoring = 'scoring',
  /** Webhook deliveries: slow or failing endpoints wait here without holding up other work. */
  Webhooks = 'webhooks',
}

export enum JobName {
  MaintenanceProbe = 'ops.probe',
  AuditCheckpoint = 'audit.checkpoint',
  BlobSweep = 'evidence.blob-sweep',
  /** Re-embeds stored photos whose embedding was made by another model (see ScoringBackfillService). */
  ScoringBackfill = 'scoring.backfill',
  /**
   * Validates a submitted claim: scores its photos, runs the checks, decides and routes it to review
   * (ValidationService, in validation/: scoring is one step of it). Runs on the scoring queue, whose
   * concurrency bounds the model work.
   */
  ValidateClaim = 'validation.validate-claim',
  /** The daily retention run: purges what is due (PurgeService, src/retention/README.md). */
  RetentionPurge = 'retention.purge',
  /** One attempt to deliver one webhook event to one endpoint (WebhookDeliveryService, src/webhooks). */
  WebhookDeliver = 'webhooks.deliver',
  /** Scheduled: puts webhook events and due deliveries that missed the queue (Redis down at commit) on it. */
  WebhookSweep = 'webhooks.sweep',
  /**
   * Information requests past their due date without an answer: the claim goes back to review and its task to the
   * queue marked no response (InformationRequestExpiry, src/review/README.md). Repeats every
   * INFORMATION_REQUEST_EXPIRY_INTERVAL_MS.
   */
  InformationRequestExpiry = 'review.information-request-expiry',
  /** Scores a routed claim with the challenger model (SHADOW_MODEL) into shadow_scores (src/governance). */
  ShadowScore = 'governance.shadow-score',
  /** Computes an occlusion heatmap of a flagged photo on demand (src/governance). */
  OcclusionHeatmap = 'governance.occlusion-heatmap',
}

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.MaintenanceProbe]: QueueName.Maintenance,
  [JobName.AuditCheckpoint]: QueueName.Audit,
  [JobName.BlobSweep]: QueueName.Maintenance,
  [JobName.ScoringBackfill]: QueueName.Scoring,
  [JobName.ValidateClaim]: QueueName.Scoring,
  [JobName.RetentionPurge]: QueueName.Maintenance,
  [JobName.WebhookDeliver]: QueueName.Webhooks,
  [JobName.WebhookSweep]: QueueName.Webhooks,
  [JobName.InformationRequestExpiry]: QueueName.Maintenance,
  [JobName.ShadowScore]: QueueName.Scoring,
  [JobName.OcclusionHeatmap]: QueueName.Scoring,
};

/** An operator's probe (ops/): proves queue, worker, retries and audit work end to end. */
export interface MaintenanceProbeData {
  probeId: string;
  /** The first `failTimes` attempts fail on purpose: operators use it to see retries work end to end. */
  failTimes: number;
  /** Keeps the job running this long first, so operators and tests can watch a drain on SIGTERM. */
  holdMs?: number;
}

export interface BlobSweepData {
  /** Overrides the default grace period for young orphans. */
  graceMs?: number;
}

export interface ScoringBackfillData {
  /** The model the photos must be embedded by; a worker running another model skips the job. */
  modelHash: string;
}

export interface ValidateClaimData {
  claimId: string;
}

export interface WebhookDeliverData {
  deliveryId: string;
  /** The attempt this job makes (1 = first); a job whose attempt is no longer due is skipped. */
  attempt: number;
  /** `redelivery`: asked for by the endpoint's owner (the attempt runs even if the delivery succeeded). */
  trigger: 'scheduled' | 'redelivery';
}

export interface ShadowScoreData {
  claimId: string;
}

export interface OcclusionHeatmapData {
  heatmapId: string;
}

/** A job that carries nothing: the scheduled ones, whose handlers read what is due from the database. */
export type NoJobData = Record<string, never>;

/**
 * Job name → payload type. `JobQueueService.enqueue` and `@JobHandler` are typed by it, so a payload
 * of the wrong shape for its job does not compile.
 */
export interface JobPayloads {
  [JobName.MaintenanceProbe]: MaintenanceProbeData;
  [JobName.AuditCheckpoint]: NoJobData;
  [JobName.BlobSweep]: BlobSweepData;
  [JobName.ScoringBackfill]: ScoringBackfillData;
  [JobName.ValidateClaim]: ValidateClaimData;
  [JobName.RetentionPurge]: NoJobData;
  [JobName.WebhookDeliver]: WebhookDeliverData;
  [JobName.WebhookSweep]: NoJobData;
  [JobName.InformationRequestExpiry]: NoJobData;
  [JobName.ShadowScore]: ShadowScoreData;
  [JobName.OcclusionHeatmap]: OcclusionHeatmapData;
}

/** Every job as it travels: a union discriminated by `name`. */
export type AnyJobData = { [N in JobName]: { readonly name: N; readonly data: JobPayloads[N] } }[JobName];

/** Jobs that can run on a schedule: their payload may be empty. */
export type SchedulableJobName = { [N in JobName]: NoJobData extends JobPayloads[N] ? N : never }[JobName];

export const ALL_QUEUES = Object.values(QueueName);

/** What a handler reports for an expected outcome; unexpected ones throw and are retried. */
export enum JobStatus {
  Success = 'success',
  Skipped = 'skipped',
}
