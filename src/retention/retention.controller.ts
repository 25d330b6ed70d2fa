import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, UuidParam, Can } from '../common/api-docs';
import { Caller } from '../audit/audit-context';
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
  @Can('list', 'RetentionPolicy', { ok: [RetentionPolicyView] })
  async policies(): Promise<RetentionPolicyView[]> {
    return this.retention.listPolicies();
  }

  @Post('policies')
  @Can('create', 'RetentionPolicy', { created: RetentionPolicyView, errors: [400, 409] })
  async createPolicy(
    @Body() body: CreateRetentionPolicyDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<RetentionPolicyView> {
    return this.retention.createPolicy(audit, actor.id, body);
  }

  /** `{dryRun: true}`: exactly what a real run would purge now, nothing changed. */
  @Post('run')
  @HttpCode(HttpStatus.OK)
  @Can('delete', 'RetentionPolicy', { ok: RunResult, errors: [400] })
  async run(@Body() body: RunRetentionDto, @Caller() { audit }: Caller): Promise<RunResult> {
    return this.purge.run(audit, { dryRun: body.dryRun === true });
  }

  @Get('upcoming')
  @Can('read', 'RetentionPolicy', { ok: UpcomingPurges, errors: [400] })
  async upcoming(@Query() query: UpcomingQuery): Promise<UpcomingPurges> {
    return this.retention.upcoming(query.days ?? 30);
  }

  @Get('receipts')
  @Can('read', 'RetentionPolicy', { ok: ReceiptPage, errors: [400] })
  async receipts(@Query() query: ListReceiptsQuery): Promise<ReceiptPage> {
    return this.retention.listReceipts(query);
  }

  @Get('holds')
  @Can('list', 'LegalHold', { ok: [LegalHoldView], errors: [400] })
  async holds(@Query() query: ListHoldsQuery): Promise<LegalHoldView[]> {
    return this.retention.listHolds(query.status ?? 'active');
  }

  @Post('erasure-requests')
  @HttpCode(HttpStatus.OK)
  @Can('delete', 'RetentionPolicy', { ok: ErasureOutcome, errors: [400] })
  async erase(@Body() body: ErasureRequestDto, @Caller() { actor, audit }: Caller): Promise<ErasureOutcome> {
    return this.purge.erase(audit, actor.id, body.claimantRef);
  }

  @Get('erasure-requests')
  @Can('read', 'RetentionPolicy', { ok: [ErasureRequestView] })
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
  @Can('create', 'LegalHold', { created: LegalHoldView, errors: [400, 404, 409] })
  async place(
    @UuidParam('id', 'Claim not found') id: string,
    @Body() body: LegalHoldDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<LegalHoldView> {
    return this.retention.placeHold(audit, actor.id, id, body.reason);
  }

  @Delete(':id/legal-hold')
  @Can('delete', 'LegalHold', {
    ok: { type: LegalHoldView, description: 'the hold, now released' },
    errors: [400, 404],
  })
  async release(
    @UuidParam('id', 'Claim not found') id: string,
    @Body() body: LegalHoldDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<LegalHoldView> {
    return this.retention.releaseHold(audit, actor.id, id, body.reason);
  }
}
