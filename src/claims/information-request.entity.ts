import { Column, CreateDateColumn, Entity } from 'typeorm';
import { ClaimScopedRow } from '../database/rows';

/**
 * open: waiting for the intake system; answered: it resubmitted (photos and/or a note); expired: the due date passed
 * unanswered (the task came back marked no response); withdrawn: the claim was decided without the answer.
 */
export const INFORMATION_REQUEST_STATUSES = ['open', 'answered', 'expired', 'withdrawn'] as const;
export type InformationRequestStatus = (typeof INFORMATION_REQUEST_STATUSES)[number];

/** What a reviewer asked the claimant for (a `request_info` decision), and the answer. Rows are kept as history. */
@Entity('information_requests')
export class InformationRequest extends ClaimScopedRow {
  @Column({ name: 'task_id', type: 'uuid' }) taskId!: string;
  @Column({ name: 'decision_id', type: 'uuid' }) decisionId!: string;
  @Column({ name: 'reason_code', type: 'text' }) reasonCode!: string;
  /** Written for the claimant: the intake system shows it as it is. */
  @Column({ type: 'text' }) message!: string;
  @Column({ name: 'due_at', type: 'timestamptz' }) dueAt!: Date;
  @Column({ name: 'requested_by', type: 'uuid' }) requestedBy!: string;
  @Column({ name: 'requested_at', type: 'timestamptz' }) requestedAt!: Date;
  /** The claim's photos when the request was made: the others are new. */
  @Column({ name: 'known_photo_ids', type: 'uuid', array: true, default: () => "'{}'" }) knownPhotoIds!: string[];
  @Column({ type: 'text', default: 'open' }) status!: InformationRequestStatus;
  @Column({ name: 'response_note', type: 'text', nullable: true }) responseNote!: string | null;
  @Column({ name: 'new_photo_ids', type: 'uuid', array: true, nullable: true }) newPhotoIds!: string[] | null;
  @Column({ name: 'answered_at', type: 'timestamptz', nullable: true }) answeredAt!: Date | null;
  /** When it expired or was withdrawn. */
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt!: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}
