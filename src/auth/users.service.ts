import {
  BadRequestException,
  ConflictException,
  Inject,
  Injectable,
  NotFoundException,
  Optional,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Clock, SystemClock } from '../common/clock';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { AuditedTransaction } from '../audit/audit.service';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { randomToken, sha256Hex } from './secrets';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from './password-hasher';
import { emailDigest } from './secrets';
import { STAFF_ROLES, type StaffRole } from '../common/actor';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { AccessReviewRow, PasswordResetView, UserView } from './auth.views';
export { UserView, AccessReviewRow, PasswordResetView };

export interface UserChanges {
  readonly role?: StaffRole;
  readonly team?: string;
  readonly displayName?: string;
}

const NOT_FOUND = 'user not found';

/** `user:<id>` or `cli:<os user>`: who made a change, as kept in users.created_by. */
export function actorLabel(context: AuditContext): string {
  return `${context.actorType}:${context.actorId ?? 'unknown'}`;
}

/** RFC 4180 CSV: every field quoted, quotes doubled; a leading =+-@ is prefixed with ' (no formula injection). */
export function toCsv(header: string[], rows: Array<Array<string | number | boolean | null>>): string {
  const cell = (value: string | number | boolean | null) => {
    let text = value === null ? '' : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return `"${text.replace(/"/g, '""')}"`;
  };
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}

export interface CreateUserInput {
  readonly email: string;
  readonly role: StaffRole;
  readonly team: string;
  readonly displayName?: string;
  /** Omitted: a random password is generated and returned once. */
  readonly password?: string;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    role: user.role,
    team: user.team,
    disabledAt: user.disabledAt ? user.disabledAt.toISOString() : null,
    createdAt: user.createdAt.toISOString(),
    lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
    mfaEnabled: user.totpEnabledAt !== null && user.totpEnabledAt !== undefined,
  };
}

export const MIN_PASSWORD_LENGTH = 12;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
    private readonly refreshTokens: RefreshTokensRepository,
    private readonly resetTokens: PasswordResetTokensRepository,
    @Optional() private readonly clock: Clock = new SystemClock(),
    @Optional() @Inject(APP_CONFIG) private readonly config?: AppConfig,
  ) {}

  async create(context: AuditContext, input: CreateUserInput): Promise<{ user: UserView; generatedPassword?: string }> {
    const email = input.email.trim().toLowerCase();
    if (!(STAFF_ROLES as readonly string[]).includes(input.role))
      throw new BadRequestException(`role must be one of ${STAFF_ROLES.join(', ')}`);
    const generatedPassword = input.password === undefined ? randomBytes(18).toString('base64url') : undefined;
    const password = input.password ?? generatedPassword!;
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new BadRequestException(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const passwordHash = await this.hasher.hash(password);
    const user = await this.audit.run(context, async (tx) => {
      const existing = await this.users.findByEmail(email, tx.manager);
      if (existing) throw new ConflictException('a user with this email exists');
      const created = await this.users.insert(tx.manager, {
        email,
        displayName: input.displayName?.trim() || email.split('@')[0],
        passwordHash,
        role: input.role,
        team: input.team.trim(),
        createdBy: actorLabel(context),
      });
      tx.record({
        action: 'user.created',
        resourceType: 'User',
        resourceId: created.id,
        details: {
          role: created.role,
          team: created.team,
          emailDigest: emailDigest(email),
          before: null,
          after: { role: created.role, team: created.team, status: 'active' },
        },
      });
      return created;
    });
    return { user: toUserView(user), ...(generatedPassword ? { generatedPassword } : {}) };
  }

  async list(): Promise<UserView[]> {
    const users = await this.users.list();
    return users.map(toUserView);
  }

  async findActive(id: string): Promise<User | null> {
    const user = await this.users.findById(id);
    return user && !user.disabledAt ? user : null;
  }

  async findByEmail(email: string): Promise<User | null> {
    return this.users.findByEmail(email.trim().toLowerCase());
  }

  async hasActiveAdmin(): Promise<boolean> {
    return this.users.hasActiveAdmin();
  }

  async get(id: string): Promise<UserView> {
    const user = await this.users.findById(id);
    if (!user) throw new NotFoundException(NOT_FOUND);
    return toUserView(user);
  }

  /**
   * Deactivates an account: it cannot sign in, every refresh token is revoked and the session
   * generation moves on, so its access tokens get 401 on their next request. Admins cannot
   * deactivate themselves, and the last active admin stays (409).
   */
  async disable(context: AuditContext, id: string): Promise<UserView> {
    return this.audit.run(context, async (tx) => {
      const user = await this.lockExisting(tx, id);
      if (user.disabledAt) return toUserView(user);
      if (context.actorType === 'user' && context.actorId === id)
        throw new ConflictException('you cannot deactivate your own account');
      if (user.role === 'admin') await this.keepOneAdmin(tx, id, 'deactivate');
      const now = this.clock.now();
      await this.users.update(tx.manager, id, { disabledAt: now });
      const revoked = await this.refreshTokens.revokeAllOfUser(tx.manager, id, now);
      await this.users.bumpSessionGeneration(tx.manager, id);
      tx.record({
        action: 'user.disabled',
        resourceType: 'User',
        resourceId: id,
        details: {
          before: { status: 'active' },
          after: { status: 'disabled', disabledAt: now.toISOString() },
          sessionsRevoked: revoked,
        },
      });
      return toUserView({ ...user, disabledAt: now });
    });
  }

  async enable(context: AuditContext, id: string): Promise<UserView> {
    return this.audit.run(context, async (tx) => {
      const user = await this.lockExisting(tx, id);
      if (!user.disabledAt) return toUserView(user);
      await this.users.update(tx.manager, id, { disabledAt: null });
      tx.record({
        action: 'user.enabled',
        resourceType: 'User',
        resourceId: id,
        details: {
          before: { status: 'disabled', disabledAt: user.disabledAt.toISOString() },
          after: { status: 'active' },
        },
      });
      return toUserView({ ...user, disabledAt: null });
    });
  }

  /** Role, team or display name. Taking the admin role from the last active admin is refused (409). */
  async update(context: AuditContext, id: string, changes: UserChanges): Promise<UserView> {
    if (changes.role !== undefined && !(STAFF_ROLES as readonly string[]).includes(changes.role))
      throw new BadRequestException(`role must be one of ${STAFF_ROLES.join(', ')}`);
    return this.audit.run(context, async (tx) => {
      const user = await this.lockExisting(tx, id);
      const next = {
        role: changes.role ?? user.role,
        team: changes.team?.trim() ?? user.team,
        displayName: changes.displayName?.trim() || user.displayName,
      };
      const before: Record<string, string> = {};
      const after: Record<string, string> = {};
      for (const key of ['role', 'team', 'displayName'] as const)
        if (next[key] !== user[key]) {
          before[key] = user[key];
          after[key] = next[key];
        }
      if (Object.keys(after).length === 0) return toUserView(user);
      if (user.role === 'admin' && next.role !== 'admin' && !user.disabledAt)
        await this.keepOneAdmin(tx, id, 'take the admin role from');
      await this.users.update(tx.manager, id, next);
      tx.record({ action: 'user.updated', resourceType: 'User', resourceId: id, details: { before, after } });
      return toUserView({ ...user, ...next });
    });
  }

  /**
   * A one-time, expiring set-password token for the user (an earlier unused one stops working). The
   * token is returned once and stored as a sha256 hash; the person sets a new password with it
   * (setPasswordWithToken). The current password keeps working until then.
   */
  async createPasswordReset(context: AuditContext, id: string): Promise<PasswordResetView> {
    const token = randomToken(32);
    const ttlS = this.config?.auth.passwordResetTtlS ?? 86400;
    return this.audit.run(context, async (tx) => {
      const user = await this.lockExisting(tx, id);
      if (user.disabledAt) throw new ConflictException('the account is deactivated: reactivate it first');
      const now = this.clock.now();
      const expiresAt = new Date(now.getTime() + ttlS * 1000);
      await this.resetTokens.spendUnusedOfUser(tx.manager, id, now);
      const resetId = await this.resetTokens.insert(tx.manager, {
        userId: id,
        tokenHash: sha256Hex(token),
        expiresAt,
        createdBy: actorLabel(context),
      });
      tx.record({
        action: 'user.password_reset_issued',
        resourceType: 'User',
        resourceId: id,
        details: { resetId, expiresAt: expiresAt.toISOString() },
      });
      return { userId: id, token, path: `/set-password#token=${token}`, expiresAt: expiresAt.toISOString() };
    });
  }

  /** Sets a new password with a set-password token; every session of the person ends. */
  async setPasswordWithToken(context: AuditContext, token: string, password: string): Promise<void> {
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new BadRequestException(`password must be at least ${MIN_PASSWORD_LENGTH} characters`);
    const passwordHash = await this.hasher.hash(password);
    const outcome = await this.audit.run(context, async (tx) => {
      const row = await this.resetTokens.lockByHash(tx.manager, sha256Hex(token));
      const now = this.clock.now();
      if (!row || row.used_at || new Date(row.expires_at).getTime() <= now.getTime()) return 'invalid' as const;
      const user = await this.users.lock(tx.manager, row.user_id);
      if (!user || user.disabledAt) return 'invalid' as const;
      await this.resetTokens.markUsed(tx.manager, row.id, now);
      await this.users.update(tx.manager, user.id, { passwordHash });
      const revoked = await this.refreshTokens.revokeAllOfUser(tx.manager, user.id, now);
      await this.users.bumpSessionGeneration(tx.manager, user.id);
      tx.record({
        action: 'user.password_set',
        resourceType: 'User',
        resourceId: user.id,
        details: { resetId: row.id, sessionsRevoked: revoked },
      });
      return 'ok' as const;
    });
    if (outcome === 'invalid') throw new BadRequestException('the set-password link is invalid, used or expired');
  }

  /** Who holds which role and team, created by whom, last sign-in, second factor. */
  async accessReview(): Promise<AccessReviewRow[]> {
    const users = await this.users.list();
    const emails = new Map(users.map((user) => [user.id, user.email]));
    return users.map((user) => {
      let createdBy = user.createdBy;
      if (createdBy?.startsWith('user:')) createdBy = emails.get(createdBy.slice(5)) ?? createdBy;
      else if (createdBy?.startsWith('system:')) createdBy = createdBy.slice(7);
      return {
        id: user.id,
        email: user.email,
        displayName: user.displayName,
        role: user.role,
        team: user.team,
        status: user.disabledAt ? 'disabled' : 'active',
        createdAt: user.createdAt.toISOString(),
        createdBy,
        lastLoginAt: user.lastLoginAt ? user.lastLoginAt.toISOString() : null,
        mfaEnabled: user.totpEnabledAt !== null,
      };
    });
  }

  async accessReviewCsv(context: AuditContext): Promise<string> {
    const rows = await this.accessReview();
    await this.audit.record(context, {
      action: 'access_review.exported',
      resourceType: 'User',
      details: { accounts: rows.length, format: 'csv' },
    });
    return toCsv(
      ['email', 'display_name', 'role', 'team', 'status', 'created_at', 'created_by', 'last_login_at', 'mfa_enabled'],
      rows.map((row) => [
        row.email,
        row.displayName,
        row.role,
        row.team,
        row.status,
        row.createdAt,
        row.createdBy,
        row.lastLoginAt,
        row.mfaEnabled,
      ]),
    );
  }

  private async lockExisting(tx: AuditedTransaction, id: string): Promise<User> {
    const user = await this.users.lock(tx.manager, id);
    if (!user) throw new NotFoundException(NOT_FOUND);
    return user;
  }

  private async keepOneAdmin(tx: AuditedTransaction, id: string, what: string): Promise<void> {
    if ((await this.users.countOtherActiveAdmins(tx.manager, id)) === 0)
      throw new ConflictException(`cannot ${what} the last active admin`);
  }
}
