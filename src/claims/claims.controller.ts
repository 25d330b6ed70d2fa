import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import type { AppAbility } from '../common/access.decorators';
import { RequirePolicy } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { CurrentAbility, CurrentActor } from '../common/request-context';
import { CreateClaimDto, ListClaimsQuery } from './claims.dto';
import { ClaimsService, type ClaimPage, type ClaimView } from './claims.service';

@ApiTags('claims')
@Controller('v1/claims')
export class ClaimsController {
  constructor(private readonly claims: ClaimsService) {}

  /** 201 with the new claim; a replay with the same Idempotency-Key and body answers 200 with the same claim. */
  @Post()
  @RequirePolicy('create', 'Claim')
  async create(
    @Body() body: CreateClaimDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CurrentActor() actor: Actor,
    @CurrentAbility() ability: AppAbility,
    @AuditCtx() context: AuditContext,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimView> {
    const { claim, created } = await this.claims.create(context, actor, ability, idempotencyKey, body);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    if (!created) response.setHeader('Idempotent-Replayed', 'true');
    return claim;
  }

  @Get()
  @RequirePolicy('list', 'Claim')
  async list(
    @Query() query: ListClaimsQuery,
    @CurrentActor() actor: Actor,
    @CurrentAbility() ability: AppAbility,
  ): Promise<ClaimPage> {
    return this.claims.list(actor, ability, query);
  }

  @Get(':id')
  @RequirePolicy('read', 'Claim')
  async get(
    @Param('id') id: string,
    @CurrentActor() actor: Actor,
    @CurrentAbility() ability: AppAbility,
  ): Promise<ClaimView> {
    return this.claims.getFor(actor, ability, id);
  }

  @Post(':id/submit')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiServiceUnavailableResponse({
    description: 'The job queue (Redis) is unavailable: nothing changed, the claim is still a draft; retry later.',
  })
  @RequirePolicy('update', 'Claim')
  async submit(
    @Param('id') id: string,
    @CurrentAbility() ability: AppAbility,
    @AuditCtx() context: AuditContext,
  ): Promise<{ id: string; status: string; submittedAt: string }> {
    return this.claims.submit(context, ability, id);
  }
}
