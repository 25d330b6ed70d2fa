import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AuditContext } from '../audit/audit-context';
import { AuditService, type AuditedTransaction } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { emailDigest, randomToken, sha256Hex } from './secrets';
import { TokenService } from './token.service';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { toUserView } from './users.service';
import { MfaChallengeView, TokenPair } from './auth.views';
export { TokenPair, MfaChallengeView };

/** What a correct password gets: a session, or a second-factor challenge first. */
export type LoginOutcome = { session: TokenPair } | { challenge: MfaChallengeView };

export class TooManyLoginAttempts extends HttpException {
  constructor(readonly retryAfterS: number) {
    super('too many failed logins; try again later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

const INVALID_LOGIN = 'invalid email or password';

/** Login (then a second factor where needed: src/mfa), refresh-token rotation (reuse revokes the family), logout. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersRepository,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(context: AuditContext, emailInput: string, password: string): Promise<LoginOutcome> {
    const email = emailInput.trim().toLowerCase();
    const digest = emailDigest(email);
    const ip = context.sourceIp ?? 'unknown';
    // Counted before the password is checked, atomically: concurrent guesses cannot exceed the limit.
    const state = await this.throttle.reserve(digest, ip);
    if (!state.allowed) {
      await this.audit.record(context, {
        action: 'auth.login_failed',
        resourceType: 'User',
        details: { emailDigest: digest, reason: 'throttled' },
      });
      throw new TooManyLoginAttempts(state.retryAfterS);
    }
    const user = await this.users.findByEmail(email);
    const valid = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(password);
    if (!user || !valid || user.disabledAt) {
      const delayMs = this.throttle.failureDelayMs(state.attempt);
      await this.audit.record(context, {
        action: 'auth.login_failed',
        resourceType: 'User',
        details: { emailDigest: digest, reason: 'invalid_credentials' },
      });
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      throw new UnauthorizedException(INVALID_LOGIN);
    }
    await this.throttle.succeed(digest, ip);
    const step = user.totpEnabledAt ? 'code' : this.mfaRequiredFor(user) ? 'enrol' : undefined;
    if (step) {
      const mfaToken = await this.tokens.signChallenge({ sub: user.id, step, gen: user.sessionGeneration });
      await this.audit.record(
        { ...context, actorType: 'user', actorId: user.id },
        { action: 'auth.password_verified', resourceType: 'User', resourceId: user.id, details: { next: step } },
      );
      return { challenge: { mfa: step, mfaToken, expiresIn: this.tokens.challengeTtlS } };
    }
    return { session: await this.startSession(context, user, 'password') };
  }

  /** Whether the user's role must sign in with a second factor (MFA_REQUIRED_ROLES). */
  mfaRequiredFor(user: Pick<User, 'role'>): boolean {
    return this.config.auth.mfaRequiredRoles.includes(user.role);
  }

  /** A full session for a user whose credentials were checked (password, and the second factor where needed). */
  async startSession(
    context: AuditContext,
    user: User,
    method: 'password' | 'totp' | 'recovery_code',
  ): Promise<TokenPair> {
    const userContext: AuditContext = { ...context, actorType: 'user', actorId: user.id };
    return this.audit.run(userContext, async (tx) => {
      const pair = await this.issue(tx, user, randomUUID());
      await this.users.update(tx.manager, user.id, { lastLoginAt: this.clock.now() });
      tx.record({
        action: 'auth.login_succeeded',
        resourceType: 'User',
        resourceId: user.id,
        details: { role: user.role, method },
      });
      return pair;
    });
  }

  /**
   * Sign out everywhere: every refresh token of the user is revoked and the session generation moves
   * on, so every access token already issued is refused on its next request.
   */
  async signOutEverywhere(context: AuditContext, userId: string): Promise<void> {
    await this.audit.run(context, async (tx) => {
      const now = this.clock.now();
      const revoked = await this.refreshTokens.revokeAllOfUser(tx.manager, userId, now);
      const generation = await this.users.bumpSessionGeneration(tx.manager, userId);
      tx.record({
        action: 'auth.signed_out_everywhere',
        resourceType: 'User',
        resourceId: userId,
        details: { sessionsRevoked: revoked, sessionGeneration: generation },
      });
    });
  }

  /** One use per refresh token: a second use is theft or a bug, and revokes every token of its family. */
  async refresh(context: AuditContext, presented: string): Promise<TokenPair> {
    const tokenHash = sha256Hex(presented);
    const outcome = await this.audit.run(context, async (tx) => {
      const token = await this.refreshTokens.findByHash(tx.manager, tokenHash, true);
      if (!token) return { error: 'invalid refresh token' } as const;
      const now = this.clock.now();
      if (token.usedAt || token.revokedAt) {
        const revoked = await this.revokeFamily(tx, token.familyId, now);
        tx.record({
          action: 'auth.refresh_reuse_detected',
          resourceType: 'User',
          resourceId: token.userId,
          details: { familyId: token.familyId, tokensRevoked: revoked },
        });
        return { error: 'refresh token already used; its session is revoked' } as const;
      }
      if (token.expiresAt.getTime() <= now.getTime()) return { error: 'refresh token expired' } as const;
      const user = await this.users.findById(token.userId, tx.manager);
      if (!user || user.disabledAt) return { error: 'invalid refresh token' } as const;
      await this.refreshTokens.markUsed(tx.manager, token.id, now);
      const pair = await this.issue(tx, user, token.familyId);
      tx.record({
        action: 'auth.token_refreshed',
        resourceType: 'User',
        resourceId: user.id,
        details: { familyId: token.familyId },
      });
      return { pair } as const;
    });
    if ('error' in outcome) throw new UnauthorizedException(outcome.error);
    return outcome.pair;
  }

  /** Revokes the session (the refresh token's family). Unknown tokens answer the same, to leak nothing. */
  async logout(context: AuditContext, presented: string): Promise<void> {
    const tokenHash = sha256Hex(presented);
    await this.audit.run(context, async (tx) => {
      const token = await this.refreshTokens.findByHash(tx.manager, tokenHash);
      if (!token) return;
      const revoked = await this.revokeFamily(tx, token.familyId, this.clock.now());
      tx.record({
        action: 'auth.logout',
        resourceType: 'User',
        resourceId: token.userId,
        details: { familyId: token.familyId, tokensRevoked: revoked },
      });
    });
  }

  private async revokeFamily(tx: AuditedTransaction, familyId: string, now: Date): Promise<number> {
    return this.refreshTokens.revokeFamily(tx.manager, familyId, now);
  }

  private async issue(tx: AuditedTransaction, user: User, familyId: string): Promise<TokenPair> {
    const refreshToken = randomToken(32);
    await this.refreshTokens.insert(tx.manager, {
      userId: user.id,
      familyId,
      tokenHash: sha256Hex(refreshToken),
      expiresAt: new Date(this.clock.nowMs() + this.config.auth.refreshTtlS * 1000),
    });
    const accessToken = await this.tokens.signAccess({
      sub: user.id,
      role: user.role,
      team: user.team,
      email: user.email,
      sid: familyId,
      gen: user.sessionGeneration,
    });
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.accessTtlS,
      user: toUserView(user),
    };
  }
}
