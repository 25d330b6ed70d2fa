import type { ForcedSubject, MongoAbility, MongoQuery } from '@casl/ability';
import { SetMetadata } from '@nestjs/common';

export const PUBLIC_ROUTE = 'claims:public-route';
export const ROUTE_POLICY = 'claims:route-policy';

/**
 * Marks a route as open to anyone, on purpose. Every other route must declare an access policy;
 * the access guard refuses a route that declares neither, so an endpoint cannot ship open by accident.
 */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** CASL actions used by the access rules. */
export type AccessAction =
  | 'manage'
  | 'create'
  | 'read'
  | 'update'
  | 'delete'
  | 'list'
  | 'assign'
  | 'decide'
  | 'override'
  | 'export'
  | 'verify'
  | 'view_content'
  | 'approve'
  /** A photo's GPS position (decrypted): investigators, and supervisors of the claim's team. */
  | 'read_location';

/** Subjects (resource types) of the access rules. */
export type AccessSubject =
  | 'User'
  | 'ApiClient'
  | 'Policy'
  | 'Claim'
  | 'Photo'
  | 'ScoringRun'
  | 'ReviewTask'
  | 'Decision'
  | 'AuditEvent'
  | 'RetentionPolicy'
  | 'LegalHold'
  | 'Threshold'
  | 'QualityReport'
  | 'IntakeKey'
  | 'Ops'
  | 'WebhookEndpoint'
  | 'RetentionChange'
  | 'AuditSavedSearch'
  /** The other claim a duplicate-photo flag matched (its identity), for the flagged claim's reviewers. */
  | 'DuplicateMatch'
  /** A team's open work and decision statistics (supervisor dashboard, bulk reassignment). */
  | 'TeamWorkload'
  | 'ModelGovernance'
  | 'AccessReview'
  | 'all';

/**
 * Route-level policy: the caller's abilities must allow `action` on `subject` for some row of it,
 * otherwise 403 (a role that may never call the endpoint). Row-level checks (404 for a row the
 * caller may not see) happen in services after loading the row.
 */
export const RequirePolicy = (action: AccessAction, subject: AccessSubject): MethodDecorator =>
  SetMetadata(ROUTE_POLICY, { action, subject });

/**
 * A subject is a type name (route-level checks) or a row tagged with its type through CASL's
 * `subject('Claim', row)` helper (row-level checks in services).
 */
export type AccessSubjectRow = ForcedSubject<Exclude<AccessSubject, 'all'>>;
export type AppAbility = MongoAbility<
  [AccessAction, AccessSubject | AccessSubjectRow | Record<PropertyKey, unknown>],
  MongoQuery
>;
