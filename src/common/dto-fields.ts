import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** An optional whole number in [minimum, maximum]; `default` is what the service uses when it is absent. */
export interface OptionalIntOptions {
  minimum: number;
  maximum: number;
  default: number;
  description?: string;
}

/**
 * An optional whole-number field of a query or body DTO: a query string becomes a number, validated to
 * [minimum, maximum] (400 naming the field otherwise) and documented with its default.
 */
export function OptionalInt(options: OptionalIntOptions): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional(options),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(options.minimum),
    Max(options.maximum),
  );
}

/** `?page=` of a paged list: 1-based, at most 100000. */
export const PageParam = (): PropertyDecorator => OptionalInt({ minimum: 1, maximum: 100_000, default: 1 });

/** `?pageSize=` of a paged list: each list sets its own limit and default. */
export const PageSizeParam = (maximum: number, fallback: number): PropertyDecorator =>
  OptionalInt({ minimum: 1, maximum, default: fallback });
