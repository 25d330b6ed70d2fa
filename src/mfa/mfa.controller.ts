import { Body, Controller, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiPropertyOptional,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { Request, Response } from 'express';
import { AuditCtx, Caller, type AuditContext } from '../audit/audit-context';
import { TokenPair } from '../auth/auth.views';
import { deliverSession } from '../auth/session-cookie';
import { Public } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { ApiErrors, ApiStaffAuth, BEARER_SCHEME, Can, UuidParam } from '../common/api-docs';
import { CurrentActor } from '../common/request-context';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { MfaService, TooManyCodeAttempts } from './mfa.service';
import { MfaEnrolledView, TotpEnrolmentView } from './mfa.views';

export class MfaStartDto {
  @ApiPropertyOptional({ description: 'the challenge token of a sign-in (step `enrol`); absent: the Bearer caller' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  mfaToken?: string;
}

export class MfaCodeDto extends MfaStartDto {
  @ApiProperty({ minLength: 6, maxLength: 20, description: 'a 6-digit TOTP code, or a recovery code (sign-in only)' })
  @IsString()
  @MinLength(6)
  @MaxLength(20)
  code!: string;
}

export class MfaVerifyDto {
  @ApiProperty({ description: 'the challenge token from POST /v1/auth/login (step `code`)' })
  @IsString()
  @MinLength(20)
  @MaxLength(2000)
  mfaToken!: string;
  @ApiProperty({ minLength: 6, maxLength: 20, description: 'a 6-digit TOTP code, or a recovery code' })
  @IsString()
  @MinLength(6)
  @MaxLength(20)
  code!: string;
}

const BROWSER_HEADER_DOC = {
  name: 'X-Requested-With',
  required: false,
  description: 'Set by the browser client: the refresh token travels in the HttpOnly cookie, never in JSON.',
};

@ApiTags('auth')
@Controller('v1/auth/mfa')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The second step of a sign-in: a TOTP code or a recovery code. Throttled like the password. */
  @Public()
  @Post('verify')
  @HttpCode(200)
  @ApiHeader(BROWSER_HEADER_DOC)
  @ApiOkResponse({ type: TokenPair, description: 'signed in' })
  @ApiErrors(400, 401, 429)
  async verify(
    @Body() body: MfaVerifyDto,
    @AuditCtx() context: AuditContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPair> {
    response.setHeader('Cache-Control', 'no-store');
    const user = await this.mfa.resolve(body.mfaToken, undefined, 'code');
    try {
      const pair = await this.mfa.verifySignIn(context, user, body.code);
      return deliverSession(request, response, pair, this.config.auth.refreshTtlS);
    } catch (error) {
      if (error instanceof TooManyCodeAttempts) response.setHeader('Retry-After', String(error.retryAfterS));
      throw error;
    }
  }

  /** Starts TOTP enrolment: a new secret (replacing a pending one) as a QR code. Challenge token or Bearer. */
  @Public()
  @Post('enrolment')
  @HttpCode(200)
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOkResponse({ type: TotpEnrolmentView })
  @ApiErrors(400, 401, 409)
  async start(
    @Body() body: MfaStartDto,
    @CurrentActor() actor: Actor | undefined,
    @AuditCtx() context: AuditContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TotpEnrolmentView> {
    response.setHeader('Cache-Control', 'no-store');
    const user = await this.mfa.resolve(body.mfaToken, actor, 'enrol');
    return this.mfa.startEnrolment(context, user);
  }

  /** Confirms enrolment with a code; answers the recovery codes once (and the session when signing in). */
  @Public()
  @Post('enrolment/confirm')
  @HttpCode(200)
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiHeader(BROWSER_HEADER_DOC)
  @ApiOkResponse({ type: MfaEnrolledView })
  @ApiErrors(400, 401, 409)
  async confirm(
    @Body() body: MfaCodeDto,
    @CurrentActor() actor: Actor | undefined,
    @AuditCtx() context: AuditContext,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MfaEnrolledView> {
    response.setHeader('Cache-Control', 'no-store');
    const user = await this.mfa.resolve(body.mfaToken, actor, 'enrol');
    const result = await this.mfa.confirmEnrolment(context, user, body.code, body.mfaToken !== undefined);
    if (result.session)
      result.session = deliverSession(request, response, result.session, this.config.auth.refreshTtlS);
    return result;
  }
}

/** Admin: remove a person's second factor (lost device); they enrol again at the next sign-in. */
@ApiTags('users')
@ApiStaffAuth()
@Controller('v1/users')
export class MfaAdminController {
  constructor(private readonly mfa: MfaService) {}

  @Post(':id/mfa-reset')
  @HttpCode(204)
  @Can('update', 'User', { errors: [404] })
  @ApiNoContentResponse({ description: 'the second factor and its recovery codes are removed' })
  async reset(@UuidParam('id', 'user not found') id: string, @Caller() { audit }: Caller): Promise<void> {
    await this.mfa.reset(audit, id);
  }
}
