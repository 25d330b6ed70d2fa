import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
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

const KEY = /^[a-z][a-z0-9_]{0,63}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ListClaimsQuery {
  @ApiPropertyOptional({ enum: CLAIM_STATUSES, enumName: 'ClaimStatus' })
  @IsOptional()
  @IsIn(CLAIM_STATUSES)
  status?: ClaimStatus;
  /**
   * Search: the claim id (exactly), or part of the external reference, the policy number or the claimant
   * reference (case-insensitive).
   */
  @ApiPropertyOptional({
    minLength: 3,
    maxLength: 100,
    description:
      'search: a claim id (exact), or part of the external reference, policy number or claimant reference (case-insensitive)',
  })
  @IsOptional()
  @IsString()
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @MinLength(3, { message: 'q must be at least 3 characters' })
  @MaxLength(100, { message: 'q must be at most 100 characters' })
  q?: string;
  @ApiPropertyOptional({ example: 'hail', description: 'the claimed peril key' })
  @IsOptional()
  @Matches(KEY, { message: 'peril must be a peril key: lowercase letters, digits or underscore' })
  peril?: string;
  @ApiPropertyOptional({ example: 'property', description: "the policy's line of business" })
  @IsOptional()
  @Matches(KEY, { message: 'lineOfBusiness must be a key: lowercase letters, digits or underscore' })
  lineOfBusiness?: string;
  @ApiPropertyOptional({ description: "the claim's team (staff who see one team only see that one anyway)" })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  team?: string;
  @ApiPropertyOptional({ format: 'date', description: 'created on or after this day (UTC)' })
  @IsOptional()
  @Matches(DATE, { message: 'createdFrom must be a date YYYY-MM-DD' })
  createdFrom?: string;
  @ApiPropertyOptional({ format: 'date', description: 'created on or before this day (UTC)' })
  @IsOptional()
  @Matches(DATE, { message: 'createdTo must be a date YYYY-MM-DD' })
  createdTo?: string;
  @ApiPropertyOptional({
    example: 'exif_anomaly',
    description: 'staff: the latest scoring run flagged (or was uncertain about) this check kind',
  })
  @IsOptional()
  @Matches(KEY, { message: 'check must be a check kind: lowercase letters, digits or underscore' })
  check?: string;
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
