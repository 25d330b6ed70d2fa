import { Body, Controller, Get, HttpCode, Post, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';
import type { Response } from 'express';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import { Public } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { AuthService, TooManyLoginAttempts, type TokenPair } from './auth.service';
import { CurrentActor } from '../common/request-context';

export class LoginDto {
  @IsEmail() @MaxLength(320) email!: string;
  @IsString() @MinLength(1) @MaxLength(1024) password!: string;
}

export class RefreshDto {
  @IsString() @MinLength(20) @MaxLength(200) refreshToken!: string;
}

@ApiTags('auth')
@Controller('v1/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
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
  async logout(@Body() body: RefreshDto, @AuditCtx() context: AuditContext): Promise<void> {
    await this.auth.logout(context, body.refreshToken);
  }

  /** Who the token belongs to (any signed-in caller). */
  @Public()
  @Get('me')
  me(@CurrentActor() actor: Actor | undefined): { actor: Actor | null } {
    return { actor: actor ?? null };
  }
}
