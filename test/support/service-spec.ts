import type { DataSource } from 'typeorm';
import type { AuditContext } from '../../src/audit/audit-context';
import type { AppAbility } from '../../src/common/access.decorators';
import type { Actor } from '../../src/common/actor';
import { factories, type Factories } from './factories';
import { abilityFor, contextFor } from './service-actors';
import { useTestApp, type TestApp, type TestAppOptions } from './test-app';

/** Who calls a service: the actor, its ability and the audit context a request would carry. */
export interface Caller {
  readonly actor: Actor;
  readonly ability: AppAbility;
  readonly context: AuditContext;
}

/** The running app of one service spec; read its fields inside tests and hooks (they exist after beforeAll). */
export interface ServiceSpec {
  readonly testApp: TestApp;
  readonly dataSource: DataSource;
  readonly make: Factories;
  /** The actor with its ability (the app's real access rules) and audit context. */
  caller(actor: Actor): Caller;
  /** The audit actions recorded for a resource, oldest first. */
  auditActions(resourceId: string): Promise<string[]>;
}

/**
 * The set-up every service spec (test/services) shares: boots the real app for the file (beforeAll),
 * closes it after (afterAll), then calls `ready` with it so the spec can take its services.
 */
export function useServiceSpec(
  options: TestAppOptions,
  ready?: (testApp: TestApp) => void | Promise<void>,
): ServiceSpec {
  const testApp = useTestApp(options, ready);
  return {
    get testApp() {
      return testApp();
    },
    get dataSource() {
      return testApp().database.dataSource;
    },
    get make() {
      return factories(testApp());
    },
    caller: (actor) => ({ actor, ability: abilityFor(testApp(), actor), context: contextFor(actor) }),
    async auditActions(resourceId) {
      const rows = (await testApp().database.dataSource.query(
        `SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY seq`,
        [resourceId],
      )) as Array<{ action: string }>;
      return rows.map((row) => row.action);
    },
  };
}
