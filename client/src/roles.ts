import { STAFF_ROLES, type Role } from './api/types';

export const REVIEW_ROLES: Role[] = ['adjuster', 'supervisor'];
export const AUDIT_ROLES: Role[] = ['compliance', 'admin'];
export const CLAIM_ROLES: Role[] = ['adjuster', 'supervisor', 'compliance', 'investigator'];
/** Special investigations: read-only across teams (claims and their photos); starts at the claims list. */
export const INVESTIGATION_ROLES: Role[] = ['investigator'];
/** `read QualityReport` in the AbilityFactory. */
export const QUALITY_ROLES: Role[] = ['supervisor', 'admin'];
/** `manage RetentionPolicy, LegalHold` in the AbilityFactory: compliance only. */
export const RETENTION_ROLES: Role[] = ['compliance'];

export function homeFor(role: Role): string {
  if (INVESTIGATION_ROLES.includes(role)) return '/claims';
  return REVIEW_ROLES.includes(role) ? '/tasks' : '/audit';
}

/** `manage User, ApiClient` in the AbilityFactory: the people and intake-client pages. */
export const PEOPLE_ROLES: Role[] = ['admin'];
/** `read/export AccessReview` in the AbilityFactory. */
export const ACCESS_REVIEW_ROLES: Role[] = ['compliance', 'admin'];
export const ALL_ROLES: Role[] = [...STAFF_ROLES];
