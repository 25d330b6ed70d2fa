import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min, MinLength } from 'class-validator';
import { Type } from 'class-transformer';
import { NOTE_MAX_LENGTH, NOTE_MIN_LENGTH } from './review-policy';
import {
  DECISION_OUTCOMES,
  REVIEW_REASONS,
  REVIEW_TASK_STATUSES,
  type DecisionOutcome,
  type ReviewReason,
  type ReviewTaskStatus,
} from './review-task.entity';

export const TASK_SCOPES = ['mine', 'queue'] as const;
export type TaskScope = (typeof TASK_SCOPES)[number];
export const TASK_SORTS = ['priority', 'sla'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
/** `undecided` (the default) is open, assigned and escalated together. */
export const TASK_STATUS_FILTERS = [...REVIEW_TASK_STATUSES, 'undecided', 'all'] as const;
export type TaskStatusFilter = (typeof TASK_STATUS_FILTERS)[number];
export const OVERRIDE_OUTCOMES = ['approve', 'deny', 'request_info'] as const satisfies readonly DecisionOutcome[];
export type OverrideOutcome = (typeof OVERRIDE_OUTCOMES)[number];

export class ListTasksQuery {
  @IsOptional() @IsIn(TASK_SCOPES) scope?: TaskScope;
  @IsOptional() @IsIn(REVIEW_REASONS) reason?: ReviewReason;
  @IsOptional() @IsIn(TASK_STATUS_FILTERS) status?: TaskStatusFilter;
  @IsOptional() @IsIn(TASK_SORTS) sort?: TaskSort;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize?: number;
}

export class AssignTaskDto {
  /** Who gets the task; absent: the caller. Adjusters may name only themselves. */
  @IsOptional() @IsUUID() assigneeId?: string;
  /** The task's `version` as the caller loaded it. */
  @Type(() => Number) @IsInt() @Min(1) version!: number;
}

const noteMessage = { message: `note must be between ${NOTE_MIN_LENGTH} and ${NOTE_MAX_LENGTH} characters: say why` };

export class DecideTaskDto {
  @IsIn(DECISION_OUTCOMES) outcome!: DecisionOutcome;
  @IsString() @MinLength(1) @MaxLength(100) reasonCode!: string;
  @IsString() @MinLength(NOTE_MIN_LENGTH, noteMessage) @MaxLength(NOTE_MAX_LENGTH, noteMessage) note!: string;
  @Type(() => Number) @IsInt() @Min(1) version!: number;
}

export class OverrideDecisionDto {
  @IsIn(OVERRIDE_OUTCOMES, {
    message: `outcome must be one of ${OVERRIDE_OUTCOMES.join(', ')} (an override is a final decision)`,
  })
  outcome!: OverrideOutcome;
  @IsString() @MinLength(1) @MaxLength(100) reasonCode!: string;
  @IsString() @MinLength(NOTE_MIN_LENGTH, noteMessage) @MaxLength(NOTE_MAX_LENGTH, noteMessage) note!: string;
  /** Optional: when given, a task changed since (another override) answers 409. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) version?: number;
}

export type { ReviewTaskStatus };
