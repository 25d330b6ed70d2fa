import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { OptionalInt, PageParam, PageSizeParam } from '../common/dto-fields';
import { LINES_OF_BUSINESS, type LineOfBusiness } from '../policies/policy.entity';
import { NOTE_MAX_LENGTH, NOTE_MIN_LENGTH } from './review-policy';
import { ACKNOWLEDGEMENT_NOTE_MAX_LENGTH, ACKNOWLEDGEMENT_NOTE_MIN_LENGTH } from './evidence-policy';
import { REQUEST_MESSAGE_MAX_LENGTH, REQUEST_MESSAGE_MIN_LENGTH } from '../claims/information-request-policy';
import {
  DECISION_OUTCOMES,
  REVIEW_REASONS,
  REVIEW_TASK_STATUSES,
  type DecisionOutcome,
  type ReviewReason,
} from './review-task.entity';

export const TASK_SCOPES = ['mine', 'queue'] as const;
export type TaskScope = (typeof TASK_SCOPES)[number];
/** Server-side orders of the queue; each ends with the same tie-breakers (priority, SLA, created, id). */
export const TASK_SORTS = ['priority', 'sla', 'age', 'amount', 'reference'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];
/** `undecided` (the default) is open, assigned and escalated together. */
export const TASK_STATUS_FILTERS = [...REVIEW_TASK_STATUSES, 'undecided', 'all'] as const;
export type TaskStatusFilter = (typeof TASK_STATUS_FILTERS)[number];
export const OVERRIDE_OUTCOMES = ['approve', 'deny', 'request_info'] as const satisfies readonly DecisionOutcome[];
export type OverrideOutcome = (typeof OVERRIDE_OUTCOMES)[number];

export class ListTasksQuery {
  @ApiPropertyOptional({ enum: TASK_SCOPES, description: "mine: assigned to the caller; queue: the caller's team" })
  @IsOptional()
  @IsIn(TASK_SCOPES)
  scope?: TaskScope;
  @ApiPropertyOptional({ enum: REVIEW_REASONS, enumName: 'ReviewReason' })
  @IsOptional()
  @IsIn(REVIEW_REASONS)
  reason?: ReviewReason;
  @ApiPropertyOptional({ enum: TASK_STATUS_FILTERS, default: 'undecided' })
  @IsOptional()
  @IsIn(TASK_STATUS_FILTERS)
  status?: TaskStatusFilter;
  @ApiPropertyOptional({ enum: TASK_SORTS, description: 'default priority' })
  @IsOptional()
  @IsIn(TASK_SORTS)
  sort?: TaskSort;
  @ApiPropertyOptional({
    enum: SORT_DIRECTIONS,
    description: 'default: the most urgent first (priority, age and amount descending; sla and reference ascending)',
  })
  @IsOptional()
  @IsIn(SORT_DIRECTIONS)
  direction?: SortDirection;
  @ApiPropertyOptional({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' })
  @IsOptional()
  @IsIn(LINES_OF_BUSINESS)
  lineOfBusiness?: LineOfBusiness;
  @ApiPropertyOptional({ example: 'hail', description: 'the claimed peril key' })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'peril must be a peril key: lowercase letters, digits or underscore' })
  peril?: string;
  @ApiPropertyOptional({
    example: 'exif_anomaly',
    description: "a check kind the claim's latest scoring run flagged or was uncertain about",
  })
  @IsOptional()
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { message: 'check must be a check kind: lowercase letters, digits or underscore' })
  check?: string;
  @OptionalInt({
    minimum: 0,
    maximum: 87_600,
    default: 0,
    description: 'only claims submitted at least this many hours ago',
  })
  minAgeHours?: number;
  @ApiPropertyOptional({ description: 'true: only undecided tasks past their SLA' })
  @IsOptional()
  @IsIn(['true', 'false'])
  breached?: 'true' | 'false';
  @ApiPropertyOptional({ format: 'uuid', description: 'only tasks assigned to this person (supervisors)' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
  @PageParam() page?: number;
  @PageSizeParam(100, 25) pageSize?: number;
}

export class AssignTaskDto {
  /** Who gets the task; absent: the caller. Adjusters may name only themselves. */
  @ApiPropertyOptional({ format: 'uuid', description: 'absent: the caller' })
  @IsOptional()
  @IsUUID()
  assigneeId?: string;
  /** The task's `version` as the caller loaded it. */
  @ApiProperty({ minimum: 1, description: "the task's version as the caller loaded it" })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version!: number;
}

const requestMessage = {
  message: `message must be between ${REQUEST_MESSAGE_MIN_LENGTH} and ${REQUEST_MESSAGE_MAX_LENGTH} characters: what should the claimant send?`,
};

/** The information request's fields, for outcome request_info only. */
class InformationRequestFields {
  /** Written for the claimant: the intake system shows it as it is. Required with request_info. */
  @ApiPropertyOptional({
    minLength: REQUEST_MESSAGE_MIN_LENGTH,
    maxLength: REQUEST_MESSAGE_MAX_LENGTH,
    description: 'request_info only (required there): what the claimant should send, written for the claimant',
  })
  @IsOptional()
  @IsString()
  @MinLength(REQUEST_MESSAGE_MIN_LENGTH, requestMessage)
  @MaxLength(REQUEST_MESSAGE_MAX_LENGTH, requestMessage)
  message?: string;
  /** When the answer is due: a date (end of that day, UTC) or a date-time with offset; absent: the configured default. */
  @ApiPropertyOptional({
    example: '2026-03-16',
    description:
      'request_info only: when the answer is due, a date (YYYY-MM-DD, the end of that day UTC) or a date-time with its offset; at least an hour ahead, at most INFORMATION_REQUEST_MAX_DUE_DAYS; absent: INFORMATION_REQUEST_DUE_DAYS from now',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  dueAt?: string;
}

const acknowledgementNote = {
  message: `acknowledgements[].note must be between ${ACKNOWLEDGEMENT_NOTE_MIN_LENGTH} and ${ACKNOWLEDGEMENT_NOTE_MAX_LENGTH} characters: say why the flag does not need its photos opened`,
};

/** A flag the reviewer approves over without opening its photos, and why. */
export class FlagAcknowledgementDto {
  @ApiProperty({ format: 'uuid', description: "the flagged check's id (GET /v1/review/tasks/:id → evidence.flags)" })
  @IsUUID('all', { message: 'acknowledgements[].checkId must be a check id (UUID)' })
  checkId!: string;
  @ApiProperty({ minLength: ACKNOWLEDGEMENT_NOTE_MIN_LENGTH, maxLength: ACKNOWLEDGEMENT_NOTE_MAX_LENGTH })
  @IsString()
  @MinLength(ACKNOWLEDGEMENT_NOTE_MIN_LENGTH, acknowledgementNote)
  @MaxLength(ACKNOWLEDGEMENT_NOTE_MAX_LENGTH, acknowledgementNote)
  note!: string;
}

/** Approve only: the open flags acknowledged with a note instead of opened. */
class AcknowledgementFields extends InformationRequestFields {
  @ApiPropertyOptional({
    type: () => [FlagAcknowledgementDto],
    maxItems: 100,
    description:
      'approve only: open flags acknowledged with a note instead of opening their photos (an approval of a claim with open flags needs each flagged photo opened by the decider, or its flag acknowledged)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => FlagAcknowledgementDto)
  acknowledgements?: FlagAcknowledgementDto[];
}

const noteMessage = { message: `note must be between ${NOTE_MIN_LENGTH} and ${NOTE_MAX_LENGTH} characters: say why` };

export class DecideTaskDto extends AcknowledgementFields {
  @ApiProperty({ enum: DECISION_OUTCOMES, enumName: 'DecisionOutcome' })
  @IsIn(DECISION_OUTCOMES)
  outcome!: DecisionOutcome;
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    description: "one of the outcome's codes (GET /v1/review/reason-codes)",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  reasonCode!: string;
  @ApiProperty({ minLength: NOTE_MIN_LENGTH, maxLength: NOTE_MAX_LENGTH })
  @IsString()
  @MinLength(NOTE_MIN_LENGTH, noteMessage)
  @MaxLength(NOTE_MAX_LENGTH, noteMessage)
  note!: string;
  @ApiProperty({ minimum: 1 }) @Type(() => Number) @IsInt() @Min(1) version!: number;
}

export class OverrideDecisionDto extends AcknowledgementFields {
  @ApiProperty({ enum: OVERRIDE_OUTCOMES, enumName: 'OverrideOutcome' })
  @IsIn(OVERRIDE_OUTCOMES, {
    message: `outcome must be one of ${OVERRIDE_OUTCOMES.join(', ')} (an override is a final decision)`,
  })
  outcome!: OverrideOutcome;
  @ApiProperty({ minLength: 1, maxLength: 100 }) @IsString() @MinLength(1) @MaxLength(100) reasonCode!: string;
  @ApiProperty({ minLength: NOTE_MIN_LENGTH, maxLength: NOTE_MAX_LENGTH })
  @IsString()
  @MinLength(NOTE_MIN_LENGTH, noteMessage)
  @MaxLength(NOTE_MAX_LENGTH, noteMessage)
  note!: string;
  /** Optional: when given, a task changed since (another override) answers 409. */
  @ApiPropertyOptional({ minimum: 1, description: 'when given, a task changed since answers 409' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  version?: number;
}

/** One task of a bulk reassignment: its id and the version the caller loaded. */
export class BulkTaskRef {
  @ApiProperty({ format: 'uuid' }) @IsUUID() id!: string;
  @ApiProperty({ minimum: 1 }) @Type(() => Number) @IsInt() @Min(1) version!: number;
}

export class BulkReassignDto {
  @ApiProperty({ format: 'uuid', description: "an active adjuster or supervisor of the tasks' team" })
  @IsUUID()
  assigneeId!: string;
  @ApiProperty({ type: () => [BulkTaskRef], minItems: 1, maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1, { message: 'tasks must list at least one task' })
  @ArrayMaxSize(100, { message: 'tasks must list at most 100 tasks' })
  @ValidateNested({ each: true })
  @Type(() => BulkTaskRef)
  tasks!: BulkTaskRef[];
}

export class NextTaskQuery {
  @ApiPropertyOptional({
    enum: ['escalated'],
    description: 'escalated: only an escalated task (a supervisor working through escalations); absent: any',
  })
  @IsOptional()
  @IsIn(['escalated'])
  status?: 'escalated';
}

export class DashboardQuery {
  @OptionalInt({ minimum: 1, maximum: 365, default: 30, description: 'decisions of the last N days' })
  days?: number;
}
