import { Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditModule } from '../audit/audit.module';
import type { DatabaseHandle } from '../database/data-source.factory';
import { DATABASE_HANDLE } from '../database/database.module';
import { HealthModule } from '../health/health.module';
import { AbilityFactory } from './ability.factory';
import { AccessGuard } from './access.guard';
import { AccessDeniedInterceptor } from './access.interceptor';
import { AccessService } from './access.service';
import { ApiClientsController } from './api-clients.controller';
import { ApiClientsRepository } from './api-clients.repository';
import { ApiClientsService } from './api-clients.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { FIRST_ADMIN_COMMAND } from './auth.cli';
import { LoginThrottle } from './login-throttle.service';
import { PasswordHasher } from './password-hasher';
import { PasswordResetTokensRepository } from './password-reset-tokens.repository';
import { RefreshTokensRepository } from './refresh-tokens.repository';
import { TokenService } from './token.service';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/** Identity and access: users, API clients, login, tokens, the global access guard and the ability factory. */
@Module({
  imports: [AuditModule, HealthModule],
  controllers: [AuthController, UsersController, ApiClientsController],
  providers: [
    PasswordHasher,
    TokenService,
    LoginThrottle,
    UsersService,
    UsersRepository,
    ApiClientsService,
    ApiClientsRepository,
    RefreshTokensRepository,
    PasswordResetTokensRepository,
    AuthService,
    AbilityFactory,
    AccessService,
    AccessGuard,
    { provide: APP_INTERCEPTOR, useClass: AccessDeniedInterceptor },
  ],
  exports: [
    AccessGuard,
    AbilityFactory,
    AccessService,
    UsersService,
    UsersRepository,
    ApiClientsService,
    ApiClientsRepository,
    TokenService,
    RefreshTokensRepository,
    AuthService,
    LoginThrottle,
  ],
})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('AuthModule');

  constructor(
    private readonly users: UsersService,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!(await this.users.hasActiveAdmin())) {
      const embedded = this.database.embedded
        ? '; the embedded database serves one process, so stop this server first'
        : '';
      this.logger.warn(
        `no admin user yet: create the first one with \`${FIRST_ADMIN_COMMAND}\` (the generated password is printed once${embedded})`,
      );
    }
  }
}
