import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

export const MAX_PAGE_SIZE = 200;

export class AuditPageDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  pageSize?: number;
}

/** The audit filters, shared by the search, the export and saved searches. */
export class AuditFilterDto {
  @ApiPropertyOptional({ description: 'actor id (user or API client id, or job:<name>)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;
  @ApiPropertyOptional({ description: 'events of staff users whose email contains this (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  actorEmail?: string;
  @ApiPropertyOptional({
    description: 'exact action, or a prefix ending in "." or "*" (`review.` = every review action)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  action?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) resourceType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) resourceId?: string;
  @ApiPropertyOptional({ description: 'words that must all occur among the strings and numbers of details' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
  @ApiPropertyOptional({ description: 'ISO 8601, inclusive' }) @IsOptional() @IsISO8601({ strict: true }) from?: string;
  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' }) @IsOptional() @IsISO8601({ strict: true }) to?: string;
}

export class SearchAuditEventsDto extends IntersectionType(AuditPageDto, AuditFilterDto) {}

export class SaveAuditSearchDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @MinLength(1) @MaxLength(100) name!: string;
  @ApiProperty({ type: () => AuditFilterDto }) @ValidateNested() @Type(() => AuditFilterDto) filters!: AuditFilterDto;
}

export class InclusionProofDto {
  @ApiPropertyOptional({ description: 'tree size to prove against (default: the latest signed tree head)', minimum: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  treeSize?: number;
}

export class ConsistencyProofDto {
  @ApiProperty({ minimum: 0, description: 'the smaller tree size' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  first!: number;
  @ApiProperty({ minimum: 0, description: 'the larger tree size' })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  second!: number;
}

export class ExportAuditDto extends AuditFilterDto {
  @ApiPropertyOptional({ enum: ['jsonl', 'csv'], default: 'jsonl' }) @IsOptional() @IsIn(['jsonl', 'csv']) format?:
    'jsonl' | 'csv';
}

export class AddCosignatureDto {
  @ApiProperty({
    description:
      'the checkpoint the witness cosigned: its body (origin, size, base64 root, each line ending "\\n") or the whole signed note',
    maxLength: 20000,
  })
  @IsString()
  @MaxLength(20000)
  checkpoint!: string;
  @ApiProperty({
    description: 'one C2SP tlog-cosignature line: "— <witness name> base64(key id ‖ timestamp ‖ Ed25519 signature)"',
    maxLength: 1000,
  })
  @IsString()
  @MaxLength(1000)
  cosignature!: string;
}

export class ListCosignaturesDto extends AuditPageDto {
  @ApiPropertyOptional({ description: 'only cosignatures of heads of this tree size', minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  treeSize?: number;
}
