import type { AuditContext } from '../../src/audit/audit-context';
import type { AuditService } from '../../src/audit/audit.service';
import { factories } from './factories';

/**
 * Runs an audited change that writes an API client named "doomed" (of `team`), records `action` and
 * then fails; expects the failure to reach the caller. The test then checks that neither stayed.
 */
export async function runFailingChange(
  audit: AuditService,
  context: AuditContext,
  event: { team: string; action: string; resourceType: string },
): Promise<void> {
  await expect(
    audit.run(context, async (tx) => {
      await factories(tx.manager).newApiClient({ name: 'doomed', team: event.team });
      tx.record({ action: event.action, resourceType: event.resourceType });
      throw new Error('the change failed');
    }),
  ).rejects.toThrow('the change failed');
}
