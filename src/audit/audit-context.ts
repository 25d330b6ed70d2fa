import type { ActorType } from './audit-event.entity';

/** Who acts, and from where: built once per request (or job) and passed to every audited change. */
export interface AuditContext {
  readonly actorType: ActorType;
  readonly actorId: string | null;
  readonly requestId?: string | null;
  readonly sourceIp?: string | null;
  readonly justification?: string | null;
}

export const SYSTEM_CONTEXT: AuditContext = { actorType: 'system', actorId: 'system' };

export function systemContext(job: string, jobId?: string | number): AuditContext {
  return { actorType: 'system', actorId: `job:${job}`, requestId: jobId === undefined ? null : `job-${jobId}` };
}

export interface AuditEventInput {
  readonly action: string;
  readonly resourceType?: string | null;
  readonly resourceId?: string | null;
  readonly details?: Record<string, unknown>;
  /** Overrides the context's justification for this event. */
  readonly justification?: string | null;
}
