import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { CLAIM_STATUSES, type ClaimStatus } from './claim.entity';

export const PHOTO_SOURCES = ['camera', 'scan', 'unknown'] as const;
export type PhotoSource = (typeof PHOTO_SOURCES)[number];

export class CreateClaimDto {
  @IsUUID() policyId!: string;
  @IsString() @MinLength(1) @MaxLength(200) externalReference!: string;
  @IsString()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, {
    message: 'claimedPeril must be a peril key: lowercase letters, digits or underscore',
  })
  claimedPeril!: string;
  @IsString() @MinLength(1) @MaxLength(10000) description!: string;
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'incidentDate must be a date YYYY-MM-DD' }) incidentDate!: string;
  /** Decimal string with at most two decimals (money stays exact), e.g. "1250.00". */
  @Matches(/^\d{1,12}(\.\d{1,2})?$/, {
    message: 'amount must be a non-negative decimal string with at most 2 decimals, e.g. "1250.00"',
  })
  amount!: string;
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code, e.g. EUR' }) currency!: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(200) claimantRef?: string;
  @IsIn(PHOTO_SOURCES) photoSource!: PhotoSource;
}

export class ListClaimsQuery {
  @IsOptional() @IsIn(CLAIM_STATUSES) status?: ClaimStatus;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize?: number;
}
