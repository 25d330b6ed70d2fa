import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { LINES_OF_BUSINESS } from '../policies/policy.entity';
import {
  DATA_CLASSES,
  RETENTION_ACTIONS,
  RETENTION_TRIGGERS,
  type DataClass,
  type RetentionAction,
  type RetentionTrigger,
} from './retention.entity';

export class CreateRetentionPolicyDto {
  @IsIn(DATA_CLASSES) dataClass!: DataClass;
  /** Absent or null: every line of business. */
  @IsOptional() @IsIn(LINES_OF_BUSINESS) lineOfBusiness?: string | null;
  /** Absent or null: every jurisdiction. */
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) jurisdiction?: string | null;
  @Type(() => Number) @IsInt() @Min(0) @Max(36_500) periodDays!: number;
  @IsIn(RETENTION_TRIGGERS) trigger!: RetentionTrigger;
  @IsIn(RETENTION_ACTIONS) action!: RetentionAction;
}

export class RunRetentionDto {
  /** true: report what a real run would purge now, change nothing. */
  @IsOptional() @IsBoolean() dryRun?: boolean;
}

export class LegalHoldDto {
  @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
}

export class ListHoldsQuery {
  /** `active` (default), `released` or `all`. */
  @IsOptional() @IsIn(['active', 'released', 'all']) status?: 'active' | 'released' | 'all';
}

export class UpcomingQuery {
  /** What falls due within this many days (default 30); already due items are included. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(3650) days?: number;
}

export class ListReceiptsQuery {
  @IsOptional() @IsUUID() claimId?: string;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(500) pageSize?: number;
}

export class ErasureRequestDto {
  /** The data subject's reference as intake sent it (`claimantRef` of their claims). */
  @IsString() @MinLength(1) @MaxLength(200) claimantRef!: string;
}
