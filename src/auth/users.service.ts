import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { AuditContext } from '../audit/audit-context';
import { AuditService } from '../audit/audit.service';
import { PasswordHasher } from './password-hasher';
import { emailDigest } from './secrets';
import { STAFF_ROLES, type StaffRole } from '../common/actor';
import type { User } from './user.entity';
import { UsersRepository } from './users.repository';
import { UserView } from './auth.views';
export { UserView };

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
  };
}

export const MIN_PASSWORD_LENGTH = 12;

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly hasher: PasswordHasher,
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
      });
      tx.record({
        action: 'user.created',
        resourceType: 'User',
        resourceId: created.id,
        details: { role: created.role, team: created.team, emailDigest: emailDigest(email) },
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
}
