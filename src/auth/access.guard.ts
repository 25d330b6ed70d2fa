import {
  ForbiddenException,
  Injectable,
  InternalServerErrorException,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuditService } from '../audit/audit.service';
import { MetricsService } from '../health/metrics.service';
import { AbilityFactory } from './ability.factory';
import { PUBLIC_ROUTE, ROUTE_POLICY, type AccessAction, type AccessSubject } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { ApiClientsService } from './api-clients.service';
import { justificationOf, type AccessRequest } from '../common/request-context';
import { TransactionRunner } from '../database/transaction-runner';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenService } from './token.service';
import { UsersService } from './users.service';
import { auditContextOf } from '../audit/audit-context';

export const NO_POLICY_MESSAGE = 'route declares no access policy';

class AuthenticationFailed extends Error {}

/**
 * The one global guard: every route must be `@Public()` or declare `@RequirePolicy()`; the caller is
 * authenticated (Bearer JWT or X-API-Key, checked against the database on every request: the account
 * must be enabled and the token's session not revoked), gets an
 * ability from the AbilityFactory, and must be allowed the route's action on its subject type.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger('AccessGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly users: UsersService,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly transactions: TransactionRunner,
    private readonly apiClients: ApiClientsService,
    private readonly abilities: AbilityFactory,
    private readonly audit: AuditService,
    private readonly metrics: MetricsService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<AccessRequest>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true;
    const policy = this.reflector.getAllAndOverride<{ action: AccessAction; subject: AccessSubject } | undefined>(
      ROUTE_POLICY,
      targets,
    );
    if (!isPublic && !policy) {
      this.logger.error({ method: request.method, route: this.routeOf(request) }, NO_POLICY_MESSAGE);
      this.metrics.accessDenied.inc({ reason: 'no_policy' });
      throw new InternalServerErrorException(NO_POLICY_MESSAGE);
    }

    let actor: Actor | undefined;
    try {
      actor = await this.authenticate(request);
    } catch (error) {
      if (!(error instanceof AuthenticationFailed) && !(error instanceof UnauthorizedException)) throw error;
      if (!isPublic) {
        await this.deny(request, 'invalid_credentials', 401);
        throw error instanceof UnauthorizedException ? error : new UnauthorizedException(error.message);
      }
    }
    request.actor = actor;
    request.ability = this.abilities.createForActor(actor, { justification: justificationOf(request) });
    if (isPublic) return true;
    if (!actor) {
      // No credential at all: counted, not audited (anonymous scans would flood the chain).
      this.metrics.accessDenied.inc({ reason: 'unauthenticated' });
      throw new UnauthorizedException('authentication required');
    }
    if (!request.ability.can(policy!.action, policy!.subject)) {
      await this.deny(request, 'forbidden', 403, policy);
      throw new ForbiddenException('not allowed for your role');
    }
    return true;
  }

  private async authenticate(request: AccessRequest): Promise<Actor | undefined> {
    const authorization = request.headers.authorization;
    const apiKeyHeader = request.headers['x-api-key'];
    const apiKey = Array.isArray(apiKeyHeader) ? apiKeyHeader[0] : apiKeyHeader;
    if (authorization && apiKey) throw new AuthenticationFailed('send one credential: Authorization or X-API-Key');
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      if (!match) throw new AuthenticationFailed('Authorization must be "Bearer <token>"');
      const claims = await this.tokens.verifyAccess(match[1]);
      // Logout or a detected refresh-token reuse ends the session's access tokens at once, not at expiry.
      if (claims.sid && (await this.refreshTokens.isFamilyRevoked(this.transactions.manager, claims.sid)))
        throw new AuthenticationFailed('session revoked: log in again');
      // The account must still exist and be enabled; role and team come from the database, not the token.
      const user = await this.users.findActive(claims.sub);
      if (!user) throw new AuthenticationFailed('invalid access token');
      // "Sign out everywhere", a new password or deactivation moved the generation on: older tokens end now.
      if ((claims.gen ?? 0) !== user.sessionGeneration) throw new AuthenticationFailed('session ended: sign in again');
      return { kind: 'user', id: user.id, role: user.role, team: user.team, email: user.email };
    }
    if (apiKey !== undefined) {
      const actor = await this.apiClients.authenticate(apiKey);
      if (!actor) throw new AuthenticationFailed('invalid API key');
      return actor;
    }
    return undefined;
  }

  private routeOf(request: AccessRequest): string {
    return `${request.baseUrl ?? ''}${(request.route as { path?: string } | undefined)?.path ?? request.path}`;
  }

  private async deny(
    request: AccessRequest,
    reason: string,
    status: number,
    policy?: { action: AccessAction; subject: AccessSubject },
  ): Promise<void> {
    this.metrics.accessDenied.inc({ reason });
    this.logger.debug({ method: request.method, route: this.routeOf(request), reason, status }, 'access denied');
    try {
      await this.audit.record(auditContextOf(request), {
        action: 'access.denied',
        resourceType: policy?.subject ?? null,
        details: {
          route: this.routeOf(request),
          method: request.method,
          reason,
          status,
          ...(policy ? { policyAction: policy.action } : {}),
        },
      });
    } catch (error) {
      this.logger.error({ err: error }, 'could not record access.denied');
    }
  }
}
