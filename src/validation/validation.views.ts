import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { CHECK_KINDS, type CheckKind } from './check.entity';
import { THRESHOLDED_KINDS } from './default-thresholds';

/** A check's thresholds: flag at or above `flagAt`, review from `uncertainFrom`. */
export class ThresholdView {
  @ApiProperty({ minimum: 0, maximum: 1 }) flagAt!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) uncertainFrom!: number;
}

/** One ThresholdView per thresholded check kind (properties added below, one per kind). */
export class ThresholdSetView {
  [kind: string]: ThresholdView;
}
for (const kind of THRESHOLDED_KINDS) ApiProperty({ type: () => ThresholdView })(ThresholdSetView.prototype, kind);

/** A prompt class's score for one photo: the averaged-ensemble cosine and the softmax probability. */
export class LabelScoreView {
  @ApiProperty() cosine!: number;
  @ApiProperty({ minimum: 0, maximum: 1 }) probability!: number;
}

/** What the image-quality check measured on the original. */
export class ImageQualityMeasuresView {
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty({ description: 'mean luminance, 0–255' }) brightness!: number;
  @ApiProperty({ description: 'standard deviation of the Laplacian on a 512 px greyscale copy' }) sharpness!: number;
}

/** A label → score map (the prompt class keys of the run's prompt set). */
const LABEL_SCORES = { type: 'object', additionalProperties: { $ref: getSchemaPath(LabelScoreView) } } as const;

/** One photo's numbers in a scoring run. */
@ApiExtraModels(LabelScoreView)
export class PhotoScoresView {
  @ApiProperty({ description: 'false when the image-quality check flagged the photo' }) usable!: boolean;
  @ApiProperty({ type: () => ImageQualityMeasuresView }) quality!: ImageQualityMeasuresView;
  @ApiProperty({ ...LABEL_SCORES, description: 'damage class key → score' })
  damage!: Record<string, LabelScoreView>;
  @ApiProperty({ ...LABEL_SCORES, description: 'insured-object class key → score' })
  objects!: Record<string, LabelScoreView>;
}

export class PromptClassView {
  @ApiProperty() key!: string;
  @ApiProperty({ type: [String] }) prompts!: string[];
}

/** The prompts the photos were compared with. */
export class PromptSetView {
  @ApiProperty() version!: string;
  @ApiProperty({ type: () => [PromptClassView] }) damage!: PromptClassView[];
  @ApiProperty({ type: () => [PromptClassView] }) objects!: PromptClassView[];
}

/** A run's raw numbers (as ValidationService's runScores stores them); every field absent once retention purged them. */
@ApiExtraModels(PhotoScoresView)
export class RunScoresView {
  @ApiPropertyOptional({ type: String, nullable: true, description: "the insured-object noun of the claim's policy" })
  insuredObject?: string | null;
  @ApiPropertyOptional({ type: () => PromptSetView }) promptSet?: PromptSetView;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { $ref: getSchemaPath(PhotoScoresView) },
    description: 'photo id → its scores',
  })
  photos?: Record<string, PhotoScoresView>;
}

export class ScoringRunView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() modelId!: string;
  @ApiProperty() modelHash!: string;
  @ApiProperty() provider!: string;
  @ApiProperty() promptSetVersion!: string;
  @ApiProperty({ type: () => ThresholdSetView, description: 'the thresholds in force when the claim was scored' })
  thresholds!: ThresholdSetView;
  @ApiProperty({ type: String, nullable: true }) outcome!: string | null;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    type: () => RunScoresView,
    description: 'the raw numbers, enough to replay the decision; `{}` once retention purged them (embeddings_scores)',
  })
  scores!: RunScoresView;
}

/** The policy clause a check tested, in the policy's words. */
export class CheckClauseView {
  @ApiProperty() code!: string;
  @ApiProperty({ enum: ['coverage', 'exclusion'] }) kind!: string;
  @ApiProperty() text!: string;
}

/** A prompt class a check compared the photos with, and its probability (on the check's photo, else the best photo). */
export class CheckPromptView {
  @ApiProperty({ enum: ['damage', 'objects'] }) group!: string;
  @ApiProperty() key!: string;
  @ApiProperty({ type: [String] }) prompts!: string[];
  @ApiProperty({ type: Number, nullable: true, description: 'null once retention purged the scores' })
  probability!: number | null;
}

export class CheckView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CHECK_KINDS, enumName: 'CheckKind' }) kind!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) photoId!: string | null;
  @ApiProperty() score!: number;
  @ApiProperty() confidence!: number;
  @ApiProperty() flagged!: boolean;
  @ApiProperty() uncertain!: boolean;
  @ApiProperty() severity!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'what the check saw (`threshold` for thresholded checks); another claim the caller may not see is redacted',
  })
  evidence!: Record<string, unknown>;
  @ApiProperty({
    type: () => CheckClauseView,
    nullable: true,
    description:
      'the policy clause the check tested; null for checks that test none (duplicate, EXIF, quality, object)',
  })
  clause!: CheckClauseView | null;
  @ApiProperty({ type: () => [CheckPromptView], description: 'the prompt classes it compared, with their scores' })
  prompts!: CheckPromptView[];
}

/** GET /v1/claims/:id/validation: the latest scoring run and its checks. */
export class ValidationView {
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: () => ScoringRunView, nullable: true }) run!: ScoringRunView | null;
  @ApiProperty({ type: () => [CheckView] }) checks!: CheckView[];
}

export class QualityDayView {
  @ApiProperty({ format: 'date' }) day!: string;
  @ApiProperty() agreed!: number;
  @ApiProperty() disagreed!: number;
}

/** Model–reviewer agreement for one check kind over the report's period. */
export class CheckQuality {
  @ApiProperty({ enum: CHECK_KINDS, enumName: 'CheckKind' }) kind!: CheckKind;
  @ApiProperty() reviewed!: number;
  @ApiProperty() agreed!: number;
  @ApiProperty() disagreed!: number;
  @ApiProperty() truePositive!: number;
  @ApiProperty() falsePositive!: number;
  @ApiProperty() falseNegative!: number;
  @ApiProperty({ type: Number, nullable: true }) precision!: number | null;
  @ApiProperty({ type: Number, nullable: true }) recall!: number | null;
  @ApiProperty({ type: Number, nullable: true }) currentFlagAt!: number | null;
  /** The flagAt that would have agreed most with reviewers over the period; shown, never applied. */
  @ApiProperty({ type: Number, nullable: true, description: 'shown to supervisors, never applied by the service' })
  recommendedFlagAt!: number | null;
  @ApiProperty({ type: Number, nullable: true }) recommendedAgreement!: number | null;
  @ApiProperty({ type: () => [QualityDayView] }) series!: QualityDayView[];
}

/** GET /v1/metrics/quality. */
export class QualityReport {
  @ApiProperty({ format: 'date-time' }) from!: string;
  @ApiProperty({ format: 'date-time' }) to!: string;
  @ApiProperty({ type: () => [CheckQuality] }) checks!: CheckQuality[];
}

/** Per line of business, per thresholded check kind. */
export class ThresholdsView {
  @ApiProperty({ type: () => ThresholdSetView }) auto!: ThresholdSetView;
  @ApiProperty({ type: () => ThresholdSetView }) property!: ThresholdSetView;
}
