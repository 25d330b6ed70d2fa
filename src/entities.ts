import type { AppConfig } from './config/app-config';
import { openDatabase, type DatabaseHandle } from './database/data-source.factory';
import { ApiClient, ApiKey } from './auth/api-client.entity';
import { RefreshToken } from './auth/refresh-token.entity';
import { User } from './auth/user.entity';
import { AuditCheckpoint, AuditEvent } from './audit/audit-event.entity';
import { Claim } from './claims/claim.entity';
import { BlobRow } from './evidence/blob.entity';
import { Photo } from './claims/photo.entity';
import { Clause, Policy } from './policies/policy.entity';
import {
  ErasureRequest,
  LegalHold,
  PurgeReceipt,
  RetentionPolicy,
  RetentionPolicyChange,
} from './retention/retention.entity';
import { InformationRequest } from './claims/information-request.entity';
import { Decision, ReviewTask } from './review/review-task.entity';
import { ScoringRun, TextEmbedding } from './scoring/scoring-run.entity';
import { Check, CheckThreshold } from './validation/check.entity';

/**
 * Every entity, in one list, for the data source. It lives at the top of src/ (beside app.module.ts,
 * the other place that knows every feature) so that database/ imports no feature folder.
 */
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
  InformationRequest,
  AuditEvent,
  AuditCheckpoint,
  RetentionPolicy,
  RetentionPolicyChange,
  LegalHold,
  PurgeReceipt,
  ErasureRequest,
];

/** Opens the service's database with every entity: what the entry points (server, worker, CLI) use. */
export function openAppDatabase(config: AppConfig, options: { runMigrations?: boolean } = {}): Promise<DatabaseHandle> {
  return openDatabase(config, { ...options, entities: ENTITIES });
}
