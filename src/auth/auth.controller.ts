import {
  BadRequestException,
  Body,
  Controller,
  Get,
  HttpCode,
  Inject,
  Post,
  Req,
  Res,
  UnauthorizedException,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import { Public } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { AuthService, MfaChallengeView, TokenPair, TooManyLoginAttempts } from './auth.service';
import { CurrentActor } from '../common/request-context';
import { ApiErrors, BEARER_SCHEME } from '../common/api-docs';
import { MeView } from './auth.views';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MIN_PASSWORD_LENGTH, UsersService } from './users.service';
import { clearRefreshCookie, deliverSession, isBrowserClient, requireCsrfSafeCookie } from './session-cookie';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiPropertyOptional({
    minLength: 20,
    maxLength: 200,
    description:
      'API callers: the refresh token. Absent: the HttpOnly cookie is used (browser client, with X-Requested-With).',
  })
  @IsOptional()
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken?: string;
}

export class SetPasswordDto {
  @ApiProperty({ minLength: 20, maxLength: 200, description: 'the set-password token an admin created' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  token!: string;
  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH, maxLength: 1024, format: 'password' })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH)
  @MaxLength(1024)
  password!: string;
}

export class LogoutDto extends RefreshDto {
  @ApiPropertyOptional({
    description:
      'sign out everywhere: revokes every refresh token of the caller and ends every access token already issued to them; needs the access token (Authorization: Bearer)',
  })
  @IsOptional()
  @IsBoolean()
  everywhere?: boolean;
}

const BROWSER_HEADER_DOC = {
  name: 'X-Requested-With',
  required: false,
  description:
    'Set by the browser client: the refresh token then travels in the HttpOnly cookie (never in JSON); required when the cookie is the credential (CSRF defence).',
};

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 200 with a session, or 202 with a second-factor challenge (TOTP code, or enrolment first). */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiHeader(BROWSER_HEADER_DOC)
  @ApiOkResponse({ type: TokenPair, description: 'signed in' })
  @ApiAcceptedResponse({ type: MfaChallengeView, description: 'password right; a second factor is needed' })
  @ApiErrors(400, 401, 429)
  async login(
    @Body() body: LoginDto,
    @AuditCtx() context: AuditContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPair | MfaChallengeView> {
    response.setHeader('Cache-Control', 'no-store');
    try {
      const outcome = await this.auth.login(context, body.email, body.password);
      if ('challenge' in outcome) {
        response.status(202);
        return outcome.challenge;
      }
      return deliverSession(request, response, outcome.session, this.config.auth.refreshTtlS);
    } catch (error) {
      if (error instanceof TooManyLoginAttempts) response.setHeader('Retry-After', String(error.retryAfterS));
      throw error;
    }
  }

  /** The refresh token is the credential here, so the route is public. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiHeader(BROWSER_HEADER_DOC)
  @ApiOkResponse({ type: TokenPair, description: 'a new pair; the old refresh token is spent' })
  @ApiNoContentResponse({ description: 'browser client without a refresh cookie: no session to restore (sign in)' })
  @ApiErrors(400, 401, 403)
  async refresh(
    @Body() body: RefreshDto,
    @AuditCtx() context: AuditContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPair | undefined> {
    response.setHeader('Cache-Control', 'no-store');
    const presented = body.refreshToken ?? requireCsrfSafeCookie(request);
    if (!presented) {
      // A new tab asks on load whether the cookie holds a session: "none" is an answer, not an error.
      if (isBrowserClient(request)) {
        response.status(204);
        return undefined;
      }
      throw new BadRequestException(
        'refreshToken is required (the browser client sends its cookie with X-Requested-With)',
      );
    }
    try {
      const pair = await this.auth.refresh(context, presented);
      return deliverSession(request, response, pair, this.config.auth.refreshTtlS);
    } catch (error) {
      if (body.refreshToken === undefined) clearRefreshCookie(response);
      throw error;
    }
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiHeader(BROWSER_HEADER_DOC)
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiNoContentResponse({
    description: 'the refresh token (and its family) is revoked; with `everywhere`, every session of the caller',
  })
  @ApiErrors(400, 401, 403)
  async logout(
    @Body() body: LogoutDto,
    @CurrentActor() actor: Actor | undefined,
    @AuditCtx() context: AuditContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<void> {
    if (body.everywhere) {
      if (actor?.kind !== 'user') throw new UnauthorizedException('sign out everywhere needs your access token');
      await this.auth.signOutEverywhere(context, actor.id);
      clearRefreshCookie(response);
      return;
    }
    const presented = body.refreshToken ?? requireCsrfSafeCookie(request);
    clearRefreshCookie(response);
    if (presented) await this.auth.logout(context, presented);
  }

  /** Sets a new password with a one-time set-password token (the token is the credential); every session ends. */
  @Public()
  @Post('password')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the password is set; sign in with it' })
  @ApiErrors(400)
  async setPassword(@Body() body: SetPasswordDto, @AuditCtx() context: AuditContext): Promise<void> {
    await this.users.setPasswordWithToken(context, body.token, body.password);
  }

  /** Who the token belongs to (any signed-in caller). */
  @Public()
  @Get('me')
  @ApiOkResponse({ type: MeView })
  me(@CurrentActor() actor: Actor | undefined): { actor: Actor | null } {
    return { actor: actor ?? null };
  }
}
