import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import { RequirePolicy } from '../common/access.decorators';
import type { Actor } from '../common/actor';
import { CurrentActor } from '../common/request-context';
import { PurgeService, type ErasureOutcome, type RunResult } from './purge.service';
import {
  CreateRetentionPolicyDto,
  ErasureRequestDto,
  LegalHoldDto,
  ListHoldsQuery,
  ListReceiptsQuery,
  RunRetentionDto,
  UpcomingQuery,
} from './retention.dto';
import { RetentionService, type LegalHoldView, type ReceiptView, type RetentionPolicyView } from './retention.service';

/**
 * Retention for compliance officers (src/retention/README.md). Route rules: reading is `read`/`list`
 * on RetentionPolicy, changing policies `create`, anything that destroys data (a run, an erasure)
 * `delete` on RetentionPolicy; compliance holds `manage` on it (AbilityFactory).
 */
@ApiTags('retention')
@Controller('v1/retention')
export class RetentionController {
  constructor(
    private readonly retention: RetentionService,
    private readonly purge: PurgeService,
  ) {}

  @Get('policies')
  @RequirePolicy('list', 'RetentionPolicy')
  async policies(): Promise<RetentionPolicyView[]> {
    return this.retention.listPolicies();
  }

  @Post('policies')
  @RequirePolicy('create', 'RetentionPolicy')
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
  async run(@Body() body: RunRetentionDto, @AuditCtx() context: AuditContext): Promise<RunResult> {
    return this.purge.run(context, { dryRun: body.dryRun === true });
  }

  @Get('upcoming')
  @RequirePolicy('read', 'RetentionPolicy')
  async upcoming(@Query() query: UpcomingQuery): Promise<Awaited<ReturnType<RetentionService['upcoming']>>> {
    return this.retention.upcoming(query.days ?? 30);
  }

  @Get('receipts')
  @RequirePolicy('read', 'RetentionPolicy')
  async receipts(
    @Query() query: ListReceiptsQuery,
  ): Promise<{ items: ReceiptView[]; page: number; pageSize: number; total: number }> {
    return this.retention.listReceipts(query);
  }

  @Get('holds')
  @RequirePolicy('list', 'LegalHold')
  async holds(@Query() query: ListHoldsQuery): Promise<LegalHoldView[]> {
    return this.retention.listHolds(query.status ?? 'active');
  }

  @Post('erasure-requests')
  @HttpCode(HttpStatus.OK)
  @RequirePolicy('delete', 'RetentionPolicy')
  async erase(
    @Body() body: ErasureRequestDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<ErasureOutcome> {
    return this.purge.erase(context, actor.id, body.claimantRef);
  }

  @Get('erasure-requests')
  @RequirePolicy('read', 'RetentionPolicy')
  async erasures(): Promise<Awaited<ReturnType<RetentionService['listErasureRequests']>>> {
    return this.retention.listErasureRequests();
  }
}

/** Legal holds on a claim (compliance only): `{reason}` on both. */
@ApiTags('retention')
@Controller('v1/claims')
export class LegalHoldController {
  constructor(private readonly retention: RetentionService) {}

  @Post(':id/legal-hold')
  @RequirePolicy('create', 'LegalHold')
  async place(
    @Param('id') id: string,
    @Body() body: LegalHoldDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<LegalHoldView> {
    return this.retention.placeHold(context, actor.id, id, body.reason);
  }

  @Delete(':id/legal-hold')
  @RequirePolicy('delete', 'LegalHold')
  async release(
    @Param('id') id: string,
    @Body() body: LegalHoldDto,
    @CurrentActor() actor: Actor,
    @AuditCtx() context: AuditContext,
  ): Promise<LegalHoldView> {
    return this.retention.releaseHold(context, actor.id, id, body.reason);
  }
}
