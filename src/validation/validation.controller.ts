import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiStaffAuth, UuidParam, Can } from '../common/api-docs';
import { QualityReport, ThresholdSetView, ThresholdsView, ValidationView } from './validation.views';
import { IsIn, IsNumber, Max, Min } from 'class-validator';
import { Caller } from '../audit/audit-context';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { THRESHOLDED_KINDS, type ThresholdedKind } from './default-thresholds';
import { QualityService } from './quality.service';
import { ThresholdsService } from './thresholds.service';
import { ValidationService } from './validation.service';

export class UpdateThresholdDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber() @Min(0) @Max(1) flagAt!: number;
  @ApiProperty({ minimum: 0, maximum: 1, description: 'not above flagAt' })
  @IsNumber()
  @Min(0)
  @Max(1)
  uncertainFrom!: number;
}

class ThresholdParams {
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) @IsIn(LINES_OF_BUSINESS) line!: LineOfBusiness;
  @ApiProperty({ enum: THRESHOLDED_KINDS, enumName: 'ThresholdedKind' })
  @IsIn(THRESHOLDED_KINDS)
  kind!: ThresholdedKind;
}

@ApiTags('validation')
@ApiStaffAuth()
@Controller('v1')
export class ValidationController {
  constructor(
    private readonly validation: ValidationService,
    private readonly thresholds: ThresholdsService,
    private readonly quality: QualityService,
  ) {}

  /** Model–reviewer agreement per check over a period (default: the last 30 days). */
  @Get('metrics/quality')
  @Can('read', 'QualityReport', { ok: QualityReport, errors: [400] })
  @ApiQuery({
    name: 'from',
    required: false,
    type: String,
    format: 'date-time',
    description: 'default: 30 days before `to`',
  })
  @ApiQuery({ name: 'to', required: false, type: String, format: 'date-time', description: 'default: now' })
  qualityReport(@Query('from') from?: string, @Query('to') to?: string) {
    return this.quality.report(from, to);
  }

  @Get('claims/:id/validation')
  @Can('read', 'ScoringRun', { ok: ValidationView, errors: [404] })
  claimValidation(@Caller() { ability }: Caller, @UuidParam('id', 'Claim not found') claimId: string) {
    return this.validation.view(ability, claimId);
  }

  @Get('thresholds')
  @Can('manage', 'Threshold', { ok: ThresholdsView })
  allThresholds() {
    return this.thresholds.all();
  }

  @Put('thresholds/:line/:kind')
  @Can('manage', 'Threshold', {
    ok: { type: ThresholdSetView, description: "the line's thresholds after the change" },
    errors: [400],
  })
  updateThreshold(@Caller() { audit }: Caller, @Param() params: ThresholdParams, @Body() body: UpdateThresholdDto) {
    return this.thresholds.update(audit, params.line, params.kind, body.flagAt, body.uncertainFrom);
  }
}
