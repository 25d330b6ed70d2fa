import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LiveView {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

export class ReadinessCheckView {
  @ApiProperty() ok!: boolean;
  @ApiPropertyOptional() detail?: string;
}

export class ReadinessView {
  @ApiProperty({ enum: ['ready', 'not_ready'] }) status!: 'ready' | 'not_ready';
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/ReadinessCheckView' },
    description: 'per dependency (database, queue, ...)',
  })
  checks!: Record<string, ReadinessCheckView>;
}
