import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiQuery, ApiTags } from '@nestjs/swagger';
import { Caller } from '../audit/audit-context';
import { ApiStaffAuth, Can, UuidParam } from '../common/api-docs';
import { DriftService } from './drift.service';
import { GovernanceService } from './governance.service';
import {
  DriftReportView,
  HeatmapView,
  PromoteModelDto,
  PromotionView,
  RequestHeatmapDto,
  ShadowReportView,
} from './governance.views';
import { HeatmapService } from './heatmap.service';

@ApiTags('models')
@ApiStaffAuth()
@Controller('v1')
export class GovernanceController {
  constructor(
    private readonly governance: GovernanceService,
    private readonly drift: DriftService,
    private readonly heatmaps: HeatmapService,
  ) {}

  /** The challenger (SHADOW_MODEL) against the champion and the reviewers, and the routes it would have given. */
  @Get('models/shadow')
  @Can('read', 'QualityReport', { ok: ShadowReportView, errors: [400] })
  @ApiQuery({ name: 'from', required: false, type: String, format: 'date-time', description: 'default: 30 days ago' })
  shadowReport(@Query('from') from?: string) {
    return this.governance.report(from);
  }

  /** Promotes the challenger (admin): recorded with its what-if and audited; the answer says what to configure. */
  @Post('models/shadow/promote')
  @HttpCode(200)
  @Can('manage', 'ModelGovernance', { ok: PromotionView, errors: [400, 409] })
  promote(@Caller() { audit }: Caller, @Body() body: PromoteModelDto) {
    return this.governance.promote(audit, body.modelHash);
  }

  /** Score drift per model check: this week against the model's reference (PSI). */
  @Get('models/drift')
  @Can('read', 'QualityReport', { ok: DriftReportView })
  driftReport() {
    return this.drift.report();
  }

  /** Asks for the occlusion heatmap of a flagged check's photo (computed by a worker, cached). */
  @Post('claims/:id/checks/:checkId/heatmap')
  @HttpCode(202)
  @Can('view_content', 'Photo', { accepted: HeatmapView, errors: [400, 404] })
  requestHeatmap(
    @Caller() { audit, ability }: Caller,
    @UuidParam('id', 'Claim not found') claimId: string,
    @UuidParam('checkId', 'Check not found') checkId: string,
    @Body() body: RequestHeatmapDto,
  ) {
    return this.heatmaps.request(audit, ability, claimId, checkId, body.photoId);
  }

  /** A heatmap (poll until status is done or failed); reading a finished one is audited. */
  @Get('heatmaps/:id')
  @Can('view_content', 'Photo', { ok: HeatmapView, errors: [404] })
  heatmap(@Caller() { audit, ability }: Caller, @Param('id') id: string) {
    return this.heatmaps.get(audit, ability, id);
  }
}
