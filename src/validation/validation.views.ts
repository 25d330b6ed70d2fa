import { ApiProperty } from '@nestjs/swagger';
import { CHECK_KINDS, type CheckKind } from './check.entity';
import { THRESHOLDED_KINDS } from './default-thresholds';

/** A flag in a validation summary. */
export class ValidationFlagView {
  @ApiProperty() kind!: string;
  @ApiProperty() severity!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) photoId!: string | null;
}

/** What staff see of a claim's validation at a glance; the full view is GET /v1/claims/:id/validation. */
export class ValidationSummary {
  @ApiProperty({ type: String, nullable: true }) outcome!: string | null;
  @ApiProperty({ format: 'date-time' }) scoredAt!: string;
  @ApiProperty() modelId!: string;
  @ApiProperty() promptSetVersion!: string;
  @ApiProperty({ type: () => [ValidationFlagView] }) flags!: ValidationFlagView[];
  @ApiProperty({ type: [String], description: 'kinds of the checks too close to call' }) uncertain!: string[];
}

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
    type: 'object',
    additionalProperties: true,
    description:
      'raw scores: `insuredObject` and `photos` (per photo id: `usable`, `quality`, and `damage`/`objects` label → {cosine, probability})',
  })
  scores!: Record<string, unknown>;
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
