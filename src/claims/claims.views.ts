import { PageOf } from '../common/api-docs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CLAIM_STATUSES, type ClaimStatus } from './claim.entity';
import { INFORMATION_REQUEST_STATUSES, type InformationRequestStatus } from './information-request.entity';

/** A flag in a validation summary. */
export class ValidationFlagView {
  @ApiProperty() kind!: string;
  @ApiProperty() severity!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) photoId!: string | null;
}

/** What staff see of a claim's validation at a glance; the full view is GET /v1/claims/:id/validation. */
export class ValidationSummary {
  @ApiProperty({ type: String, nullable: true }) outcome!: string | null;
  @ApiProperty({ format: 'date-time' }) scoredAt!: string;
  @ApiProperty() modelId!: string;
  @ApiProperty() promptSetVersion!: string;
  @ApiProperty({ type: () => [ValidationFlagView] }) flags!: ValidationFlagView[];
  @ApiProperty({ type: [String], description: 'kinds of the checks too close to call' }) uncertain!: string[];
}

/** A photo as an intake system sees it: what it sent, never scores or flags. */
export class IntakePhotoView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty({ example: 'image/jpeg' }) mime!: string;
  @ApiProperty() width!: number;
  @ApiProperty() height!: number;
  @ApiProperty() byteSize!: number;
  @ApiProperty({ description: 'hex SHA-256 of the original bytes' }) sha256!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** The non-personal EXIF fields (GPS stays encrypted; only whether it exists is shown). */
export class PhotoExifView {
  @ApiProperty({ type: String, nullable: true }) captureTime!: string | null;
  @ApiProperty({ type: String, nullable: true }) make!: string | null;
  @ApiProperty({ type: String, nullable: true }) model!: string | null;
  @ApiProperty({ type: String, nullable: true }) software!: string | null;
  @ApiProperty() hasGps!: boolean;
}

/** A photo as staff see it: adds hashes and the non-personal EXIF fields (GPS stays encrypted). */
export class StaffPhotoView extends IntakePhotoView {
  @ApiProperty() perceptualHash!: string;
  @ApiProperty({ type: () => PhotoExifView }) exif!: PhotoExifView;
}

export class ClaimCoreView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) policyId!: string;
  @ApiProperty() externalReference!: string;
  @ApiProperty() claimedPeril!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'date' }) incidentDate!: string;
  @ApiProperty({ example: '1250.00', description: 'decimal string, at most 2 decimals' }) amount!: string;
  @ApiProperty({ example: 'EUR' }) currency!: string;
  @ApiProperty({ type: String, nullable: true }) claimantRef!: string | null;
  @ApiProperty() photoSource!: string;
  @ApiProperty({ enum: CLAIM_STATUSES, enumName: 'ClaimStatus' }) status!: ClaimStatus;
  @ApiProperty() photoCount!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

/**
 * An information request as the intake system (and staff) see it: what the reviewer asks the claimant for, written
 * for the claimant, with its reason code and due date. The reviewer's decision note is never part of it.
 */
export class InformationRequestView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    enum: INFORMATION_REQUEST_STATUSES,
    enumName: 'InformationRequestStatus',
    description:
      'open: waiting for the answer; answered: resubmitted; expired: the due date passed unanswered; withdrawn: decided without the answer',
  })
  status!: InformationRequestStatus;
  @ApiProperty({ example: 'need_more_photos', description: 'a request_info reason code (GET /v1/review/reason-codes)' })
  reasonCode!: string;
  @ApiProperty({ description: 'written by the adjuster for the claimant' }) message!: string;
  @ApiProperty({ format: 'date-time', description: 'answer (upload photos, resubmit) before this' }) dueAt!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) answeredAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "the intake system's note sent with the resubmission" })
  responseNote!: string | null;
  @ApiProperty({ type: [String], description: 'photos uploaded since the request (known once answered)' })
  newPhotoIds!: string[];
}

/** What an intake system sees of its own claim: the status, never reviewer notes, scores or flags. */
export class IntakeClaimView extends ClaimCoreView {
  @ApiProperty({ type: () => [IntakePhotoView] }) photos!: IntakePhotoView[];
  /** The latest information request (open while the status is information_requested); null when none was made. */
  @ApiProperty({
    type: () => InformationRequestView,
    nullable: true,
    description: 'the latest information request; null when none was made',
  })
  informationRequest!: InformationRequestView | null;
}

/** What staff see: the claim, its team and hold, photo metadata and (once scoring exists) the validation summary. */
export class StaffClaimView extends ClaimCoreView {
  @ApiProperty() team!: string;
  @ApiProperty({ format: 'uuid' }) submitterClientId!: string;
  @ApiProperty() legalHold!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) decidedAt!: string | null;
  @ApiProperty({ type: () => [StaffPhotoView] }) photos!: StaffPhotoView[];
  @ApiProperty({
    type: () => InformationRequestView,
    nullable: true,
    description: 'the latest information request; null when none was made',
  })
  informationRequest!: InformationRequestView | null;
  /** The latest scoring run's outcome and flags; null while the claim has not been scored. */
  @ApiProperty({ type: () => ValidationSummary, nullable: true }) validation!: ValidationSummary | null;
  /** In lists (search results): the policy's number and line of business. */
  @ApiPropertyOptional({ description: 'in lists: the policy number' }) policyNumber?: string;
  @ApiPropertyOptional({ description: "in lists: the policy's line of business" }) lineOfBusiness?: string;
}

export type ClaimView = IntakeClaimView | StaffClaimView;

/** `oneOf` for a claim: staff get StaffClaimView, intake systems IntakeClaimView. */
export const CLAIM_VIEW_SCHEMA = {
  oneOf: [{ $ref: '#/components/schemas/StaffClaimView' }, { $ref: '#/components/schemas/IntakeClaimView' }],
};

export class ClaimPage extends PageOf<ClaimView>({ items: CLAIM_VIEW_SCHEMA, type: 'array' }) {}

/** A claim the intake system closed: retention counts from `closedAt`. */
export class ClosedClaimView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['closed'] }) status!: 'closed';
  @ApiProperty({ format: 'date-time' }) closedAt!: string;
}

export class SubmittedClaimView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: CLAIM_STATUSES, enumName: 'ClaimStatus' }) status!: string;
  @ApiProperty({ format: 'date-time' }) submittedAt!: string;
}

/** A claim resubmitted after an information request: it is scored again over all its photos. */
export class ResubmittedClaimView extends SubmittedClaimView {
  @ApiProperty({ format: 'uuid', description: 'the information request this answers' }) informationRequestId!: string;
  @ApiProperty({ type: [String], description: 'photos uploaded since the request' }) newPhotoIds!: string[];
}
