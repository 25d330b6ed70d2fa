import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { justificationOf, requestIdOf, type AccessRequest } from '../common/request-context';
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

/** The AuditContext of a request: who (or anonymous), request id, source IP and justification. */
export function auditContextOf(request: AccessRequest): AuditContext {
  const actor = request.actor;
  return {
    actorType: actor ? (actor.kind === 'user' ? 'user' : 'api_client') : 'anonymous',
    actorId: actor?.id ?? null,
    requestId: requestIdOf(request),
    sourceIp: request.ip ?? request.socket?.remoteAddress ?? null,
    justification: justificationOf(request),
  };
}

/** The AuditContext to pass to `AuditService.run` for a change made by this request. */
export const AuditCtx = createParamDecorator((_data: unknown, context: ExecutionContext): AuditContext => {
  return auditContextOf(context.switchToHttp().getRequest<AccessRequest>());
});
