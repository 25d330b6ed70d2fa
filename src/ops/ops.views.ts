import { ApiProperty } from '@nestjs/swagger';

export class ProbeCreatedView {
  @ApiProperty({ format: 'uuid' }) probeId!: string;
  @ApiProperty() jobId!: string;
}

export class ProbeCompletionView {
  @ApiProperty({ description: 'the audit event that recorded the completion' }) seq!: number;
  [detail: string]: unknown;
}

export class ProbeStatusView {
  @ApiProperty({ format: 'uuid' }) probeId!: string;
  @ApiProperty({ type: () => [ProbeCompletionView], description: 'one per completion, with its audit details' })
  completions!: ProbeCompletionView[];
}
