import { ApiClient, ApiKey } from '../auth/api-client.entity';
import { RefreshToken } from '../auth/refresh-token.entity';
import { User } from '../auth/user.entity';
import { AuditCheckpoint, AuditEvent } from '../audit/audit-event.entity';
import { Claim } from '../claims/claim.entity';
import { BlobRow } from '../evidence/blob.entity';
import { Photo } from '../evidence/photo.entity';
import { Clause, Policy } from '../policies/policy.entity';
import { ErasureRequest, LegalHold, PurgeReceipt, RetentionPolicy } from '../retention/retention.entity';
import { Decision, ReviewTask } from '../review/review-task.entity';
import { ScoringRun, TextEmbedding } from '../scoring/scoring-run.entity';
import { Check, CheckThreshold } from '../validation/check.entity';

/** Every entity, in one list, for the data source. */
export const ENTITIES = [
  User,
  RefreshToken,
  ApiClient,
  ApiKey,
  Policy,
  Clause,
  Claim,
  Photo,
  BlobRow,
  ScoringRun,
  TextEmbedding,
  Check,
  CheckThreshold,
  ReviewTask,
  Decision,
  AuditEvent,
  AuditCheckpoint,
  RetentionPolicy,
  LegalHold,
  PurgeReceipt,
  ErasureRequest,
];
