import { InitialSchema1767225600000 } from './1767225600000-initial-schema';
import { KeyRotations1768000000000 } from './1768000000000-key-rotations';
import { ReviewEscalation1768300000000 } from './1768300000000-review-escalation';
import { PhotoCropHashes1768400000000 } from './1768400000000-photo-crop-hashes';
import { RetentionReceipts1768500000000 } from './1768500000000-retention-receipts';
import { RevokedSessionIndex1768600000000 } from './1768600000000-revoked-session-index';
import { AuditMerkleLog1768700000000 } from './1768700000000-audit-merkle-log';
import { AuditCosignatures1768710000000 } from './1768710000000-audit-cosignatures';
import { InformationRequests1768800000000 } from './1768800000000-information-requests';
import { Webhooks1768810000000 } from './1768810000000-webhooks';
import { WorkbenchSearch1768900000000 } from './1768900000000-workbench-search';
import { WorkbenchEvidence1768910000000 } from './1768910000000-workbench-evidence';
import { IdentityLifecycle1768920000000 } from './1768920000000-identity-lifecycle';
import { ComplianceConsole1768930000000 } from './1768930000000-compliance-console';
import { ThresholdCalibrations1768940000000 } from './1768940000000-threshold-calibrations';
import { ModelGovernance1768950000000 } from './1768950000000-model-governance';
import { AuditLogEntries1769000000000 } from './1769000000000-audit-log-entries';

/** Every migration, in order. Listed explicitly so that compiled and test runs see the same set. */
export const MIGRATIONS = [
  InitialSchema1767225600000,
  KeyRotations1768000000000,
  ReviewEscalation1768300000000,
  PhotoCropHashes1768400000000,
  RetentionReceipts1768500000000,
  RevokedSessionIndex1768600000000,
  AuditMerkleLog1768700000000,
  AuditCosignatures1768710000000,
  InformationRequests1768800000000,
  Webhooks1768810000000,
  WorkbenchSearch1768900000000,
  WorkbenchEvidence1768910000000,
  IdentityLifecycle1768920000000,
  ComplianceConsole1768930000000,
  ThresholdCalibrations1768940000000,
  ModelGovernance1768950000000,
  AuditLogEntries1769000000000,
];
