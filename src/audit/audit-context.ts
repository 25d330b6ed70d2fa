import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AppAbility } from '../common/access.decorators';
import type { Actor } from '../common/actor';
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

/** The caller of a guarded route: who (`actor`), what they may do (`ability`), and the `audit` context of their changes. */
export interface Caller {
  readonly actor: Actor;
  readonly ability: AppAbility;
  readonly audit: AuditContext;
}

/**
 * The route's Caller, in one parameter: `@Caller() { actor, audit }: Caller`. Only behind the access guard,
 * which sets the actor and ability (a @Public route has neither: use @AuditCtx there).
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): Caller => {
  const request = context.switchToHttp().getRequest<AccessRequest>();
  const { actor, ability } = request;
  if (!actor || !ability) throw new Error('@Caller() on a route the access guard did not authenticate');
  return { actor, ability, audit: auditContextOf(request) };
});
