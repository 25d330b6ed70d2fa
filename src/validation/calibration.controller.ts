import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Caller } from '../audit/audit-context';
import { ApiStaffAuth, Can } from '../common/api-docs';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { CalibrationService } from './calibration.service';
import {
  ApplyCalibrationDto,
  CalibrationStatusView,
  FitCalibrationDto,
  FitReportView,
  ResolvedThresholdsView,
  RollbackCalibrationDto,
  WhatIfDto,
  WhatIfView,
} from './calibration.views';
import { ThresholdsService } from './thresholds.service';

class LineParams {
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) @IsIn(LINES_OF_BUSINESS) line!: LineOfBusiness;
}

/** Calibrations of the decision thresholds for the configured model (admins): status, fit, what-if, apply, rollback. */
@ApiTags('validation')
@ApiStaffAuth()
@Controller('v1/calibrations')
export class CalibrationController {
  constructor(
    private readonly calibration: CalibrationService,
    private readonly thresholds: ThresholdsService,
  ) {}

  /** The configured model, and per line the calibration version in force (or safe mode) with its history; read with the quality report. */
  @Get()
  @Can('read', 'QualityReport', { ok: CalibrationStatusView })
  status() {
    return this.calibration.status();
  }

  /** Proposes thresholds meeting a false-clear target from reviewers' decisions on stored scores; applies nothing. */
  @Post('fit')
  @HttpCode(200)
  @Can('manage', 'Threshold', { ok: FitReportView, errors: [400] })
  fit(@Body() body: FitCalibrationDto) {
    return this.calibration.fit({
      target: { maxFalseClearRate: body.maxFalseClearRate, confidence: body.confidence },
      line: body.line ?? null,
      from: body.from,
      to: body.to,
    });
  }

  /** Replays stored scores of past claims under proposed thresholds (no inference) and counts what would change. */
  @Post('what-if')
  @HttpCode(200)
  @Can('manage', 'Threshold', { ok: WhatIfView, errors: [400] })
  whatIf(@Body() body: WhatIfDto) {
    return this.calibration.whatIf({ line: body.line, thresholds: body.thresholds, from: body.from, to: body.to });
  }

  /** Applies thresholds as the line's next calibration version for the configured model (audited). */
  @Post(':line/versions')
  @Can('manage', 'Threshold', { created: ResolvedThresholdsView, errors: [400] })
  async apply(@Caller() { audit }: Caller, @Param() params: LineParams, @Body() body: ApplyCalibrationDto) {
    const model = await this.thresholds.currentModel();
    return this.thresholds.apply(audit, {
      line: params.line,
      modelHash: model.hash,
      thresholds: body.thresholds,
      source: body.source,
      method: body.method,
      note: body.note ?? null,
    });
  }

  /** Restores an earlier version as the line's next version (audited). */
  @Post(':line/rollback')
  @Can('manage', 'Threshold', { created: ResolvedThresholdsView, errors: [400] })
  async rollback(@Caller() { audit }: Caller, @Param() params: LineParams, @Body() body: RollbackCalibrationDto) {
    const model = await this.thresholds.currentModel();
    return this.thresholds.rollback(audit, {
      line: params.line,
      modelHash: model.hash,
      version: body.version,
      note: body.note ?? null,
    });
  }
}
