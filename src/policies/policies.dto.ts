import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { CLAUSE_KINDS, LINES_OF_BUSINESS, type ClauseKind, type LineOfBusiness } from './policy.entity';

export const PERIL_KEY_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;

export class CreateClauseDto {
  @ApiProperty({ minLength: 1, maxLength: 64 }) @IsString() @MinLength(1) @MaxLength(64) code!: string;
  @ApiProperty({ enum: CLAUSE_KINDS, enumName: 'ClauseKind' }) @IsIn(CLAUSE_KINDS) kind!: ClauseKind;
  @ApiProperty({ minLength: 1, maxLength: 4000 }) @IsString() @MinLength(1) @MaxLength(4000) text!: string;
  @ApiProperty({ pattern: PERIL_KEY_PATTERN.source, example: 'water_damage' })
  @IsString()
  @Matches(PERIL_KEY_PATTERN, {
    message: 'perilKey must be lowercase letters, digits or underscore, starting with a letter',
  })
  perilKey!: string;
  @ApiPropertyOptional({
    type: [String],
    maxItems: 32,
    description: 'CLIP prompts for the peril (1–300 characters each)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(300, { each: true })
  prompts?: string[];
}

export class CreatePolicyDto {
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @MinLength(1) @MaxLength(100) number!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' })
  @IsIn(LINES_OF_BUSINESS)
  lineOfBusiness!: LineOfBusiness;
  @ApiProperty({ minLength: 1, maxLength: 500 }) @IsString() @MinLength(1) @MaxLength(500) insuredObject!: string;
  @ApiPropertyOptional({ minLength: 1, maxLength: 64 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  jurisdiction?: string;
  @ApiProperty({ format: 'date' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveFrom must be a date YYYY-MM-DD' })
  effectiveFrom!: string;
  @ApiProperty({ format: 'date' })
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveTo must be a date YYYY-MM-DD' })
  effectiveTo!: string;
  @ApiProperty({ type: () => [CreateClauseDto], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateClauseDto)
  clauses!: CreateClauseDto[];
}
