import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A public JWK (RFC 7517) of the intake key: P-256 for ECDH-ES+A256KW. */
export class IntakeJwkView {
  @ApiProperty({ example: 'EC' }) kty!: string;
  @ApiPropertyOptional({ example: 'P-256' }) crv?: string;
  @ApiPropertyOptional() x?: string;
  @ApiPropertyOptional() y?: string;
  @ApiPropertyOptional({ description: 'RFC 7638 thumbprint' }) kid?: string;
  @ApiPropertyOptional({ example: 'enc' }) use?: string;
  @ApiPropertyOptional({ example: 'ECDH-ES+A256KW' }) alg?: string;
}

export class IntakeJwksView {
  @ApiProperty({ type: () => [IntakeJwkView] }) keys!: IntakeJwkView[];
}
