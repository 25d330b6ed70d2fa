/** Shapes of the public /v1 API the client reads (see src/review, src/claims, src/validation, src/audit). */
export type Role = 'adjuster' | 'supervisor' | 'compliance' | 'admin';
export type ReviewReason = 'flagged' | 'uncertain' | 'qa_sample';
export type TaskStatus = 'open' | 'assigned' | 'escalated' | 'decided';
export type Outcome = 'approve' | 'deny' | 'request_info' | 'escalate';

export interface User {
  id: string;
  email: string;
  role: Role;
  team: string;
  displayName?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: User;
}

export interface TaskView {
  id: string;
  claimId: string;
  externalReference: string;
  claimedPeril: string;
  lineOfBusiness: string;
  amount: string;
  currency: string;
  claimStatus: string;
  ageHours: number;
  reason: ReviewReason;
  priority: number;
  slaDueAt: string;
  slaBreached: boolean;
  status: TaskStatus;
  team: string;
  assigneeId: string | null;
  assigneeName: string | null;
  escalatedAt: string | null;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export interface TaskPage {
  items: TaskView[];
  page: number;
  pageSize: number;
  total: number;
  countsByReason: Record<ReviewReason, number>;
}

export interface DecisionView {
  id: string;
  taskId: string;
  claimId: string;
  outcome: Outcome;
  reasonCode: string;
  note: string;
  reviewerId: string;
  reviewerName: string | null;
  agreesWithModel: boolean | null;
  overridesDecisionId: string | null;
  createdAt: string;
}

export interface ClaimFinding {
  kind: string;
  severity: string;
  flagged: boolean;
  uncertain: boolean;
  confidence: number;
  reason: string;
  photoId: string | null;
}

export interface TaskDetail {
  task: TaskView;
  claim: {
    id: string;
    externalReference: string;
    claimedPeril: string;
    description: string;
    incidentDate: string;
    amount: string;
    currency: string;
    status: string;
    team: string;
    legalHold: boolean;
    submittedAt: string | null;
    decidedAt: string | null;
    policy: { id: string; number: string; lineOfBusiness: string; insuredObject: string };
    photoCount: number;
    findings: ClaimFinding[];
  };
  decisions: DecisionView[];
  effectiveDecisionId: string | null;
  allowed: { assign: boolean; decide: boolean; override: boolean };
}

export interface StaffPhoto {
  id: string;
  fileName: string;
  mime: string;
  width: number;
  height: number;
  byteSize: number;
  sha256: string;
  createdAt: string;
  perceptualHash?: string;
  exif?: {
    captureTime: string | null;
    make: string | null;
    model: string | null;
    software: string | null;
    hasGps: boolean;
  };
}

export interface StaffClaim {
  id: string;
  policyId: string;
  externalReference: string;
  claimedPeril: string;
  description: string;
  incidentDate: string;
  amount: string;
  currency: string;
  status: string;
  photoCount: number;
  submittedAt: string | null;
  createdAt: string;
  team?: string;
  legalHold?: boolean;
  decidedAt?: string | null;
  photos: StaffPhoto[];
  validation?: {
    outcome: string | null;
    scoredAt: string;
    modelId: string;
    promptSetVersion: string;
    flags: Array<{ kind: string; severity: string; reason: string; photoId: string | null }>;
    uncertain: string[];
  } | null;
}

export interface Threshold {
  flagAt: number;
  uncertainFrom: number;
}

export interface CheckView {
  id: string;
  kind: string;
  photoId: string | null;
  score: number;
  confidence: number;
  flagged: boolean;
  uncertain: boolean;
  severity: string;
  reason: string;
  evidence: Record<string, unknown> & { threshold?: Threshold };
}

export interface LabelScore {
  cosine: number;
  probability: number;
}

export interface PhotoScores {
  usable: boolean;
  quality?: Record<string, unknown>;
  damage: Record<string, LabelScore>;
  objects: Record<string, LabelScore>;
}

export interface ValidationView {
  claimId: string;
  status: string;
  run: null | {
    id: string;
    modelId: string;
    modelHash: string;
    provider: string;
    promptSetVersion: string;
    thresholds: unknown;
    outcome: string | null;
    durationMs: number;
    createdAt: string;
    scores: { insuredObject?: string | null; photos?: Record<string, PhotoScores> } & Record<string, unknown>;
  };
  checks: CheckView[];
}

export interface PolicyView {
  id: string;
  number: string;
  lineOfBusiness: string;
  insuredObject: string;
  jurisdiction: string;
  effectiveFrom: string;
  effectiveTo: string;
  clauses: Array<{ id: string; code: string; kind: string; text: string; perilKey: string }>;
}

export interface ReasonCatalogue {
  outcomes: Array<{ outcome: Outcome; reasonCodes: Array<{ code: string; label: string }> }>;
  noteMinLength: number;
}

export interface AuditEvent {
  seq: number;
  occurredAt: string;
  actorType: string;
  actorId: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  requestId: string | null;
  justification: string | null;
  details: Record<string, unknown>;
  hash: string;
}

export interface AuditPage {
  items: AuditEvent[];
  page: number;
  pageSize: number;
  total: number;
}

export interface AuditVerifyReport {
  ok: boolean;
  eventsChecked: number;
  checkpointsChecked: number;
  head: { seq: number; hash: string };
  problem?: { kind: string; seq: number; message: string };
}

/** GET /v1/metrics/quality (src/validation/quality-report.ts). */
export interface CheckQuality {
  kind: string;
  reviewed: number;
  agreed: number;
  disagreed: number;
  truePositive: number;
  falsePositive: number;
  falseNegative: number;
  precision: number | null;
  recall: number | null;
  currentFlagAt: number | null;
  /** Shown to supervisors, never applied by the service. */
  recommendedFlagAt: number | null;
  recommendedAgreement: number | null;
  series: Array<{ day: string; agreed: number; disagreed: number }>;
}

export interface QualityReport {
  from: string;
  to: string;
  checks: CheckQuality[];
}

/** src/retention (README.md there). */
export const DATA_CLASSES = [
  'original_photos',
  'derived_images',
  'embeddings_scores',
  'exif_gps',
  'claim_records',
] as const;
export const RETENTION_TRIGGERS = ['claim_closed', 'claim_created'] as const;
export const RETENTION_ACTIONS = ['delete', 'redact', 'keep'] as const;
export const LINES_OF_BUSINESS = ['auto', 'property'] as const;
export type DataClass = (typeof DATA_CLASSES)[number];

export interface RetentionPolicyView {
  id: string;
  dataClass: string;
  lineOfBusiness: string | null;
  jurisdiction: string | null;
  periodDays: number;
  trigger: string;
  action: string;
  active: boolean;
  createdBy: string | null;
  createdAt: string;
}

export interface NewRetentionPolicy {
  dataClass: string;
  lineOfBusiness: string | null;
  jurisdiction: string | null;
  periodDays: number;
  trigger: string;
  action: string;
}

export interface LegalHoldView {
  id: string;
  claimId: string;
  reason: string;
  placedBy: string;
  placedAt: string;
  releasedBy: string | null;
  releasedAt: string | null;
  releaseReason: string | null;
}

export interface PurgeItem {
  claimId: string;
  dataClass: string;
  action: 'delete' | 'redact';
  policyId: string | null;
  dueAt: string;
}

export interface UpcomingPurges {
  asOf: string;
  until: string;
  items: Array<PurgeItem & { legalHold: boolean }>;
}

export interface RetentionRunResult {
  dryRun: boolean;
  asOf: string;
  items: PurgeItem[];
  skipped: Array<{ claimId: string; reason: 'legal_hold' | 'claim_gone' }>;
  status: 'completed' | 'dry_run' | 'already_running';
}

export interface PurgeReceipt {
  id: string;
  claimId: string;
  dataClass: string;
  policyId: string | null;
  erasureRequestId: string | null;
  purgedAt: string;
  details: Record<string, unknown>;
}

export interface ReceiptPage {
  items: PurgeReceipt[];
  page: number;
  pageSize: number;
  total: number;
}

export interface ErasureClaimOutcome {
  claimId: string;
  erased: string[];
  alreadyPurged: string[];
  retained: Array<{
    dataClass: string;
    reason: 'legal_hold' | 'retention_duty';
    holdId?: string;
    policyId?: string;
    until?: string | null;
  }>;
}

export interface ErasureOutcome {
  id: string;
  status: 'completed' | 'partially_completed' | 'nothing_found';
  requestedAt: string;
  completedAt: string;
  claims: ErasureClaimOutcome[];
}

export interface ErasureRequestView {
  id: string;
  claimantRef: string;
  status: string;
  requestedBy: string;
  requestedAt: string;
  completedAt: string | null;
  outcome: Record<string, unknown>;
}
