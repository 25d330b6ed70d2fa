import { AuditService } from '../../src/audit/audit.service';
import { AuditSequencer } from '../../src/audit/audit-sequencer.service';
import { AuditVerificationService } from '../../src/audit/audit-verification.service';
import { ApiClient } from '../../src/auth/api-client.entity';
import { runFailingChange } from '../support/audit-helpers';
import { factories } from '../support/factories';
import { useServiceSpec } from '../support/service-spec';

const CONTEXT = { actorType: 'system' as const, actorId: 'audit-service-spec', requestId: 'req-1' };

/**
 * AuditService and AuditVerificationService against real PostgreSQL, called directly: every change
 * and its event commit together or not at all, concurrent writers take no lock and every event gets
 * exactly one log index, and the verifier notices a changed event.
 */
describe('AuditService + AuditVerificationService (real PostgreSQL)', () => {
  let audit: AuditService;
  let verification: AuditVerificationService;
  let sequencer: AuditSequencer;
  const spec = useServiceSpec({ label: 'svc_audit' }, (testApp) => {
    audit = testApp.app.get(AuditService);
    verification = testApp.app.get(AuditVerificationService);
    sequencer = testApp.app.get(AuditSequencer);
  });

  async function events(action: string) {
    return (await spec.dataSource.query(
      `SELECT seq::int AS seq, actor_type, actor_id, request_id, resource_id, details FROM audit_events WHERE action = $1 ORDER BY seq`,
      [action],
    )) as Array<Record<string, unknown>>;
  }

  it('records events with the context, and the chain verifies', async () => {
    await audit.record(
      CONTEXT,
      { action: 'spec.recorded', resourceType: 'Thing', resourceId: 'a', details: { n: 1 } },
      { action: 'spec.recorded', resourceType: 'Thing', resourceId: 'b', details: { n: 2 } },
    );
    const rows = await events('spec.recorded');
    expect(rows).toMatchObject([
      {
        actor_type: 'system',
        actor_id: 'audit-service-spec',
        request_id: 'req-1',
        resource_id: 'a',
        details: { n: 1 },
      },
      { resource_id: 'b', details: { n: 2 } },
    ]);
    expect(Number(rows[1].seq)).toBe(Number(rows[0].seq) + 1);
    const { treeSize } = await sequencer.flush();
    const report = await verification.verify();
    expect(report).toMatchObject({ ok: true, treeSize, eventsChecked: treeSize, unsequenced: 0 });
  });

  it('commits a change and its event together, and neither when the work fails', async () => {
    const created = await audit.run(CONTEXT, async (tx) => {
      const client = await factories(tx.manager).newApiClient({ name: 'kept', team: 'audit-spec' });
      tx.record({ action: 'spec.client_created', resourceType: 'ApiClient', resourceId: client.id });
      return client;
    });
    expect(await events('spec.client_created')).toMatchObject([{ resource_id: created.id }]);

    await runFailingChange(audit, CONTEXT, { team: 'audit-spec', action: 'spec.doomed', resourceType: 'ApiClient' });
    expect(await spec.dataSource.getRepository(ApiClient).countBy({ name: 'doomed' })).toBe(0);
    expect(await events('spec.doomed')).toEqual([]);
    expect((await verification.verify()).ok).toBe(true);
  });

  it('gives every event of 16 concurrent lock-free writers exactly one log index, without gaps', async () => {
    await Promise.all(
      Array.from({ length: 16 }, async (_, writer) => {
        for (let n = 0; n < 10; n += 1)
          await audit.record(CONTEXT, { action: 'spec.concurrent', details: { writer, n } });
      }),
    );
    const { treeSize } = await sequencer.flush();
    const rows = (await spec.dataSource.query(
      `SELECT log_index::int AS log_index FROM audit_log ORDER BY log_index`,
    )) as Array<{ log_index: number | null }>;
    expect(rows.length).toBe(treeSize);
    expect(rows.map((row) => row.log_index)).toEqual(Array.from({ length: treeSize }, (_, index) => index));
    expect(await verification.verify({ pageSize: 7 })).toMatchObject({ ok: true, treeSize, eventsChecked: treeSize });
  });

  it('reports an event that was changed behind its back, at its log index', async () => {
    await audit.record(CONTEXT, { action: 'spec.tampered', details: { amount: 100 } });
    await sequencer.flush();
    const [row] = (await spec.dataSource.query(
      `SELECT seq::int AS seq, log_index::int AS log_index FROM audit_log WHERE action = 'spec.tampered'`,
    )) as Array<{ seq: number; log_index: number }>;
    const admin = spec.dataSource;
    // The append-only triggers refuse the change; a superuser who disables them is what the Merkle log is for.
    await expect(
      admin.query(`UPDATE audit_events SET details = '{"amount": 1}'::jsonb WHERE seq = $1`, [row.seq]),
    ).rejects.toThrow(/append-only/);
    await admin.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    try {
      await admin.query(`UPDATE audit_events SET details = '{"amount": 1}'::jsonb WHERE seq = $1`, [row.seq]);
    } finally {
      await admin.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    }
    const report = await verification.verify();
    expect(report.ok).toBe(false);
    expect(report.problem).toMatchObject({ kind: 'leaf_mismatch', logIndex: row.log_index, seq: row.seq });
    expect(report.eventsChecked).toBe(row.log_index);
  });
});
