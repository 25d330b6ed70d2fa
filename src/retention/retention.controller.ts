import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiStaffAuth, UuidParam } from '../common/api-docs';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import { RequirePolicy } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { CurrentActor } from '../common/request-context';
import { PurgeService, ErasureOutcome, RunResult } from './purge.service';
import {
  CreateRetentionPolicyDto,
  ErasureRequestDto,
  LegalHoldDto,
  ListHoldsQuery,
  ListReceiptsQuery,
  RunRetentionDto,
  UpcomingQuery,
} from './retention.dto';
import { RetentionService, LegalHoldView, RetentionPolicyView } from './retention.service';
import { ErasureRequestView, ReceiptPage, UpcomingPurges } from './retention.views';

/**
 * Retention for compliance officers (src/retention/README.md). Route rules: reading is `read`/`list`
 * on RetentionPolicy, changing policies `create`, anything that destroys data (a run, an erasure)
 * `delete` on RetentionPolicy; compliance holds `manage` on it (AbilityFactory).
 */
@ApiTags('retention')
@ApiStaffAuth()
@Controller('v1/retention')
export class RetentionController {
  constructor(
    private readonly retention: RetentionService,
    private readonly purge: PurgeService,
  ) {}

  @Get('policies')
  @RequirePolicy('list', 'RetentionPolicy')
  @ApiOkResponse({ type: [RetentionPolicyView] })
  async policies(): Promise<RetentionPolicyView[]> {
    return this.retention.listPolicies();
  }

  @Post('policies')
  @RequirePolicy('create', 'RetentionPolicy')
  @ApiCreatedResponse({ type: RetentionPolicyView })
  @ApiErrors(400, 409)
  async createPolicy(
    @Body() body: CreateRetentionPolicyDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<RetentionPolicyView> {
    return this.retention.createPolicy(context, actor.id, body);
  }

  /** `{dryRun: true}`: exactly what a real run would purge now, nothing changed. */
  @Post('run')
  @HttpCode(HttpStatus.OK)
  @RequirePolicy('delete', 'RetentionPolicy')
  @ApiOkResponse({ type: RunResult })
  @ApiErrors(400)
  async run(@Body() body: RunRetentionDto, @AuditCtx() context: AuditContext): Promise<RunResult> {
    return this.purge.run(context, { dryRun: body.dryRun === true });
  }

  @Get('upcoming')
  @RequirePolicy('read', 'RetentionPolicy')
  @ApiOkResponse({ type: UpcomingPurges })
  @ApiErrors(400)
  async upcoming(@Query() query: UpcomingQuery): Promise<UpcomingPurges> {
    return this.retention.upcoming(query.days ?? 30);
  }

  @Get('receipts')
  @RequirePolicy('read', 'RetentionPolicy')
  @ApiOkResponse({ type: ReceiptPage })
  @ApiErrors(400)
  async receipts(@Query() query: ListReceiptsQuery): Promise<ReceiptPage> {
    return this.retention.listReceipts(query);
  }

  @Get('holds')
  @RequirePolicy('list', 'LegalHold')
  @ApiOkResponse({ type: [LegalHoldView] })
  @ApiErrors(400)
  async holds(@Query() query: ListHoldsQuery): Promise<LegalHoldView[]> {
    return this.retention.listHolds(query.status ?? 'active');
  }

  @Post('erasure-requests')
  @HttpCode(HttpStatus.OK)
  @RequirePolicy('delete', 'RetentionPolicy')
  @ApiOkResponse({ type: ErasureOutcome })
  @ApiErrors(400)
  async erase(
    @Body() body: ErasureRequestDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<ErasureOutcome> {
    return this.purge.erase(context, actor.id, body.claimantRef);
  }

  @Get('erasure-requests')
  @RequirePolicy('read', 'RetentionPolicy')
  @ApiOkResponse({ type: [ErasureRequestView] })
  async erasures(): Promise<ErasureRequestView[]> {
    return this.retention.listErasureRequests();
  }
}

/** Legal holds on a claim (compliance only): `{reason}` on both. */
@ApiTags('retention')
@ApiStaffAuth()
@Controller('v1/claims')
export class LegalHoldController {
  constructor(private readonly retention: RetentionService) {}

  @Post(':id/legal-hold')
  @RequirePolicy('create', 'LegalHold')
  @ApiCreatedResponse({ type: LegalHoldView })
  @ApiErrors(400, 404, 409)
  async place(
    @UuidParam('id', 'Claim not found') id: string,
    @Body() body: LegalHoldDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<LegalHoldView> {
    return this.retention.placeHold(context, actor.id, id, body.reason);
  }

  @Delete(':id/legal-hold')
  @RequirePolicy('delete', 'LegalHold')
  @ApiOkResponse({ type: LegalHoldView, description: 'the hold, now released' })
  @ApiErrors(400, 404)
  async release(
    @UuidParam('id', 'Claim not found') id: string,
    @Body() body: LegalHoldDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<LegalHoldView> {
    return this.retention.releaseHold(context, actor.id, id, body.reason);
  }
}
