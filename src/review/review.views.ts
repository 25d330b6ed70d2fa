import { PageOf } from '../common/api-docs';
import { ApiProperty } from '@nestjs/swagger';
import { LINES_OF_BUSINESS } from '../policies/policy.entity';
import {
  DECISION_OUTCOMES,
  REVIEW_REASONS,
  REVIEW_TASK_STATUSES,
  TASK_FOLLOW_UPS,
  type DecisionOutcome,
  type ReviewReason,
  type ReviewTaskStatus,
  type TaskFollowUp,
} from './review-task.entity';
import { InformationRequestView } from '../claims/claims.views';

/** A task as a queue row: the task and the claim facts an adjuster needs to pick it. */
export class TaskView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty() externalReference!: string;
  @ApiProperty() claimedPeril!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) lineOfBusiness!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() claimStatus!: string;
  /** Hours since the claim was submitted (created, when never submitted), by the injectable clock. */
  @ApiProperty({ description: 'hours since the claim was submitted (created, when never submitted)' })
  ageHours!: number;
  @ApiProperty({ enum: REVIEW_REASONS, enumName: 'ReviewReason' }) reason!: ReviewReason;
  @ApiProperty() priority!: number;
  @ApiProperty({ format: 'date-time' }) slaDueAt!: string;
  /** An undecided task past its SLA. */
  @ApiProperty({ description: 'an undecided task past its SLA' }) slaBreached!: boolean;
  @ApiProperty({ enum: REVIEW_TASK_STATUSES, enumName: 'ReviewTaskStatus' }) status!: ReviewTaskStatus;
  @ApiProperty() team!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assigneeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) assigneeName!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) escalatedAt!: string | null;
  /** Why the task came back after an information request: the claimant answered, or did not by the due date. */
  @ApiProperty({
    enum: TASK_FOLLOW_UPS,
    enumName: 'TaskFollowUp',
    nullable: true,
    description:
      'why the task came back after an information request: information_received (resubmitted and rescored) or no_response (the due date passed); null: it never waited',
  })
  followUp!: TaskFollowUp | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reopenedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  /** Quote it back on assign and decision (optimistic lock). */
  @ApiProperty({ description: 'quote it back on assign and decision (optimistic lock)' }) version!: number;
  @ApiProperty({ description: "the claim's policy number" }) policyNumber!: string;
  /** The check kinds the claim's latest scoring run flagged or was uncertain about (the queue's Flags column). */
  @ApiProperty({
    type: [String],
    description: "check kinds the claim's latest scoring run flagged or was uncertain about, sorted",
  })
  flags!: string[];
}

/** Rows per reason, for the queue's tabs. */
export class ReasonCounts implements Record<ReviewReason, number> {
  @ApiProperty() flagged!: number;
  @ApiProperty() uncertain!: number;
  @ApiProperty() qa_sample!: number;
}

/** `total`: rows matching every filter (reason included). */
export class TaskPage extends PageOf(TaskView, { description: 'rows matching every filter (reason included)' }) {
  /** Rows per reason under the same scope and status filter, ignoring the reason filter (for the queue's tabs). */
  @ApiProperty({ type: () => ReasonCounts, description: 'per reason, under the same scope and status filter' })
  countsByReason!: Record<ReviewReason, number>;
}

export class ClaimFinding {
  @ApiProperty({ format: 'uuid', description: "the check's id (what an acknowledgement names)" }) checkId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() severity!: string;
  @ApiProperty() flagged!: boolean;
  @ApiProperty() uncertain!: boolean;
  @ApiProperty() confidence!: number;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) photoId!: string | null;
}

/** A flag the decision approved over without its photos opened, with the reviewer's note. */
export class AcknowledgementView {
  @ApiProperty({ format: 'uuid' }) checkId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) photoId!: string | null;
  @ApiProperty() note!: string;
}

export class DecisionView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) taskId!: string;
  @ApiProperty({ format: 'uuid' }) claimId!: string;
  @ApiProperty({ enum: DECISION_OUTCOMES, enumName: 'DecisionOutcome' }) outcome!: DecisionOutcome;
  @ApiProperty() reasonCode!: string;
  @ApiProperty() note!: string;
  @ApiProperty({ format: 'uuid' }) reviewerId!: string;
  @ApiProperty({ type: String, nullable: true }) reviewerName!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) agreesWithModel!: boolean | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) overridesDecisionId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  /** Approvals over open flags: the flags acknowledged instead of opened (empty otherwise). */
  @ApiProperty({ type: () => [AcknowledgementView], description: 'flags acknowledged instead of opened' })
  acknowledgements!: AcknowledgementView[];
}

export class DecisionResult {
  @ApiProperty({ type: () => TaskView }) task!: TaskView;
  @ApiProperty({ type: () => DecisionView }) decision!: DecisionView;
}

export class TaskPolicySummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: LINES_OF_BUSINESS, enumName: 'LineOfBusiness' }) lineOfBusiness!: string;
  @ApiProperty() insuredObject!: string;
}

export class TaskClaimView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() externalReference!: string;
  @ApiProperty() claimedPeril!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'date' }) incidentDate!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() status!: string;
  @ApiProperty() team!: string;
  @ApiProperty() legalHold!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: () => TaskPolicySummary }) policy!: TaskPolicySummary;
  @ApiProperty() photoCount!: number;
  /** Flagged and uncertain checks of the latest scoring run (empty before scoring). */
  @ApiProperty({ type: () => [ClaimFinding], description: 'flagged and uncertain checks of the latest run' })
  findings!: ClaimFinding[];
}

/** One open flag and whether the caller has opened its photos. */
export class FlagEvidenceView {
  @ApiProperty({ format: 'uuid' }) checkId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty({ type: [String], description: 'its photo, or every photo of the claim for a claim-level flag' })
  photoIds!: string[];
  @ApiProperty({ type: [String], description: 'of those, the ones the caller has not opened' })
  unseenPhotoIds!: string[];
  @ApiProperty({ description: 'every photo opened (or acknowledged in the request: always false here)' })
  satisfied!: boolean;
}

/** Decide on evidence: what the caller must still open (or acknowledge) before approving. */
export class TaskEvidenceView {
  @ApiProperty({ type: () => [FlagEvidenceView], description: 'the open flags (flagged checks of the latest run)' })
  flags!: FlagEvidenceView[];
  @ApiProperty({
    type: [String],
    description: 'photos of the claim the caller has opened (the original, in the viewer)',
  })
  viewedPhotoIds!: string[];
  @ApiProperty({ type: [String], description: 'photos of open flags the caller has not opened' })
  unseenPhotoIds!: string[];
  @ApiProperty({ description: 'an approval needs no acknowledgement now' }) ready!: boolean;
}

export class TaskActions {
  @ApiProperty() assign!: boolean;
  @ApiProperty() decide!: boolean;
  @ApiProperty() override!: boolean;
}

export class TaskDetail {
  @ApiProperty({ type: () => TaskView }) task!: TaskView;
  @ApiProperty({ type: () => TaskClaimView }) claim!: TaskClaimView;
  /** Every decision on the task, oldest first; an override names the decision it overrides. */
  @ApiProperty({ type: () => [DecisionView], description: 'oldest first; an override names what it overrides' })
  decisions!: DecisionView[];
  /** The task's information requests, oldest first, with the answers (new photos, the intake system's note). */
  @ApiProperty({
    type: () => [InformationRequestView],
    description:
      "the task's information requests, oldest first: the latest one's newPhotoIds and responseNote are what is new",
  })
  informationRequests!: InformationRequestView[];
  /** The effective decision: the latest approve/deny/request_info no later decision overrides. */
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) effectiveDecisionId!: string | null;
  @ApiProperty({ type: () => TaskEvidenceView }) evidence!: TaskEvidenceView;
  /** What the caller may do with it now, for the client's buttons (the server checks again). */
  @ApiProperty({ type: () => TaskActions, description: 'what the caller may do now (the server checks again)' })
  allowed!: TaskActions;
}

export class ReasonCodeView {
  @ApiProperty() code!: string;
  @ApiProperty() label!: string;
}

export class OutcomeReasonCodes {
  @ApiProperty({ enum: DECISION_OUTCOMES, enumName: 'DecisionOutcome' }) outcome!: DecisionOutcome;
  @ApiProperty({ type: () => [ReasonCodeView] }) reasonCodes!: ReasonCodeView[];
}

export class ReasonCodeCatalogue {
  @ApiProperty({ type: () => [OutcomeReasonCodes] }) outcomes!: OutcomeReasonCodes[];
  @ApiProperty() noteMinLength!: number;
}

export class BulkReassignResult {
  @ApiProperty({ type: () => [TaskView], description: 'the tasks now assigned to the assignee' }) assigned!: TaskView[];
  @ApiProperty({ type: [String], description: 'ids of tasks that already were assigned to the assignee' })
  unchanged!: string[];
}

/** One member of the team (or a past reviewer of its tasks): open work, SLA breaches and decision quality. */
export class TeamMemberStats {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: no longer an active member' }) role!: string | null;
  @ApiProperty({ description: 'tasks assigned now (status assigned)' }) assigned!: number;
  @ApiProperty({ description: 'tasks waiting for the claimant, assigned to them' }) awaitingInfo!: number;
  @ApiProperty({ description: 'assigned tasks past their SLA' }) breached!: number;
  @ApiProperty({ description: 'approve/deny/request_info decisions in the window (overrides included)' })
  decisions!: number;
  @ApiProperty({ description: 'escalations in the window' }) escalations!: number;
  @ApiProperty({ description: 'overrides made in the window' }) overridesMade!: number;
  @ApiProperty({ description: 'decisions in the window comparable with the model (approve/deny)' }) comparable!: number;
  @ApiProperty({ description: 'of those, how many agree with the model' }) agreeWithModel!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'agreeWithModel / comparable; null when none' })
  modelAgreementRate!: number | null;
  @ApiProperty({ description: 'their decisions in the window a supervisor overrode since' }) overridden!: number;
  @ApiProperty({ type: Number, nullable: true, description: '1 - overridden / decisions; null when none' })
  overrideAgreementRate!: number | null;
}

export class BreachCounts {
  @ApiProperty({ description: 'undecided tasks (open, assigned, escalated) past their SLA' }) total!: number;
  @ApiProperty() open!: number;
  @ApiProperty() assigned!: number;
  @ApiProperty() escalated!: number;
}

/** The supervisor's view of the team: breaches, workload and decisions per person. */
export class TeamDashboard {
  @ApiProperty() team!: string;
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ description: 'the decision window in days' }) days!: number;
  @ApiProperty({ type: () => BreachCounts }) breaches!: BreachCounts;
  @ApiProperty({ description: 'undecided tasks nobody holds (open and escalated)' }) unassigned!: number;
  @ApiProperty({ description: 'escalated tasks waiting for a supervisor' }) escalated!: number;
  @ApiProperty({ type: () => [TeamMemberStats] }) members!: TeamMemberStats[];
}
