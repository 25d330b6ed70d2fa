import { Body, Controller, Get, Param, ParseUUIDPipe, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsIn, IsNumber, Max, Min } from 'class-validator';
import { AuditCtx, type AuditContext } from '../audit/audit-context';
import type { AppAbility } from '../common/access.decorators';
import { RequirePolicy } from '../common/access.decorators';
import { CurrentAbility } from '../common/request-context';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { THRESHOLDED_KINDS, type ThresholdedKind } from './default-thresholds';
import { QualityService } from './quality.service';
import { ThresholdsService } from './thresholds.service';
import { ValidationService } from './validation.service';

export class UpdateThresholdDto {
  @IsNumber() @Min(0) @Max(1) flagAt!: number;
  @IsNumber() @Min(0) @Max(1) uncertainFrom!: number;
}

class ThresholdParams {
  @IsIn(LINES_OF_BUSINESS) line!: LineOfBusiness;
  @IsIn(THRESHOLDED_KINDS) kind!: ThresholdedKind;
}

@ApiTags('validation')
@Controller('v1')
export class ValidationController {
  constructor(
    private readonly validation: ValidationService,
    private readonly thresholds: ThresholdsService,
    private readonly quality: QualityService,
  ) {}

  /** Model–reviewer agreement per check over a period (default: the last 30 days). */
  @Get('metrics/quality')
  @RequirePolicy('read', 'QualityReport')
  qualityReport(@Query('from') from?: string, @Query('to') to?: string) {
    return this.quality.report(from, to);
  }

  @Get('claims/:id/validation')
  @RequirePolicy('read', 'ScoringRun')
  claimValidation(@CurrentAbility() ability: AppAbility, @Param('id', new ParseUUIDPipe()) claimId: string) {
    return this.validation.view(ability, claimId);
  }

  @Get('thresholds')
  @RequirePolicy('manage', 'Threshold')
  allThresholds() {
    return this.thresholds.all();
  }

  @Put('thresholds/:line/:kind')
  @RequirePolicy('manage', 'Threshold')
  updateThreshold(
    @AuditCtx() context: AuditContext,
    @Param() params: ThresholdParams,
    @Body() body: UpdateThresholdDto,
  ) {
    return this.thresholds.update(context, params.line, params.kind, body.flagAt, body.uncertainFrom);
  }
}
