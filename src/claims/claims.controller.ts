import { Body, Controller, Get, Headers, HttpCode, HttpStatus, Post, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { ApiIntakeAuth, ErrorResponse, UuidParam, Can } from '../common/api-docs';
import {
  CLAIM_VIEW_SCHEMA,
  ClaimPage,
  ClosedClaimView,
  IntakeClaimView,
  ResubmittedClaimView,
  StaffClaimView,
  SubmittedClaimView,
} from './claims.views';
import type { Response } from 'express';
import { Caller } from '../audit/audit-context';
import { CreateClaimDto, ListClaimsQuery, ResubmitClaimDto } from './claims.dto';
import { InformationRequestsService } from './information-requests.service';
import { ClaimsService, type ClaimView } from './claims.service';

@ApiTags('claims')
@ApiIntakeAuth()
@ApiExtraModels(StaffClaimView, IntakeClaimView)
@Controller('v1/claims')
export class ClaimsController {
  constructor(
    private readonly claims: ClaimsService,
    private readonly informationRequests: InformationRequestsService,
  ) {}

  /** 201 with the new claim; a replay with the same Idempotency-Key and body answers 200 with the same claim. */
  @Post()
  @Can('create', 'Claim', {
    created: { schema: CLAIM_VIEW_SCHEMA, description: 'the new claim' },
    ok: { schema: CLAIM_VIEW_SCHEMA, description: 'a replay (header Idempotent-Replayed: true)' },
    errors: [400, 404, 409, 422],
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description: 'a replay with the same key and body answers 200',
  })
  async create(
    @Body() body: CreateClaimDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Caller() { actor, ability, audit }: Caller,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ClaimView> {
    const { claim, created } = await this.claims.create(audit, actor, ability, idempotencyKey, body);
    response.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    if (!created) response.setHeader('Idempotent-Replayed', 'true');
    return claim;
  }

  @Get()
  @Can('list', 'Claim', { ok: ClaimPage, errors: [400] })
  async list(@Query() query: ListClaimsQuery, @Caller() { actor, ability }: Caller): Promise<ClaimPage> {
    return this.claims.list(actor, ability, query);
  }

  @Get(':id')
  @Can('read', 'Claim', { ok: { schema: CLAIM_VIEW_SCHEMA }, errors: [404] })
  async get(@UuidParam('id', 'Claim not found') id: string, @Caller() { actor, ability }: Caller): Promise<ClaimView> {
    return this.claims.getFor(actor, ability, id);
  }

  @Post(':id/submit')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiServiceUnavailableResponse({
    description: 'The job queue (Redis) is unavailable: nothing changed, the claim is still a draft; retry later.',
    type: ErrorResponse,
  })
  @Can('update', 'Claim', {
    accepted: { type: SubmittedClaimView, description: 'submitted: validation runs in the background' },
    errors: [404, 409, 422],
  })
  async submit(
    @UuidParam('id', 'Claim not found') id: string,
    @Caller() { ability, audit }: Caller,
  ): Promise<{ id: string; status: string; submittedAt: string }> {
    return this.claims.submit(audit, ability, id);
  }

  @Post(':id/close')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Close a decided claim (its file is closed in the intake system); retention counts from the close',
  })
  @Can('update', 'Claim', { ok: ClosedClaimView, errors: [404, 409] })
  async close(
    @UuidParam('id', 'Claim not found') id: string,
    @Caller() { ability, audit }: Caller,
  ): Promise<ClosedClaimView> {
    return this.claims.close(audit, ability, id);
  }

  /** The answer to an information request: photos are uploaded first (POST /v1/claims/:id/photos), then this. */
  @Post(':id/resubmit')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary:
      'Answer an information request: the claim (status information_requested) is scored again over all its photos and goes back to its adjuster',
  })
  @ApiServiceUnavailableResponse({
    description: 'The job queue (Redis) is unavailable: nothing changed, the claim still waits for information.',
    type: ErrorResponse,
  })
  @Can('update', 'Claim', {
    accepted: { type: ResubmittedClaimView, description: 'resubmitted: scoring runs again in the background' },
    errors: [400, 404, 409, 422],
  })
  async resubmit(
    @UuidParam('id', 'Claim not found') id: string,
    @Body() body: ResubmitClaimDto,
    @Caller() { ability, audit }: Caller,
  ): Promise<ResubmittedClaimView> {
    return this.informationRequests.resubmit(audit, ability, id, body);
  }
}
