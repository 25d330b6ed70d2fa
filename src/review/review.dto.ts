import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';
import { PageParam, PageSizeParam } from '../common/dto-fields';
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
export const TASK_SORTS = ['priority', 'sla'] as const;
export type TaskSort = (typeof TASK_SORTS)[number];
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
  @ApiPropertyOptional({ enum: TASK_SORTS }) @IsOptional() @IsIn(TASK_SORTS) sort?: TaskSort;
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
