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
  @IsString() @MinLength(1) @MaxLength(64) code!: string;
  @IsIn(CLAUSE_KINDS) kind!: ClauseKind;
  @IsString() @MinLength(1) @MaxLength(4000) text!: string;
  @IsString()
  @Matches(PERIL_KEY_PATTERN, {
    message: 'perilKey must be lowercase letters, digits or underscore, starting with a letter',
  })
  perilKey!: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(32)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(300, { each: true })
  prompts?: string[];
}

export class CreatePolicyDto {
  @IsString() @MinLength(1) @MaxLength(100) number!: string;
  @IsIn(LINES_OF_BUSINESS) lineOfBusiness!: LineOfBusiness;
  @IsString() @MinLength(1) @MaxLength(500) insuredObject!: string;
  @IsOptional() @IsString() @MinLength(1) @MaxLength(64) jurisdiction?: string;
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveFrom must be a date YYYY-MM-DD' })
  effectiveFrom!: string;
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'effectiveTo must be a date YYYY-MM-DD' })
  effectiveTo!: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => CreateClauseDto)
  clauses!: CreateClauseDto[];
}
