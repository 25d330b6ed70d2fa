import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { AppAbility } from './access.decorators';
import type { Actor } from './actor';

/** The request as the access guard leaves it. */
export interface AccessRequest extends Request {
  actor?: Actor;
  ability?: AppAbility;
}

const JUSTIFICATION_MAX = 1000;

export function justificationOf(request: Request): string | null {
  const raw = request.headers['x-access-justification'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value.slice(0, JUSTIFICATION_MAX) : null;
}

export function requestIdOf(request: AccessRequest): string | null {
  const id = (request as { id?: unknown }).id;
  if ((typeof id === 'string' && id !== '') || typeof id === 'number') return String(id);
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && header ? header.slice(0, 100) : null;
}

/** The authenticated caller (undefined only on public routes). */
export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor | undefined => {
  return context.switchToHttp().getRequest<AccessRequest>().actor;
});
