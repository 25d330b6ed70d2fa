import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';

export class ModelIdentityView {
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'hash of the manifest’s file hashes' }) hash!: string;
}

const OUTCOME_COUNTS = {
  type: 'object',
  additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } },
  description: 'champion outcome → challenger outcome → claims',
} as const;

export class RouteChangeView {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty() champion!: string;
  @ApiProperty() shadow!: string;
}

export class ReviewLoadView {
  @ApiProperty() champion!: number;
  @ApiProperty() shadow!: number;
}

/** The routes the challenger would have given the claims it shadowed (same thresholds, same other checks). */
export class RouteWhatIfView {
  @ApiProperty() claims!: number;
  @ApiProperty() changed!: number;
  @ApiProperty(OUTCOME_COUNTS) matrix!: Record<string, Record<string, number>>;
  @ApiProperty({ type: () => ReviewLoadView, description: 'claims sent to a person (flagged or uncertain)' })
  reviewLoad!: ReviewLoadView;
  @ApiProperty({ type: [RouteChangeView], description: 'up to 20 claims whose route would change' })
  examples!: RouteChangeView[];
}

export class ShadowCheckAgreementView {
  @ApiProperty() kind!: string;
  @ApiProperty() claims!: number;
  @ApiProperty() bothFlagged!: number;
  @ApiProperty() championOnly!: number;
  @ApiProperty() shadowOnly!: number;
  @ApiProperty() neither!: number;
  @ApiProperty({ type: Number, nullable: true }) agreement!: number | null;
  @ApiProperty({ description: 'claims with a reviewer verdict on this check' }) reviewed!: number;
  @ApiProperty({ type: Number, nullable: true }) championAgreesWithReviewers!: number | null;
  @ApiProperty({ type: Number, nullable: true }) shadowAgreesWithReviewers!: number | null;
}

export class ShadowAgreementView {
  @ApiProperty() claims!: number;
  @ApiProperty({ type: Number, nullable: true }) outcomeAgreement!: number | null;
  @ApiProperty({ type: [ShadowCheckAgreementView] }) checks!: ShadowCheckAgreementView[];
}

export class ShadowReportView {
  @ApiProperty({ type: () => ModelIdentityView }) champion!: ModelIdentityView;
  @ApiProperty({ type: () => ModelIdentityView, nullable: true, description: 'null: SHADOW_MODEL is not set' })
  shadow!: ModelIdentityView | null;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ type: () => ShadowAgreementView }) agreement!: ShadowAgreementView;
  @ApiProperty({ type: () => RouteWhatIfView }) whatIf!: RouteWhatIfView;
}

export class PromoteModelDto {
  @ApiProperty({
    description: 'the challenger’s hash, as the shadow report shows it: confirms which model is promoted',
  })
  @IsString()
  @Matches(/^[0-9a-f]{16,128}$/, { message: 'modelHash must be the hex hash shown in the shadow report' })
  modelHash!: string;
}

export class PromotionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: () => ModelIdentityView }) model!: ModelIdentityView;
  @ApiProperty({ type: () => ModelIdentityView }) previous!: ModelIdentityView;
  @ApiProperty({ type: () => RouteWhatIfView }) whatIf!: RouteWhatIfView;
  @ApiProperty({ description: 'what the operator does next to make it the scoring model' }) nextStep!: string;
  @ApiProperty({ format: 'date-time' }) promotedAt!: string;
}

export class CheckDriftView {
  @ApiProperty() kind!: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'population stability index; null without reference or data',
  })
  psi!: number | null;
  @ApiProperty({ description: 'psi above DRIFT_PSI_ALERT' }) alert!: boolean;
  @ApiProperty({ description: 'scores in the window' }) n!: number;
  @ApiProperty({ type: [Number], description: 'bin edges over [0, 1]' }) edges!: number[];
  @ApiProperty({ type: [Number], description: 'share of the reference per bin' }) reference!: number[];
  @ApiProperty({ type: [Number], description: 'share of this week per bin' }) current!: number[];
}

export class DriftReportView {
  @ApiProperty({ type: () => ModelIdentityView }) model!: ModelIdentityView;
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ description: 'DRIFT_PSI_ALERT' }) threshold!: number;
  @ApiProperty({ type: String, nullable: true, description: 'null: the model has no reference (run models:evaluate)' })
  referenceSource!: string | null;
  @ApiProperty({ type: [CheckDriftView] }) checks!: CheckDriftView[];
}

export class RequestHeatmapDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'the photo to explain; default: the photo the check names' })
  @IsOptional()
  @IsUUID()
  photoId?: string;
}

export class HeatmapView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ format: 'uuid' }) checkId!: string;
  @ApiProperty({ format: 'uuid' }) photoId!: string;
  @ApiProperty({ enum: ['pending', 'done', 'failed'] }) status!: 'pending' | 'done' | 'failed';
  @ApiProperty({ description: 'set:label explained, e.g. damage:flood' }) targetLabel!: string;
  @ApiProperty({ description: 'cells per side' }) grid!: number;
  @ApiProperty() modelHash!: string;
  @ApiProperty({
    type: [Number],
    nullable: true,
    description:
      'grid × grid, row-major over the model’s centre crop: the cell’s evidence for the label, how much the label’s probability rises over the blurred photo when the cell’s content is shown (higher = more; method in src/governance/README.md)',
  })
  drops!: number[] | null;
  @ApiProperty({ type: Number, nullable: true, description: 'the label’s probability on the whole photo' })
  baseline!: number | null;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) completedAt!: string | null;
}
