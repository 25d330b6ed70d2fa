import {
  BadRequestException,
  ConflictException,
  HttpException,
  HttpStatus,
  Injectable,
  NotFoundException,
  UnauthorizedException,
} from '@nestjs/common';
import * as QRCode from 'qrcode';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { AuthService, TokenPair } from '../auth/auth.service';
import { LoginThrottle } from '../auth/login-throttle.service';
import { emailDigest } from '../auth/secrets';
import { TokenService } from '../auth/token.service';
import type { User } from '../auth/user.entity';
import { UsersRepository } from '../auth/users.repository';
import { Clock } from '../common/clock';
import type { Actor } from '../common/actor';
import { EnvelopeCrypto } from '../crypto/envelope-crypto';
import { MfaEnrolledView, TotpEnrolmentView } from './mfa.views';
import { RecoveryCodesRepository } from './recovery-codes.repository';
import { base32, checkTotp, looksLikeRecoveryCode, newRecoveryCodes, otpauthUrl, recoveryCodeHash } from './totp';

export class TooManyCodeAttempts extends HttpException {
  constructor(readonly retryAfterS: number) {
    super('too many wrong codes; try again later', HttpStatus.TOO_MANY_REQUESTS);
  }
}

/**
 * TOTP second factor: enrolment (secret, QR code, confirmation code, recovery codes), the code step of
 * a sign-in, and an admin's reset. The secret is a 32-byte data key of the envelope scheme
 * (src/crypto), stored only wrapped by the master key ring; it is in clear only in memory and in the
 * one enrolment answer.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly users: UsersRepository,
    private readonly recovery: RecoveryCodesRepository,
    private readonly envelope: EnvelopeCrypto,
    private readonly audit: AuditService,
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    private readonly throttle: LoginThrottle,
    private readonly clock: Clock,
  ) {}

  /** The person behind a challenge token (of the given step) or a signed-in caller. */
  async resolve(mfaToken: string | undefined, actor: Actor | undefined, step: 'code' | 'enrol'): Promise<User> {
    let userId: string;
    let generation: number | undefined;
    if (mfaToken) {
      const claims = await this.tokens.verifyChallenge(mfaToken);
      if (claims.step !== step) throw new UnauthorizedException('this sign-in challenge is for another step');
      userId = claims.sub;
      generation = claims.gen;
    } else if (actor?.kind === 'user' && step === 'enrol') {
      userId = actor.id;
    } else {
      throw new BadRequestException('send the sign-in challenge token (mfaToken), or sign in first');
    }
    const user = await this.users.findById(userId);
    if (!user || user.disabledAt || (generation !== undefined && generation !== user.sessionGeneration))
      throw new UnauthorizedException('sign-in challenge expired or invalid: sign in again');
    return user;
  }

  async startEnrolment(context: AuditContext, user: User): Promise<TotpEnrolmentView> {
    if (user.totpEnabledAt) throw new ConflictException('two-factor sign-in is already set up for this account');
    const { dataKey, wrappedDataKey, keyVersion } = await this.envelope.newDataKey();
    const secret = base32(dataKey);
    dataKey.fill(0);
    await this.audit.run({ ...context, actorType: 'user', actorId: user.id }, async (tx) => {
      await this.users.setPendingTotp(tx.manager, user.id, wrappedDataKey, keyVersion);
      tx.record({
        action: 'mfa.enrolment_started',
        resourceType: 'User',
        resourceId: user.id,
        details: { keyVersion },
      });
    });
    const url = otpauthUrl(user.email, secret);
    // PNG as a data: URL: the page's CSP allows data: images, and an <img> needs no script or extra request.
    const qrCode = await QRCode.toDataURL(url, { errorCorrectionLevel: 'M', margin: 2, width: 232 });
    return { secret, otpauthUrl: url, qrCode };
  }

  /**
   * Confirms a pending enrolment with a code from the app; returns new recovery codes (once) and, when
   * this finished a sign-in, the session.
   */
  async confirmEnrolment(
    context: AuditContext,
    user: User,
    code: string,
    finishSignIn: boolean,
  ): Promise<MfaEnrolledView> {
    const stored = await this.users.totpSecretOf(user.id);
    if (!stored) throw new ConflictException('start the enrolment first');
    if (stored.enabledAt) throw new ConflictException('two-factor sign-in is already set up for this account');
    const step = await this.checkStoredTotp(user.id, stored, code);
    if (step === null) throw new BadRequestException('the code is wrong: check the time on your device and retry');
    const codes = newRecoveryCodes();
    await this.audit.run({ ...context, actorType: 'user', actorId: user.id }, async (tx) => {
      await this.users.enableTotp(tx.manager, user.id, this.clock.now(), step);
      await this.recovery.replace(tx.manager, user.id, codes.map(recoveryCodeHash));
      tx.record({
        action: 'mfa.enrolled',
        resourceType: 'User',
        resourceId: user.id,
        details: { before: { mfaEnabled: false }, after: { mfaEnabled: true }, recoveryCodes: codes.length },
      });
    });
    const result: MfaEnrolledView = { recoveryCodes: codes };
    if (finishSignIn)
      result.session = await this.auth.startSession(context, { ...user, totpEnabledAt: new Date() }, 'totp');
    return result;
  }

  /** The code step of a sign-in: a TOTP code (each time step once) or an unused recovery code. Throttled. */
  async verifySignIn(context: AuditContext, user: User, code: string): Promise<TokenPair> {
    const digest = emailDigest(user.email);
    const ip = context.sourceIp ?? 'unknown';
    const state = await this.throttle.reserve(digest, ip);
    if (!state.allowed) {
      await this.audit.record(context, {
        action: 'auth.mfa_failed',
        resourceType: 'User',
        resourceId: user.id,
        details: { reason: 'throttled' },
      });
      throw new TooManyCodeAttempts(state.retryAfterS);
    }
    const method = await this.acceptCode(user, code);
    if (!method) {
      await this.audit.record(
        { ...context, actorType: 'user', actorId: user.id },
        { action: 'auth.mfa_failed', resourceType: 'User', resourceId: user.id, details: { reason: 'wrong_code' } },
      );
      const delayMs = this.throttle.failureDelayMs(state.attempt);
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      throw new UnauthorizedException('the code is wrong or was already used');
    }
    await this.throttle.succeed(digest, ip);
    return this.auth.startSession(context, user, method);
  }

  /** Admin: removes a person's second factor (lost device); they enrol again at their next sign-in. */
  async reset(context: AuditContext, userId: string): Promise<void> {
    await this.audit.run(context, async (tx) => {
      const user = await this.users.lock(tx.manager, userId);
      if (!user) throw new NotFoundException('user not found');
      await this.users.clearTotp(tx.manager, userId);
      await this.recovery.deleteOfUser(tx.manager, userId);
      tx.record({
        action: 'mfa.reset',
        resourceType: 'User',
        resourceId: userId,
        details: { before: { mfaEnabled: user.totpEnabledAt !== null }, after: { mfaEnabled: false } },
      });
    });
  }

  private async acceptCode(user: User, code: string): Promise<'totp' | 'recovery_code' | undefined> {
    const stored = await this.users.totpSecretOf(user.id);
    if (!stored?.enabledAt) return undefined;
    const compact = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(compact)) {
      const step = await this.checkStoredTotp(user.id, stored, compact);
      if (step === null) return undefined;
      const fresh = await this.audit.run({ actorType: 'user', actorId: user.id }, async (tx) => {
        const advanced = await this.users.advanceTotpStep(tx.manager, user.id, step);
        if (!advanced)
          tx.record({
            action: 'auth.mfa_replay_refused',
            resourceType: 'User',
            resourceId: user.id,
            details: { step },
          });
        return advanced;
      });
      return fresh ? 'totp' : undefined;
    }
    if (!looksLikeRecoveryCode(code)) return undefined;
    const spent = await this.audit.run({ actorType: 'user', actorId: user.id }, async (tx) => {
      const ok = await this.recovery.spend(tx.manager, user.id, recoveryCodeHash(code), this.clock.now());
      if (ok)
        tx.record({
          action: 'mfa.recovery_code_used',
          resourceType: 'User',
          resourceId: user.id,
          details: { remaining: await this.recovery.remaining(tx.manager, user.id) },
        });
      return ok;
    });
    return spent ? 'recovery_code' : undefined;
  }

  private async checkStoredTotp(
    userId: string,
    stored: { wrapped: Buffer; keyVersion: number },
    code: string,
  ): Promise<number | null> {
    const key = await this.envelope.unwrapDataKey(stored.wrapped, stored.keyVersion, `totp:${userId}`);
    try {
      return checkTotp(code, base32(key), this.clock.nowMs());
    } finally {
      key.fill(0);
    }
  }
}
