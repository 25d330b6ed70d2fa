import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, UuidParam, Can } from '../common/api-docs';
import { Caller } from '../audit/audit-context';
import { PurgeService, ErasureOutcome, RunResult } from './purge.service';
import {
  CreateRetentionPolicyDto,
  DecideRetentionChangeDto,
  EditRetentionPolicyDto,
  ErasureStatusDto,
  ListChangesQuery,
  ListErasureRequestsQuery,
  PlaceHoldDto,
  RejectRetentionChangeDto,
  RetireRetentionPolicyDto,
  ErasureRequestDto,
  LegalHoldDto,
  ListHoldsQuery,
  ListReceiptsQuery,
  RunRetentionDto,
  UpcomingQuery,
} from './retention.dto';
import { RetentionService, LegalHoldView, RetentionPolicyView } from './retention.service';
import {
  ErasureRequestView,
  ReceiptPage,
  RetentionChangeDetailView,
  RetentionChangeView,
  UpcomingPurges,
} from './retention.views';

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

  /**
   * A new policy. Applied at once (`status: applied`, `policyId` = its version) unless it makes data
   * deletable sooner than RETENTION_CHANGE_NOTICE_DAYS: then a proposal (`pending`) for a second officer.
   */
  @Post('policies')
  @Can('create', 'RetentionPolicy', { created: RetentionChangeView, errors: [400, 409] })
  async createPolicy(
    @Body() body: CreateRetentionPolicyDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<RetentionChangeView> {
    return this.retention.createPolicy(audit, actor.id, body);
  }

  /** A new version of the policy `:key` (its policyKey): applied at once when it only lengthens retention. */
  @Patch('policies/:key')
  @Can('update', 'RetentionPolicy', { ok: RetentionChangeView, errors: [400, 404, 409] })
  async editPolicy(
    @Param('key') key: string,
    @Body() body: EditRetentionPolicyDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<RetentionChangeView> {
    return this.retention.editPolicy(audit, actor.id, key, body);
  }

  /** Retires the policy `:key` from `effectiveFrom` (default now); retiring a keep policy needs approval. */
  @Post('policies/:key/retire')
  @HttpCode(HttpStatus.OK)
  @Can('update', 'RetentionPolicy', { ok: RetentionChangeView, errors: [400, 404, 409] })
  async retirePolicy(
    @Param('key') key: string,
    @Body() body: RetireRetentionPolicyDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<RetentionChangeView> {
    return this.retention.retirePolicy(audit, actor.id, key, body);
  }

  @Get('changes')
  @Can('list', 'RetentionChange', { ok: [RetentionChangeView], errors: [400] })
  async changes(@Query() query: ListChangesQuery): Promise<RetentionChangeView[]> {
    return this.retention.listChanges(query.status ?? 'pending');
  }

  /** The change with its dry run: what it would purge of current data, and when, if approved now. */
  @Get('changes/:id')
  @Can('read', 'RetentionChange', { ok: RetentionChangeDetailView, errors: [404] })
  async change(@Param('id') id: string): Promise<RetentionChangeDetailView> {
    return this.retention.getChange(id);
  }

  /** Approve a pending change: a second compliance officer only (403 for its proposer). */
  @Post('changes/:id/approve')
  @HttpCode(HttpStatus.OK)
  @Can('approve', 'RetentionChange', { ok: RetentionChangeView, errors: [400, 404, 409] })
  async approve(
    @Param('id') id: string,
    @Body() body: DecideRetentionChangeDto,
    @Caller() { actor, ability, audit }: Caller,
  ): Promise<RetentionChangeView> {
    return this.retention.approveChange(audit, ability, actor.id, id, body.note);
  }

  @Post('changes/:id/reject')
  @HttpCode(HttpStatus.OK)
  @Can('delete', 'RetentionChange', { ok: RetentionChangeView, errors: [400, 404, 409] })
  async reject(
    @Param('id') id: string,
    @Body() body: RejectRetentionChangeDto,
    @Caller() { actor, audit }: Caller,
  ): Promise<RetentionChangeView> {
    return this.retention.rejectChange(audit, actor.id, id, body.note);
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

  /** Place a hold by what people know: the claim number (externalReference) or the claim id. */
  @Post('holds')
  @Can('create', 'LegalHold', { created: LegalHoldView, errors: [400, 404, 409] })
  async placeHold(@Body() body: PlaceHoldDto, @Caller() { actor, audit }: Caller): Promise<LegalHoldView> {
    const claimId = await this.retention.resolveClaim(body.claim);
    return this.retention.placeHold(audit, actor.id, claimId, body.reason);
  }

  @Post('erasure-requests')
  @HttpCode(HttpStatus.OK)
  @Can('delete', 'RetentionPolicy', { ok: ErasureOutcome, errors: [400] })
  async erase(@Body() body: ErasureRequestDto, @Caller() { actor, audit }: Caller): Promise<ErasureOutcome> {
    return this.retention.erase(audit, actor.id, body);
  }

  /** Erasure requests with due date, status and the claims of the claimant; `overdue=true`: open and past due. */
  @Get('erasure-requests')
  @Can('read', 'RetentionPolicy', { ok: [ErasureRequestView], errors: [400] })
  async erasures(@Query() query: ListErasureRequestsQuery): Promise<ErasureRequestView[]> {
    return this.retention.listErasureRequests(query.overdue === true);
  }

  /** Carry out a registered request now. */
  @Post('erasure-requests/:id/execute')
  @HttpCode(HttpStatus.OK)
  @Can('delete', 'RetentionPolicy', { ok: ErasureOutcome, errors: [404, 409] })
  async executeErasure(@Param('id') id: string, @Caller() { audit }: Caller): Promise<ErasureOutcome> {
    return this.retention.executeErasure(audit, id);
  }

  /** Mark an open request in progress, or reject it with a reason. */
  @Post('erasure-requests/:id/status')
  @HttpCode(HttpStatus.OK)
  @Can('update', 'RetentionPolicy', { ok: ErasureRequestView, errors: [400, 404, 409] })
  async erasureStatus(
    @Param('id') id: string,
    @Body() body: ErasureStatusDto,
    @Caller() { audit }: Caller,
  ): Promise<ErasureRequestView> {
    return this.retention.changeErasureStatus(audit, id, body.status, body.reason);
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
