import type { Role } from './types';

export const REVIEW_ROLES: Role[] = ['adjuster', 'supervisor'];
export const AUDIT_ROLES: Role[] = ['compliance', 'admin'];
export const CLAIM_ROLES: Role[] = ['adjuster', 'supervisor', 'compliance'];

export function homeFor(role: Role): string {
  return REVIEW_ROLES.includes(role) ? '/tasks' : '/audit';
}
