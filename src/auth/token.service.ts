import { Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { Clock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { STAFF_ROLES, type StaffRole } from '../common/actor';

export const JWT_ISSUER = 'claims-evidence-validation';
export const JWT_AUDIENCE = 'claims-evidence-api';
/** The one algorithm access tokens may use; everything else (none, RS*, ES*, other HS) is refused. */
export const JWT_ALGORITHMS = ['HS256'] as const;

export interface AccessClaims {
  readonly sub: string;
  readonly role: StaffRole;
  readonly team: string;
  readonly email: string;
  /** The session (refresh-token family) the token belongs to; absent in tokens from before sessions were named. */
  readonly sid?: string;
  /** The user's session generation when the token was issued; absent (0) in older tokens. */
  readonly gen?: number;
}

/** The short-lived token between the password step and the second-factor step of a sign-in. */
export interface ChallengeClaims {
  readonly sub: string;
  /** `code`: enter a TOTP or recovery code; `enrol`: set up TOTP first (the role requires it). */
  readonly step: 'code' | 'enrol';
  readonly gen: number;
}

/**
 * Reads JWT_SECRET, or the generated secret file. When neither exists, a 256-bit secret is written
 * to the file (mode 0600) and that is logged: replicas must share the file or set JWT_SECRET.
 */
export function loadJwtSecret(config: AppConfig, logger: Pick<Logger, 'warn'>): Uint8Array {
  if (config.auth.jwtSecret) return new TextEncoder().encode(config.auth.jwtSecret);
  const file = config.auth.jwtSecretFile;
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    try {
      fs.writeFileSync(file, `${randomBytes(48).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
      logger.warn(
        { file },
        'JWT_SECRET is not set: generated a new access-token signing secret in this file; in production set JWT_SECRET or persist and share this file between replicas',
      );
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secret = fs.readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`the JWT secret in ${file} is shorter than 32 characters`);
  return new TextEncoder().encode(secret);
}

/** Signs and verifies access tokens (HS256, fixed issuer and audience, `typ: access`). */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('TokenService');
  private secret: Uint8Array | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  private key(): Uint8Array {
    this.secret ??= loadJwtSecret(this.config, this.logger);
    return this.secret;
  }

  get accessTtlS(): number {
    return this.config.auth.accessTtlS;
  }

  async signAccess(claims: AccessClaims): Promise<string> {
    const now = Math.floor(this.clock.nowMs() / 1000);
    return new SignJWT({
      role: claims.role,
      team: claims.team,
      email: claims.email,
      typ: 'access',
      ...(claims.sid ? { sid: claims.sid } : {}),
      gen: claims.gen ?? 0,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(JWT_ISSUER)
      .setAudience(JWT_AUDIENCE)
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + this.config.auth.accessTtlS)
      .setJti(randomBytes(12).toString('base64url'))
      .sign(this.key());
  }

  /** Verifies signature, algorithm, issuer, audience, expiry and type; any failure is a 401. */
  async verifyAccess(token: string): Promise<AccessClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key(), {
        algorithms: [...JWT_ALGORITHMS],
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 5,
      });
      const { sub, role, team, email, typ, sid, gen } = payload as Record<string, unknown>;
      if (typ !== 'access' || typeof sub !== 'string' || typeof team !== 'string' || typeof email !== 'string')
        throw new Error('claims');
      if (typeof role !== 'string' || !(STAFF_ROLES as readonly string[]).includes(role)) throw new Error('role');
      if (sid !== undefined && typeof sid !== 'string') throw new Error('sid');
      if (gen !== undefined && !Number.isInteger(gen)) throw new Error('gen');
      return {
        sub,
        role: role as StaffRole,
        team,
        email,
        ...(sid ? { sid } : {}),
        gen: (gen as number | undefined) ?? 0,
      };
    } catch (error) {
      const reason = error instanceof joseErrors.JWTExpired ? 'access token expired' : 'invalid access token';
      throw new UnauthorizedException(reason);
    }
  }

  async signChallenge(claims: ChallengeClaims): Promise<string> {
    const now = Math.floor(this.clock.nowMs() / 1000);
    return new SignJWT({ typ: 'mfa_challenge', step: claims.step, gen: claims.gen })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(claims.sub)
      .setIssuer(JWT_ISSUER)
      .setAudience(`${JWT_AUDIENCE}/mfa`)
      .setIssuedAt(now)
      .setExpirationTime(now + this.config.auth.mfaChallengeTtlS)
      .sign(this.key());
  }

  get challengeTtlS(): number {
    return this.config.auth.mfaChallengeTtlS;
  }

  /** A challenge token (never accepted as an access token: other audience and type); any failure is a 401. */
  async verifyChallenge(token: string): Promise<ChallengeClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key(), {
        algorithms: [...JWT_ALGORITHMS],
        issuer: JWT_ISSUER,
        audience: `${JWT_AUDIENCE}/mfa`,
        currentDate: this.clock.now(),
        requiredClaims: ['sub', 'exp'],
        clockTolerance: 5,
      });
      const { sub, typ, step, gen } = payload as Record<string, unknown>;
      if (typ !== 'mfa_challenge' || typeof sub !== 'string' || (step !== 'code' && step !== 'enrol'))
        throw new Error('claims');
      if (!Number.isInteger(gen)) throw new Error('gen');
      return { sub, step, gen: gen as number };
    } catch {
      throw new UnauthorizedException('sign-in challenge expired or invalid: sign in again');
    }
  }
}
