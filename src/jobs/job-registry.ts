/**
 * Every queue and every job, in one place. A job name belongs to exactly one queue; the worker
 * refuses to start when a job has no handler or two (see JobDispatcher).
 */
export enum QueueName {
  Audit = 'audit',
  Maintenance = 'maintenance',
  Scoring = 'scoring',
}

export enum JobName {
  MaintenanceProbe = 'maintenance.probe',
  AuditCheckpoint = 'audit.checkpoint',
  BlobSweep = 'maintenance.blob-sweep',
  /** Re-embeds stored photos whose embedding was made by another model (see ScoringBackfillService). */
  ScoringBackfill = 'scoring.backfill',
  /** Scores a submitted claim and routes it (ValidationService). */
  ScoreClaim = 'scoring.score-claim',
  /** The daily retention run: purges what is due (PurgeService, src/retention/README.md). */
  RetentionPurge = 'retention.purge',
}

export const JOB_QUEUE: Readonly<Record<JobName, QueueName>> = {
  [JobName.MaintenanceProbe]: QueueName.Maintenance,
  [JobName.AuditCheckpoint]: QueueName.Audit,
  [JobName.BlobSweep]: QueueName.Maintenance,
  [JobName.ScoringBackfill]: QueueName.Scoring,
  [JobName.ScoreClaim]: QueueName.Scoring,
  [JobName.RetentionPurge]: QueueName.Maintenance,
};

export const ALL_QUEUES = Object.values(QueueName);

/** What a handler reports for an expected outcome; unexpected ones throw and are retried. */
export enum JobStatus {
  Success = 'success',
  Skipped = 'skipped',
}
