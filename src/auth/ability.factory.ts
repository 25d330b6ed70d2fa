import { Injectable } from '@nestjs/common';
import { AbilityBuilder, createMongoAbility } from '@casl/ability';
import type { AppAbility } from '../common/access.decorators';
import type { Actor } from '../common/actor';

export interface AbilityOptions {
  /** The request's `X-Access-Justification`: compliance may open photos only with one. */
  readonly justification?: string | null;
}

/**
 * Staff read a policy only when a claim they may read references it (404 otherwise). The flag is
 * derived by the service from the caller's own Claim read rule (accessibleWhere over claims.policy_id),
 * so this rule follows the claim rules and cannot drift from them.
 */
export const STAFF_POLICY_READ = { referencedByReadableClaim: true } as const;

/**
 * THE place where role rules live (DESIGN.md section 6). Conditions name columns of the subject's
 * table (camelCase property names), so `accessibleWhere` can turn them into SQL for list queries;
 * subjects that are not one table (a photo's assignee comes from its claim's review task) are
 * checked row by row with `subject('Photo', {claimId, team, assigneeId})` built by the service.
 */
@Injectable()
export class AbilityFactory {
  createForActor(actor: Actor | undefined, options: AbilityOptions = {}): AppAbility {
    const { can, cannot, build } = new AbilityBuilder<AppAbility>(createMongoAbility);
    if (actor?.kind === 'api_client') {
      // Intake system: its own policies and claims only; never scores, flags, notes or decisions.
      can('create', 'Policy');
      can('read', 'Policy', { createdByClientId: actor.id });
      can('create', 'Claim');
      can(['read', 'list', 'update'], 'Claim', { submitterClientId: actor.id });
      can('create', 'Photo', { submitterClientId: actor.id });
      can('read', 'IntakeKey');
      // Its own webhook endpoints (and their delivery logs); another client's answer 404.
      can(['create', 'read', 'list', 'update', 'delete'], 'WebhookEndpoint', { clientId: actor.id });
    } else if (actor?.kind === 'user') {
      const team = actor.team;
      switch (actor.role) {
        case 'adjuster':
          can(['read', 'list'], 'Claim', { team });
          can('read', 'ScoringRun', { team });
          can(['read', 'list'], 'ReviewTask', { team });
          // Claim an unassigned task of its team's queue; an escalated task waits for a supervisor.
          can('assign', 'ReviewTask', { team, assigneeId: null, status: 'open' });
          can('decide', 'ReviewTask', { team, assigneeId: actor.id });
          can('create', 'Decision', { team, reviewerId: actor.id });
          can('read', 'Decision', { team });
          can(['read', 'view_content'], 'Photo', { team, assigneeId: actor.id });
          can('read', 'Policy', STAFF_POLICY_READ);
          break;
        case 'supervisor':
          can(['read', 'list'], 'Claim', { team });
          can('read', 'ScoringRun', { team });
          can(['read', 'list', 'assign', 'decide', 'override'], 'ReviewTask', { team });
          can(['create', 'read', 'override'], 'Decision', { team });
          can(['read', 'view_content'], 'Photo', { team });
          can('read_location', 'Photo', { team });
          // The other claim a duplicate flag of its team's claim matched, whatever that claim's team.
          can('read', 'DuplicateMatch', { team });
          can('read', 'Policy', STAFF_POLICY_READ);
          can('read', 'QualityReport');
          can(['read', 'update'], 'TeamWorkload', { team });
          break;
        case 'investigator':
          // Special investigations: read-only across teams (claims, checks, decisions, photos with GPS);
          // every photo view is audited like anyone's. Never decides, assigns or overrides.
          can(['read', 'list'], ['Claim', 'ScoringRun', 'Decision']);
          can(['read', 'view_content', 'read_location'], 'Photo');
          can('read', 'DuplicateMatch');
          can('read', 'Policy', STAFF_POLICY_READ);
          cannot(['create', 'update', 'delete', 'override'], 'Decision');
          break;
        case 'compliance':
          can(['read', 'list', 'verify', 'export'], 'AuditEvent');
          can(['read', 'list'], ['Claim', 'Decision', 'ScoringRun']);
          can('read', 'Policy', STAFF_POLICY_READ);
          can('manage', ['RetentionPolicy', 'LegalHold']);
          // Four eyes: a retention change that shortens retention needs a compliance officer other than its proposer.
          can(['read', 'list', 'approve', 'delete'], 'RetentionChange');
          cannot('approve', 'RetentionChange', { proposedBy: actor.id });
          can(['create', 'read', 'list', 'delete'], 'AuditSavedSearch', { userId: actor.id });
          can(['read', 'export'], 'AccessReview');
          if (options.justification && options.justification.trim().length > 0) can(['read', 'view_content'], 'Photo');
          cannot(['create', 'update', 'delete', 'override'], 'Decision');
          break;
        case 'admin':
          can('manage', ['User', 'ApiClient', 'Policy', 'Threshold', 'Ops', 'IntakeKey', 'WebhookEndpoint']);
          can('read', 'QualityReport');
          can('manage', 'ModelGovernance');
          can(['read', 'list', 'verify', 'export'], 'AuditEvent');
          can(['create', 'read', 'list', 'delete'], 'AuditSavedSearch', { userId: actor.id });
          can(['read', 'export'], 'AccessReview');
          break;
      }
    }
    // Nobody edits history: audit events are append-only, decisions are overridden by new ones.
    cannot(['update', 'delete'], 'AuditEvent');
    cannot(['update', 'delete'], 'Decision');
    return build();
  }
}
