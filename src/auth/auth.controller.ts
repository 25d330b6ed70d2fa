import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import type { Response } from 'express';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import { Public } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { AuthService, TokenPair, TooManyLoginAttempts } from './auth.service';
import { CurrentActor } from '../common/request-context';
import { ApiErrors } from '../common/api-docs';
import { MeView } from './auth.views';

export class LoginDto {
  @ApiProperty({ format: 'email', maxLength: 320 }) @IsEmail() @MaxLength(320) email!: string;
  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ minLength: 20, maxLength: 200 }) @IsString() @MinLength(20) @MaxLength(200) refreshToken!: string;
}

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPair, description: 'signed in' })
  @ApiErrors(400, 401, 429)
  async login(
    @Body() body: LoginDto,
    @AuditCtx() context: AuditContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPair> {
    response.setHeader('Cache-Control', 'no-store');
    try {
      return await this.auth.login(context, body.email, body.password);
    } catch (error) {
      if (error instanceof TooManyLoginAttempts) response.setHeader('Retry-After', String(error.retryAfterS));
      throw error;
    }
  }

  /** The refresh token is the credential here, so the route is public. */
  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOkResponse({ type: TokenPair, description: 'a new pair; the old refresh token is spent' })
  @ApiErrors(400, 401)
  async refresh(
    @Body() body: RefreshDto,
    @AuditCtx() context: AuditContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<TokenPair> {
    response.setHeader('Cache-Control', 'no-store');
    return this.auth.refresh(context, body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'the refresh token (and its family) is revoked' })
  @ApiErrors(400)
  async logout(@Body() body: RefreshDto, @AuditCtx() context: AuditContext): Promise<void> {
    await this.auth.logout(context, body.refreshToken);
  }

  /** Who the token belongs to (any signed-in caller). */
  @Public()
  @Get('me')
  @ApiOkResponse({ type: MeView })
  me(@CurrentActor() actor: Actor | undefined): { actor: Actor | null } {
    return { actor: actor ?? null };
  }
}
