import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { OptionalInt, PageParam, PageSizeParam } from '../common/dto-fields';
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
  @ApiProperty({ enum: DATA_CLASSES, enumName: 'DataClass' }) @IsIn(DATA_CLASSES) dataClass!: DataClass;
  /** Absent or null: every line of business. */
  @ApiPropertyOptional({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness', nullable: true })
  @IsOptional()
  @IsIn(LINES_OF_BUSINESS)
  lineOfBusiness?: string | null;
  /** Absent or null: every jurisdiction. */
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 64, nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  jurisdiction?: string | null;
  @ApiProperty({ minimum: 0, maximum: 36_500 }) @Type(() => Number) @IsInt() @Min(0) @Max(36_500) periodDays!: number;
  @ApiProperty({ enum: RETENTION_TRIGGERS, enumName: 'RetentionTrigger' })
  @IsIn(RETENTION_TRIGGERS)
  trigger!: RetentionTrigger;
  @ApiProperty({ enum: RETENTION_ACTIONS, enumName: 'RetentionAction' })
  @IsIn(RETENTION_ACTIONS)
  action!: RetentionAction;
  /** When the policy should take effect (default now; a change that needs approval: never before approval + notice). */
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) effectiveFrom?: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

/** A new version of a policy: the fields given change, the others (and the data class) stay. */
export class EditRetentionPolicyDto {
  @ApiPropertyOptional({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness', nullable: true })
  @IsOptional()
  @IsIn([...LINES_OF_BUSINESS, null])
  lineOfBusiness?: string | null;
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: 64, nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  jurisdiction?: string | null;
  @ApiPropertyOptional({ minimum: 0, maximum: 36_500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(36_500)
  periodDays?: number;
  @ApiPropertyOptional({ enum: RETENTION_TRIGGERS, enumName: 'RetentionTrigger' })
  @IsOptional()
  @IsIn(RETENTION_TRIGGERS)
  trigger?: RetentionTrigger;
  @ApiPropertyOptional({ enum: RETENTION_ACTIONS, enumName: 'RetentionAction' })
  @IsOptional()
  @IsIn(RETENTION_ACTIONS)
  action?: RetentionAction;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) effectiveFrom?: string;
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class RetireRetentionPolicyDto {
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) effectiveFrom?: string;
  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
}

export class DecideRetentionChangeDto {
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) note?: string;
}

export class RejectRetentionChangeDto {
  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @MinLength(3) @MaxLength(1000) note!: string;
}

export class ListChangesQuery {
  @ApiPropertyOptional({ enum: ['pending', 'all'], default: 'pending' })
  @IsOptional()
  @IsIn(['pending', 'all'])
  status?: 'pending' | 'all';
}

export class PlaceHoldDto {
  /** The claim's id, or its claim number (the externalReference shown as "Claim …"). */
  @ApiProperty({ minLength: 1, maxLength: 200, description: 'claim id or claim number' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  claim!: string;
  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
}

export class ListErasureRequestsQuery {
  /** true: only open requests past their due date. */
  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @Transform(({ value }) => value === true || value === 'true')
  @IsBoolean()
  overdue?: boolean;
}

export class ErasureStatusDto {
  @ApiProperty({ enum: ['in_progress', 'rejected'] }) @IsIn(['in_progress', 'rejected']) status!:
    'in_progress' | 'rejected';
  /** Required to reject: the answer given to the data subject. */
  @ApiPropertyOptional({ maxLength: 1000 }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}

export class RunRetentionDto {
  /** true: report what a real run would purge now, change nothing. */
  @ApiPropertyOptional({ default: false }) @IsOptional() @IsBoolean() dryRun?: boolean;
}

export class LegalHoldDto {
  @ApiProperty({ minLength: 3, maxLength: 1000 }) @IsString() @MinLength(3) @MaxLength(1000) reason!: string;
}

export class ListHoldsQuery {
  /** `active` (default), `released` or `all`. */
  @ApiPropertyOptional({ enum: ['active', 'released', 'all'], default: 'active' })
  @IsOptional()
  @IsIn(['active', 'released', 'all'])
  status?: 'active' | 'released' | 'all';
}

export class UpcomingQuery {
  /** What falls due within this many days (default 30); already due items are included. */
  @OptionalInt({ minimum: 0, maximum: 3650, default: 30 }) days?: number;
}

export class ListReceiptsQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() claimId?: string;
  @PageParam() page?: number;
  @PageSizeParam(500, 100) pageSize?: number;
}

export class ErasureRequestDto {
  /** The data subject's reference as intake sent it (`claimantRef` of their claims). */
  @ApiProperty({ minLength: 1, maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) claimantRef!: string;
  /** When the data subject asked (default now): the due date counts from it. */
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) receivedAt?: string;
  /** false: register it only (status `received`); carry it out later. Default true: erase now. */
  @ApiPropertyOptional({
    description: 'false: register only (status received), carry it out later; absent/true: erase now',
  })
  @IsOptional()
  @IsBoolean()
  execute?: boolean;
}
