import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ModelStatusView {
  @ApiProperty({ example: 'loaded' }) state!: string;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() hash?: string;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional() error?: string;
}

export class BackfillJobView {
  @ApiProperty() id!: string;
  @ApiProperty() state!: string;
  @ApiProperty() attemptsMade!: number;
  @ApiPropertyOptional() failedReason?: string;
  @ApiProperty({ description: 'what the job last reported' }) progress!: unknown;
}

export class BackfillProgressView {
  @ApiProperty() modelHash!: string;
  @ApiProperty() modelName!: string;
  @ApiProperty({ enum: ['running', 'completed', 'skipped'] }) state!: 'running' | 'completed' | 'skipped';
  @ApiProperty() done!: number;
  @ApiProperty() failed!: number;
  @ApiProperty() total!: number;
  @ApiProperty() photosPerSecond!: number;
  @ApiProperty({ type: Number, nullable: true }) etaSeconds!: number | null;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiPropertyOptional() reason?: string;
}

/** The model this deployment runs and the re-embedding backfill. */
export class BackfillStatusView {
  @ApiProperty({ type: () => ModelStatusView }) model!: ModelStatusView;
  @ApiProperty({ type: Number, nullable: true, description: "photos whose stored embedding is not this model's" })
  stalePhotos!: number | null;
  @ApiProperty({ type: () => [BackfillJobView] }) jobs!: BackfillJobView[];
  @ApiProperty({ type: () => BackfillProgressView, nullable: true }) last!: BackfillProgressView | null;
}
