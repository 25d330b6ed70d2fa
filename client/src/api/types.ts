/**
 * Names for the API's shapes, all taken from the generated contract (schema.d.ts, from openapi.json:
 * `npm run openapi`). Nothing here is written by hand except the enum value lists, which the compiler
 * checks against the contract in both directions.
 */
import type { components, operations } from './schema';

type Schemas = components['schemas'];

/** An operation's query parameters (filters of a list), e.g. `QueryOf<'Review_list'>['status']`. */
export type QueryOf<Operation extends keyof operations> = NonNullable<operations[Operation]['parameters']['query']>;

export type Role = Schemas['StaffRole'];
export type ReviewReason = Schemas['ReviewReason'];
export type TaskStatus = Schemas['ReviewTaskStatus'];
export type Outcome = Schemas['DecisionOutcome'];
export type User = Schemas['UserView'];
export type TokenPair = Schemas['TokenPair'];
export type TaskView = Schemas['TaskView'];
export type TaskPage = Schemas['TaskPage'];
export type DecisionView = Schemas['DecisionView'];
export type ClaimFinding = Schemas['ClaimFinding'];
export type TaskDetail = Schemas['TaskDetail'];
export type InformationRequest = Schemas['InformationRequestView'];
export type TaskFollowUp = Schemas['TaskFollowUp'];
export type StaffPhoto = Schemas['StaffPhotoView'];
export type StaffClaim = Schemas['StaffClaimView'];
export type ClaimPage = Schemas['ClaimPage'];
export type Threshold = Schemas['ThresholdView'];
export type CheckView = Schemas['CheckView'];
export type ValidationView = Schemas['ValidationView'];
export type PhotoScores = Schemas['PhotoScoresView'];
export type QualityDay = Schemas['QualityDayView'];
export type PolicyView = Schemas['PolicyView'];
export type ReasonCatalogue = Schemas['ReasonCodeCatalogue'];
export type AuditEvent = Schemas['AuditEventView'];
export type AuditPage = Schemas['AuditEventPage'];
export type AuditVerifyReport = Schemas['AuditVerifyReportView'];
export type CheckQuality = Schemas['CheckQuality'];
export type QualityReport = Schemas['QualityReport'];
export type DataClass = Schemas['DataClass'];
export type RetentionPolicyView = Schemas['RetentionPolicyView'];
export type NewRetentionPolicy = Schemas['CreateRetentionPolicyDto'];
export type LegalHoldView = Schemas['LegalHoldView'];
export type PurgeItem = Schemas['PurgeItem'];
export type UpcomingPurges = Schemas['UpcomingPurges'];
export type RetentionRunResult = Schemas['RunResult'];
export type PurgeReceipt = Schemas['ReceiptView'];
export type ReceiptPage = Schemas['ReceiptPage'];
export type ErasureClaimOutcome = Schemas['ErasureClaimOutcome'];
export type ErasureOutcome = Schemas['ErasureOutcome'];
export type ErasureRequestView = Schemas['ErasureRequestView'];
export type ErrorResponse = Schemas['ErrorResponse'];
export type RetentionChange = Schemas['RetentionChangeView'];
export type RetentionChangeDetail = Schemas['RetentionChangeDetailView'];
export type AuditSavedSearch = Schemas['AuditSavedSearchView'];
export type TaskEvidence = Schemas['TaskEvidenceView'];
export type FlagEvidence = Schemas['FlagEvidenceView'];
export type Acknowledgement = Schemas['FlagAcknowledgementDto'];
export type DuplicateMatch = Schemas['DuplicateMatchView'];
export type PhotoMetadata = Schemas['PhotoMetadataView'];
export type CheckClause = Schemas['CheckClauseView'];
export type CheckPrompt = Schemas['CheckPromptView'];

/** Every value of a string union, checked exhaustively against the contract. */
function allOf<T extends string>() {
  return <const V extends readonly T[]>(values: V & ([T] extends [V[number]] ? unknown : never)) => values;
}

export const DATA_CLASSES = allOf<DataClass>()([
  'original_photos',
  'derived_images',
  'embeddings_scores',
  'exif_gps',
  'claim_records',
]);
export const RETENTION_TRIGGERS = allOf<Schemas['RetentionTrigger']>()(['claim_closed', 'claim_created']);
export const RETENTION_ACTIONS = allOf<Schemas['RetentionAction']>()(['delete', 'redact', 'keep']);
/** Every staff role of the contract (a new role in the API fails the typecheck here until it is listed). */
export const STAFF_ROLES = allOf<Role>()(['adjuster', 'supervisor', 'compliance', 'admin', 'investigator']);
/** Every claim status of the contract, in lifecycle order. */
export const CLAIM_STATUSES = allOf<Schemas['ClaimStatus']>()([
  'draft',
  'queued',
  'scoring',
  'consistent',
  'inconsistent',
  'needs_review',
  'information_requested',
  'decided',
  'closed',
]);
export const LINES_OF_BUSINESS = allOf<Schemas['LineOfBusiness']>()(['auto', 'property']);
export const CHECK_KINDS = allOf<Schemas['CheckKind']>()([
  'peril_mismatch',
  'exclusion_evident',
  'object_mismatch',
  'no_visible_damage',
  'duplicate_photo',
  'exif_anomaly',
  'unusable_image',
]);
export type TeamDashboard = Schemas['TeamDashboard'];
export type TeamMemberStats = Schemas['TeamMemberStats'];
export type DriftReport = Schemas['DriftReportView'];
export type CheckDrift = Schemas['CheckDriftView'];
export type ShadowReport = Schemas['ShadowReportView'];
export type RouteWhatIf = Schemas['RouteWhatIfView'];
export type Promotion = Schemas['PromotionView'];
export type Heatmap = Schemas['HeatmapView'];
