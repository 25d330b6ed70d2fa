import { Body, Controller, Get, Header, HttpCode, Patch, Post } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, Can, UuidParam } from '../common/api-docs';
import { AccessReview, CreatedUserView, PasswordResetView, UserList, UserView as UserViewDoc } from './auth.views';
import { IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { Caller } from '../audit/audit-context';
import { STAFF_ROLES, type StaffRole } from '../common/actor';
import { MIN_PASSWORD_LENGTH, UsersService, type UserView } from './users.service';

export const TEAM_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ enum: STAFF_ROLES, enumName: 'StaffRole' }) @IsIn(STAFF_ROLES) role!: StaffRole;
  @ApiProperty({ pattern: TEAM_PATTERN.source })
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be lowercase letters, digits, dot, dash or underscore' })
  team!: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) displayName?: string;
  @ApiPropertyOptional({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, description: 'absent: one is generated' })
  @IsOptional()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ enum: STAFF_ROLES, enumName: 'StaffRole' }) @IsOptional() @IsIn(STAFF_ROLES) role?: StaffRole;
  @ApiPropertyOptional({ pattern: TEAM_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(TEAM_PATTERN, { message: 'team must be lowercase letters, digits, dot, dash or underscore' })
  team?: string;
  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;
}

@ApiTags('users')
@ApiStaffAuth()
@Controller('v1/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  /** Without a password, one is generated and returned once in `generatedPassword`. */
  @Post()
  @Can('create', 'User', { created: CreatedUserView, errors: [400, 409] })
  async create(
    @Body() body: CreateUserDto,
    @Caller() { audit }: Caller,
  ): Promise<{ user: UserView; generatedPassword?: string }> {
    return this.users.create(audit, body);
  }

  @Get()
  @Can('list', 'User', { ok: UserList })
  async list(): Promise<{ items: UserView[] }> {
    return { items: await this.users.list() };
  }

  /** The access review: every account with its role, team, creator, last sign-in and second factor. */
  @Get('access-review')
  @Can('read', 'AccessReview', { ok: AccessReview })
  async accessReview(): Promise<AccessReview> {
    return { generatedAt: new Date().toISOString(), items: await this.users.accessReview() };
  }

  /** The access review as CSV (audited as an export). */
  @Get('access-review.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="access-review.csv"')
  @Header('Cache-Control', 'no-store')
  @ApiProduces('text/csv')
  @Can('export', 'AccessReview')
  @ApiOkResponse({ description: 'one row per account', content: { 'text/csv': { schema: { type: 'string' } } } })
  async accessReviewCsv(@Caller() { audit }: Caller): Promise<string> {
    return this.users.accessReviewCsv(audit);
  }

  /** Role, team or display name; audited with before and after. */
  @Patch(':id')
  @Can('update', 'User', { ok: UserViewDoc, errors: [400, 404, 409] })
  async update(
    @UuidParam('id', 'user not found') id: string,
    @Body() body: UpdateUserDto,
    @Caller() { audit }: Caller,
  ): Promise<UserView> {
    return this.users.update(audit, id, body);
  }

  /** Deactivates: sign-in refused, every session and access token of the person ends at once. */
  @Post(':id/disable')
  @HttpCode(200)
  @Can('update', 'User', { ok: UserViewDoc, errors: [404, 409] })
  async disable(@UuidParam('id', 'user not found') id: string, @Caller() { audit }: Caller): Promise<UserView> {
    return this.users.disable(audit, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Can('update', 'User', { ok: UserViewDoc, errors: [404] })
  async enable(@UuidParam('id', 'user not found') id: string, @Caller() { audit }: Caller): Promise<UserView> {
    return this.users.enable(audit, id);
  }

  /** A one-time, expiring set-password token, shown once (an earlier unused one stops working). */
  @Post(':id/password-reset')
  @Can('update', 'User', { created: PasswordResetView, errors: [404, 409] })
  async passwordReset(
    @UuidParam('id', 'user not found') id: string,
    @Caller() { audit }: Caller,
  ): Promise<PasswordResetView> {
    return this.users.createPasswordReset(audit, id);
  }
}
