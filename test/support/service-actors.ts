import type { AuditContext } from '../../src/audit/audit-context';
import { AbilityFactory, type AbilityOptions } from '../../src/auth/ability.factory';
import type { AppAbility } from '../../src/common/access.decorators';
import type { Actor } from '../../src/common/actor';
import type { StaffRole } from '../../src/common/actor';
import type { TestApp } from './test-app';

/**
 * Who calls a service in the service specs (test/services): the same Actor, ability and audit context
 * a request would carry, built without HTTP. Abilities come from the app's own AbilityFactory, so the
 * specs run the real access rules.
 */
export function intakeActor(client: { id: string; team: string; name?: string }): Actor {
  return { kind: 'api_client', id: client.id, team: client.team, name: client.name ?? 'intake' };
}

export function staffActor(user: { id: string; role: StaffRole; team: string; email: string }): Actor {
  return { kind: 'user', id: user.id, role: user.role, team: user.team, email: user.email };
}

export function abilityFor(testApp: TestApp, actor: Actor, options: AbilityOptions = {}): AppAbility {
  return testApp.app.get(AbilityFactory).createForActor(actor, options);
}

export function contextFor(actor: Actor): AuditContext {
  return { actorType: actor.kind, actorId: actor.id, requestId: 'service-spec' };
}
