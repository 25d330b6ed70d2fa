import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { CHECK_KINDS } from './check.entity';
import type { ThresholdSet } from './default-thresholds';
import { ThresholdSetView } from './validation.views';

export class CalibrationVersionRefView {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'null for the committed calibration (version 0)',
  })
  id!: string | null;
  @ApiProperty({ description: '0: the calibration committed with the code for this model' }) version!: number;
  @ApiProperty({ enum: ['builtin', 'fit', 'manual', 'rollback'] }) source!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) createdAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
}

/** The thresholds in force for the configured model, prompt templates and one line. */
export class ResolvedThresholdsView {
  @ApiProperty() modelHash!: string;
  @ApiProperty({ description: 'the prompt templates version the calibration is keyed by' }) promptSetVersion!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) line!: string;
  @ApiProperty({ type: () => ThresholdSetView }) thresholds!: ThresholdSetView;
  @ApiProperty({ description: 'no calibration: nothing is auto-cleared, every claim goes to review' })
  safeMode!: boolean;
  @ApiProperty({ type: () => CalibrationVersionRefView, nullable: true })
  calibration!: CalibrationVersionRefView | null;
}

export class CalibrationVersionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: ['fit', 'manual', 'rollback'] }) source!: string;
  @ApiProperty({ type: () => ThresholdSetView }) thresholds!: ThresholdSetView;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'the fit that proposed it (target, λ, bound), if any',
  })
  method!: Record<string, unknown>;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: Number, nullable: true }) rolledBackTo!: number | null;
  @ApiProperty({ type: String, nullable: true }) createdBy!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class LineCalibrationView {
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) line!: string;
  @ApiProperty() safeMode!: boolean;
  @ApiProperty({
    description: 'a calibration committed with the code exists for this model (version 0, a rollback target)',
  })
  committedCalibration!: boolean;
  @ApiProperty({ type: () => ResolvedThresholdsView }) current!: ResolvedThresholdsView;
  @ApiProperty({ type: () => [CalibrationVersionView], description: 'newest first' })
  versions!: CalibrationVersionView[];
}

export class ModelIdentityView {
  @ApiProperty() name!: string;
  @ApiProperty() hash!: string;
}

/** GET /v1/calibrations. */
export class CalibrationStatusView {
  @ApiProperty({ type: () => ModelIdentityView }) model!: ModelIdentityView;
  @ApiProperty() promptSetVersion!: string;
  @ApiProperty({ description: 'true when some line has no calibration for this model' }) safeMode!: boolean;
  @ApiProperty({ type: () => [LineCalibrationView] }) lines!: LineCalibrationView[];
}

export class CalibrationTargetDto {
  @ApiProperty({
    minimum: 0.0001,
    maximum: 0.5,
    example: 0.02,
    description: 'α: the highest acceptable false-clear rate among auto-cleared claims',
  })
  @IsNumber()
  @Min(0.0001)
  @Max(0.5)
  maxFalseClearRate!: number;
  @ApiProperty({ minimum: 0.5, maximum: 0.9999, example: 0.95, description: '1 − δ: how sure the guarantee is' })
  @IsNumber()
  @Min(0.5)
  @Max(0.9999)
  confidence!: number;
}

export class FitCalibrationDto extends CalibrationTargetDto {
  @ApiPropertyOptional({
    enum: LINES_OF_BUSINESS,
    enumName: 'LineOfBusiness',
    description: 'default: both lines pooled',
  })
  @IsOptional()
  @IsIn(LINES_OF_BUSINESS)
  line?: LineOfBusiness;
  @ApiPropertyOptional({ format: 'date-time', description: 'scored from (default: a year before `to`)' })
  @IsOptional()
  @IsISO8601()
  from?: string;
  @ApiPropertyOptional({ format: 'date-time', description: 'scored before (default: now)' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class ThresholdPairDto {
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber() @Min(0) @Max(1) flagAt!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) @IsNumber() @Min(0) @Max(1) uncertainFrom!: number;
}

export class ThresholdSetDto {
  @ApiProperty({ type: () => ThresholdPairDto })
  @ValidateNested()
  @Type(() => ThresholdPairDto)
  peril_mismatch!: ThresholdPairDto;
  @ApiProperty({ type: () => ThresholdPairDto })
  @ValidateNested()
  @Type(() => ThresholdPairDto)
  exclusion_evident!: ThresholdPairDto;
  @ApiProperty({ type: () => ThresholdPairDto })
  @ValidateNested()
  @Type(() => ThresholdPairDto)
  object_mismatch!: ThresholdPairDto;
  @ApiProperty({ type: () => ThresholdPairDto })
  @ValidateNested()
  @Type(() => ThresholdPairDto)
  no_visible_damage!: ThresholdPairDto;
  @ApiProperty({ type: () => ThresholdPairDto })
  @ValidateNested()
  @Type(() => ThresholdPairDto)
  duplicate_photo!: ThresholdPairDto;
}

export class WhatIfDto {
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) @IsIn(LINES_OF_BUSINESS) line!: LineOfBusiness;
  @ApiProperty({ type: () => ThresholdSetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ThresholdSetDto)
  thresholds!: ThresholdSet;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() from?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601() to?: string;
}

export class ApplyCalibrationDto {
  @ApiProperty({ type: () => ThresholdSetDto })
  @IsObject()
  @ValidateNested()
  @Type(() => ThresholdSetDto)
  thresholds!: ThresholdSet;
  @ApiProperty({
    enum: ['fit', 'manual'],
    description: 'fit: the thresholds a fit proposed (send its method); manual: edited by hand',
  })
  @IsIn(['fit', 'manual'])
  source!: 'fit' | 'manual';
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'the fit behind it: target, λ, bound, claims',
  })
  @IsOptional()
  @IsObject()
  method?: Record<string, unknown>;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class RollbackCalibrationDto {
  @ApiProperty({ minimum: 0, description: 'the version to restore (0: the committed calibration)' })
  @IsInt()
  @Min(0)
  version!: number;
  @ApiPropertyOptional({ maxLength: 500 }) @IsOptional() @IsString() @MaxLength(500) note?: string;
}

export class OutcomeCountsView {
  @ApiProperty() consistent!: number;
  @ApiProperty() inconsistent!: number;
  @ApiProperty() needs_review!: number;
}

export class OutcomeChangeView {
  @ApiProperty({ enum: ['consistent', 'inconsistent', 'needs_review'] }) from!: string;
  @ApiProperty({ enum: ['consistent', 'inconsistent', 'needs_review'] }) to!: string;
  @ApiProperty() count!: number;
}

export class CheckRouteChangeView {
  @ApiProperty({ enum: CHECK_KINDS, enumName: 'CheckKind' }) kind!: string;
  @ApiProperty({ enum: ['flagged', 'uncertain', 'clear'] }) from!: string;
  @ApiProperty({ enum: ['flagged', 'uncertain', 'clear'] }) to!: string;
  @ApiProperty() count!: number;
}

export class DecidedChangeView {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ description: "the reviewer's final decision" }) decision!: string;
  @ApiProperty({ enum: ['consistent', 'inconsistent', 'needs_review'] }) from!: string;
  @ApiProperty({ enum: ['consistent', 'inconsistent', 'needs_review'] }) to!: string;
}

/** POST /v1/calibrations/what-if: stored scores replayed under the applied and the proposed thresholds. */
export class WhatIfView {
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) line!: string;
  @ApiProperty({ type: Number, nullable: true }) currentVersion!: number | null;
  @ApiProperty() currentSafeMode!: boolean;
  @ApiProperty() claims!: number;
  @ApiProperty({ type: () => OutcomeCountsView }) current!: OutcomeCountsView;
  @ApiProperty({ type: () => OutcomeCountsView }) proposed!: OutcomeCountsView;
  @ApiProperty({ type: () => [OutcomeChangeView] }) outcomeChanges!: OutcomeChangeView[];
  @ApiProperty({ type: () => [CheckRouteChangeView] }) checkChanges!: CheckRouteChangeView[];
  @ApiProperty({ type: () => [DecidedChangeView] }) decidedChanged!: DecidedChangeView[];
}

export class LttStepView {
  @ApiProperty() lambda!: number;
  @ApiProperty() cleared!: number;
  @ApiProperty() falseClears!: number;
  @ApiProperty() upperBound!: number;
  @ApiProperty() rejected!: boolean;
}

export class LttResultView {
  @ApiProperty({ description: 'chosen λ: uncertainFrom = λ·flagAt for the model checks (0: nothing auto-cleared)' })
  lambda!: number;
  @ApiProperty({ type: () => [LttStepView] }) steps!: LttStepView[];
  @ApiProperty() cleared!: number;
  @ApiProperty() falseClears!: number;
  @ApiProperty() upperBound!: number;
  @ApiProperty() calibrationClaims!: number;
}

export class ReliabilityBinView {
  @ApiProperty() from!: number;
  @ApiProperty() to!: number;
  @ApiProperty() count!: number;
  @ApiProperty({ type: Number, nullable: true }) meanScore!: number | null;
  @ApiProperty({ type: Number, nullable: true }) observedRate!: number | null;
}

export class PrPointView {
  @ApiProperty() flagAt!: number;
  @ApiProperty() flagged!: number;
  @ApiProperty({ type: Number, nullable: true }) precision!: number | null;
  @ApiProperty({ type: Number, nullable: true }) recall!: number | null;
}

export class CheckFitView {
  @ApiProperty({ enum: CHECK_KINDS, enumName: 'CheckKind' }) kind!: string;
  @ApiProperty() labelled!: number;
  @ApiProperty() positives!: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'expected calibration error of the score read as a probability',
  })
  ece!: number | null;
  @ApiProperty({ type: () => [ReliabilityBinView] }) reliability!: ReliabilityBinView[];
  @ApiProperty({ type: () => [PrPointView] }) precisionRecall!: PrPointView[];
  @ApiProperty() cleared!: number;
  @ApiProperty() falseClears!: number;
  @ApiProperty() falseClearUpperBound!: number;
}

export class ProposalView {
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) line!: string;
  @ApiProperty({ type: () => ResolvedThresholdsView }) current!: ResolvedThresholdsView;
  @ApiProperty({ type: () => ThresholdSetView }) proposed!: ThresholdSetView;
}

export class CalibrationTargetView {
  @ApiProperty() maxFalseClearRate!: number;
  @ApiProperty() confidence!: number;
}

/** POST /v1/calibrations/fit: proposed thresholds with their guarantee; nothing applied. */
export class FitReportView {
  @ApiProperty({ type: () => ModelIdentityView }) model!: ModelIdentityView;
  @ApiProperty() promptSetVersion!: string;
  @ApiProperty() method!: string;
  @ApiProperty({ type: () => CalibrationTargetView }) target!: CalibrationTargetView;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness', isArray: true }) lines!: string[];
  @ApiProperty({ enum: ['file', 'reviewers'] }) labelSource!: string;
  @ApiProperty() claims!: number;
  @ApiProperty() positives!: number;
  @ApiProperty({ type: () => LttResultView }) ltt!: LttResultView;
  @ApiProperty({ type: () => [ProposalView] }) proposals!: ProposalView[];
  @ApiProperty({ type: () => [CheckFitView] }) checks!: CheckFitView[];
  @ApiProperty() guarantee!: string;
}
