import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PageParam, PageSizeParam } from '../common/dto-fields';
import { CLAIM_STATUSES, type ClaimStatus } from './claim.entity';
import { RESPONSE_NOTE_MAX_LENGTH } from './information-request-policy';

export const PHOTO_SOURCES = ['camera', 'scan', 'unknown'] as const;
export type PhotoSource = (typeof PHOTO_SOURCES)[number];

export class CreateClaimDto {
  @ApiProperty({ format: 'uuid' }) @IsUUID() policyId!: string;
  @ApiProperty({ minLength: 1, maxLength: 200, description: "the intake system's own reference" })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  externalReference!: string;
  @ApiProperty({ pattern: '^[a-z][a-z0-9_]{0,63}$', example: 'water_damage', description: 'a peril key of the policy' })
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, {
    message: 'claimedPeril must be a peril key: lowercase letters, digits or underscore',
  })
  claimedPeril!: string;
  @ApiProperty({ minLength: 1, maxLength: 10000 }) @IsString() @MinLength(1) @MaxLength(10000) description!: string;
  @ApiProperty({ format: 'date', example: '2024-03-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'incidentDate must be a date YYYY-MM-DD' })
  incidentDate!: string;
  /** Decimal string with at most two decimals (money stays exact), e.g. "1250.00". */
  @ApiProperty({ pattern: '^\\d{1,12}(\\.\\d{1,2})?$', example: '1250.00' })
  @Matches(/^\d{1,12}(\.\d{1,2})?$/, {
    message: 'amount must be a non-negative decimal string with at most 2 decimals, e.g. "1250.00"',
  })
  amount!: string;
  @ApiProperty({ pattern: '^[A-Z]{3}$', example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code, e.g. EUR' })
  currency!: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, description: 'the data subject (for erasure requests)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  claimantRef?: string;
  @ApiProperty({ enum: PHOTO_SOURCES, enumName: 'PhotoSource' }) @IsIn(PHOTO_SOURCES) photoSource!: PhotoSource;
}

export class ListClaimsQuery {
  @ApiPropertyOptional({ enum: CLAIM_STATUSES, enumName: 'ClaimStatus' })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: ClaimStatus;
  @PageParam() page?: number;
  @PageSizeParam(100, 20) pageSize?: number;
}

/** The intake system's answer to an information request: the photos are uploaded before; the note is optional. */
export class ResubmitClaimDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: RESPONSE_NOTE_MAX_LENGTH,
    description: "a short note for the adjuster (the claimant's answer in words)",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(RESPONSE_NOTE_MAX_LENGTH, { message: `note must be at most ${RESPONSE_NOTE_MAX_LENGTH} characters` })
  note?: string;
}
