import { Body, Controller, Get, Post } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, Can } from '../common/api-docs';
import { CreatedUserView, UserList } from './auth.views';
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
}
