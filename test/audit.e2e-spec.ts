import { Client } from 'pg';
import { AuditCheckpointService } from '../src/audit/audit-checkpoint.service';
import type { AuditContext } from '../src/audit/audit-context';
import { hashAuditEvent } from '../src/audit/audit-chain';
import { parsePinnedCheckpoint, verifyExportLines, type ExportHeader } from '../src/audit/audit-export-format';
import { AUDIT_EXPORTED, AuditExportService } from '../src/audit/audit-export.service';
import { AuditQueryService } from '../src/audit/audit-query.service';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { AuditService } from '../src/audit/audit.service';
import { runFailingChange } from './support/audit-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';

const COMPLIANCE: AuditContext = {
  actorType: 'user',
  actorId: 'compliance-officer',
  requestId: 'req-1',
  sourceIp: '127.0.0.1',
};

describe('audit trail (real PostgreSQL)', () => {
  let testApp: TestApp;
  let admin: Client;
  let audit: AuditService;
  let verification: AuditVerificationService;
  let checkpoints: AuditCheckpointService;
  let exports: AuditExportService;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'audit' });
    admin = new Client({ connectionString: testApp.testDatabase.url });
    await admin.connect();
    audit = testApp.app.get(AuditService);
    verification = testApp.app.get(AuditVerificationService);
    checkpoints = testApp.app.get(AuditCheckpointService);
    exports = testApp.app.get(AuditExportService);
  });

  afterAll(async () => {
    await admin?.end();
    await testApp?.close();
  });

  /** As superuser, with the append-only triggers off for the duration of `change`. */
  async function tamper(change: (client: Client) => Promise<unknown>): Promise<void> {
    await admin.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await admin.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
    try {
      await change(admin);
    } finally {
      await admin.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
      await admin.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    }
  }

  /** Empties the trail (triggers off) and writes `count` events through AuditService. */
  async function freshChain(count: number): Promise<void> {
    await tamper(async (client) => {
      await client.query('DELETE FROM audit_checkpoints');
      await client.query('DELETE FROM audit_events');
    });
    for (let index = 1; index <= count; index += 1) {
      await audit.record(COMPLIANCE, {
        action: 'test.event',
        resourceType: 'test',
        resourceId: `r-${index}`,
        details: { index, note: `event ${index}` },
      });
    }
  }

  async function exportText(request: Parameters<AuditExportService['open']>[1]): Promise<string> {
    const result = await exports.open(COMPLIANCE, request, 7);
    const chunks: Buffer[] = [];
    for await (const chunk of result.body) chunks.push(Buffer.from(chunk as string));
    return Buffer.concat(chunks).toString('utf8');
  }

  describe('verification finds tampering', () => {
    beforeEach(() => freshChain(20));

    it('verifies an intact chain of 20 events', async () => {
      const report = await verification.verify({ pageSize: 6 });
      expect(report).toMatchObject({ ok: true, eventsChecked: 20, head: { seq: 20 } });
      expect(report.problem).toBeUndefined();
    });

    it('reports an altered event as hash_mismatch at exactly its seq', async () => {
      await tamper((client) =>
        client.query(`UPDATE audit_events SET details = '{"index": 7, "note": "rewritten"}' WHERE seq = 7`),
      );
      const report = await verification.verify({ pageSize: 6 });
      expect(report).toMatchObject({ ok: false, eventsChecked: 6, problem: { kind: 'hash_mismatch', seq: 7 } });
    });

    it('reports a deleted event as sequence_gap at its seq', async () => {
      await tamper((client) => client.query('DELETE FROM audit_events WHERE seq = 12'));
      expect((await verification.verify()).problem).toMatchObject({ kind: 'sequence_gap', seq: 12 });
    });

    it('reports two events whose contents were swapped at the first of them', async () => {
      // hash is UNIQUE: park event 10's hash first, then copy the two rows' contents crosswise.
      await tamper(async (client) => {
        await client.query('CREATE TEMP TABLE original AS SELECT * FROM audit_events WHERE seq IN (9, 10)');
        await client.query(`UPDATE audit_events SET hash = 'parked' WHERE seq = 10`);
        for (const [target, source] of [
          [9, 10],
          [10, 9],
        ]) {
          await client.query(
            `UPDATE audit_events e SET occurred_at = o.occurred_at, action = o.action, resource_id = o.resource_id, details = o.details,
               prev_hash = o.prev_hash, hash = o.hash FROM original o WHERE e.seq = $1 AND o.seq = $2`,
            [target, source],
          );
        }
        await client.query('DROP TABLE original');
      });
      const report = await verification.verify();
      expect(report.ok).toBe(false);
      expect(report.problem?.seq).toBe(9);
    });

    it('refuses UPDATE, DELETE and TRUNCATE while the triggers are on', async () => {
      await expect(admin.query(`UPDATE audit_events SET action = 'x' WHERE seq = 1`)).rejects.toThrow(/append-only/);
      await expect(admin.query('DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow(/append-only/);
      await expect(admin.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      expect((await verification.verify()).ok).toBe(true);
    });
  });

  describe('appending', () => {
    it('keeps one unbroken chain under 50 concurrent state changes', async () => {
      await freshChain(0);
      await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          audit.run(COMPLIANCE, async (tx) => {
            const client = await factories(tx.manager).newApiClient({ name: `client-${index}`, team: 'audit-test' });
            tx.record({
              action: 'test.api_client_created',
              resourceType: 'api_client',
              resourceId: client.id,
              details: { index },
            });
          }),
        ),
      );
      const seqs = (
        (await admin.query('SELECT seq FROM audit_events ORDER BY seq')).rows as Array<{ seq: string }>
      ).map((row) => Number(row.seq));
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
      expect(await verification.verify({ pageSize: 8 })).toMatchObject({
        ok: true,
        eventsChecked: 50,
        head: { seq: 50 },
      });
    });

    it('leaves neither the change nor its event when the change fails after recording', async () => {
      await freshChain(3);
      await runFailingChange(audit, COMPLIANCE, {
        team: 'audit-test',
        action: 'test.doomed',
        resourceType: 'api_client',
      });
      expect((await admin.query(`SELECT 1 FROM api_clients WHERE name = 'doomed'`)).rowCount).toBe(0);
      expect((await admin.query(`SELECT 1 FROM audit_events WHERE action = 'test.doomed'`)).rowCount).toBe(0);
      expect(await verification.verify()).toMatchObject({ ok: true, eventsChecked: 3 });
    });
  });

  describe('checkpoints', () => {
    beforeEach(() => freshChain(20));

    it('signs the head including its own event, is idempotent, and verifies', async () => {
      const first = await checkpoints.create(COMPLIANCE, 'on_demand');
      expect(first).toMatchObject({ created: true, checkpoint: { seq: 21 } });
      const again = await checkpoints.create(COMPLIANCE, 'scheduled');
      expect(again).toMatchObject({ created: false, checkpoint: { seq: 21, signature: first.checkpoint.signature } });
      const [event] = (await admin.query('SELECT action, actor_id, hash FROM audit_events WHERE seq = 21'))
        .rows as Array<{ action: string; actor_id: string; hash: string }>;
      expect(event).toEqual({
        action: 'audit.checkpoint_created',
        actor_id: COMPLIANCE.actorId,
        hash: first.checkpoint.headHash,
      });
      expect(await verification.verify()).toMatchObject({ ok: true, eventsChecked: 21, checkpointsChecked: 1 });
      await audit.record(COMPLIANCE, { action: 'test.event' });
      expect(await verification.verify({ fromCheckpoint: 21 })).toMatchObject({
        ok: true,
        eventsChecked: 2,
        from: { seq: 21 },
        head: { seq: 22 },
      });
      await expect(verification.verify({ fromCheckpoint: 5 })).rejects.toThrow(/no audit checkpoint/);
    });

    it('reports a tampered signature as bad_signature', async () => {
      const { checkpoint } = await checkpoints.create(COMPLIANCE, 'on_demand');
      const forged = Buffer.from(checkpoint.signature, 'base64');
      forged[0] ^= 0xff;
      await tamper((client) =>
        client.query('UPDATE audit_checkpoints SET signature = $1 WHERE seq = $2', [
          forged.toString('base64'),
          checkpoint.seq,
        ]),
      );
      expect((await verification.verify()).problem).toMatchObject({ kind: 'bad_signature', seq: 21 });
      expect((await verification.verify({ fromCheckpoint: 21 })).problem).toMatchObject({
        kind: 'bad_signature',
        seq: 21,
      });
    });

    it('reports events cut off the end, behind a checkpoint', async () => {
      await checkpoints.create(COMPLIANCE, 'on_demand');
      await tamper((client) => client.query('DELETE FROM audit_events WHERE seq >= 20'));
      expect((await verification.verify()).problem).toMatchObject({ kind: 'checkpoint_mismatch', seq: 21 });
    });
  });

  describe('export', () => {
    beforeEach(() => freshChain(20));

    it('streams a JSONL export that verifies offline, is audited, and rejects an altered line', async () => {
      await checkpoints.create(COMPLIANCE, 'on_demand');
      const text = await exportText({ format: 'jsonl' });
      const lines = text.trimEnd().split('\n');
      const header = JSON.parse(lines[0]) as ExportHeader;
      expect(header).toMatchObject({
        kind: 'audit_export',
        range: { firstSeq: 1, lastSeq: 21, count: 21 },
        checkpoint: { seq: 21 },
      });
      expect(header.publicKey.keyId).toBe(header.checkpoint?.keyId);
      expect(lines).toHaveLength(22);
      expect(await verifyExportLines(lines)).toMatchObject({ ok: true, eventsChecked: 21, checkpointsVerified: [21] });

      const exported = await testApp.app.get(AuditQueryService).search({ action: AUDIT_EXPORTED });
      expect(exported.items).toHaveLength(1);
      expect(exported.items[0]).toMatchObject({
        seq: 22,
        actorId: COMPLIANCE.actorId,
        details: { format: 'jsonl', firstSeq: 1, lastSeq: 21, checkpointSeq: 21 },
      });

      const altered = [...lines];
      altered[5] = altered[5].replace('"note":"event 5"', '"note":"event five"');
      expect(altered[5]).not.toBe(lines[5]);
      expect(await verifyExportLines(altered)).toMatchObject({ ok: false, problem: { kind: 'hash_mismatch', seq: 5 } });
      expect(await verifyExportLines(lines.slice(0, 15))).toMatchObject({ ok: false, problem: { kind: 'incomplete' } });
    });

    it('a later export extends the history a kept checkpoint signed; a rewritten one is caught', async () => {
      await checkpoints.create(COMPLIANCE, 'on_demand');
      const earlier = await exportText({ format: 'jsonl' });
      const pinned = parsePinnedCheckpoint(earlier);
      expect(pinned.seq).toBe(21);
      for (let index = 0; index < 5; index += 1)
        await audit.record(COMPLIANCE, { action: 'test.later', details: { index } });
      const later = (await exportText({ format: 'jsonl' })).trimEnd().split('\n');
      expect(await verifyExportLines(later, { pinned })).toMatchObject({ ok: true, checkpointsVerified: [21] });

      // A coherent rewrite: event 3 changed and every later hash recomputed, the header's checkpoint dropped.
      const header = JSON.parse(later[0]) as ExportHeader;
      const events = later
        .slice(1)
        .map((line) => JSON.parse(line) as Parameters<typeof hashAuditEvent>[0] & { hash: string });
      events[2].details = { index: 3, note: 'history rewritten' };
      let prevHash = events[0].prevHash;
      for (const event of events) {
        event.prevHash = prevHash;
        event.hash = hashAuditEvent(event);
        prevHash = event.hash;
      }
      const rewritten = [
        JSON.stringify({ ...header, checkpoint: null }),
        ...events.map((event) => JSON.stringify(event)),
      ];
      expect((await verifyExportLines(rewritten)).ok).toBe(true);
      expect(await verifyExportLines(rewritten, { pinned })).toMatchObject({
        ok: false,
        problem: { kind: 'checkpoint_mismatch', seq: 21 },
      });
    });

    it('exports a time range as a contiguous seq range, and CSV with a header comment line', async () => {
      const rows = (await admin.query('SELECT seq, occurred_at FROM audit_events ORDER BY seq')).rows as Array<{
        seq: string;
        occurred_at: Date;
      }>;
      const from = rows[4].occurred_at;
      const jsonl = (await exportText({ format: 'jsonl', from })).trimEnd().split('\n');
      const header = JSON.parse(jsonl[0]) as ExportHeader;
      expect(header.range.firstSeq).toBeLessThanOrEqual(5);
      expect(await verifyExportLines(jsonl)).toMatchObject({ ok: true, eventsChecked: header.range.count });

      const csv = (await exportText({ format: 'csv' })).trimEnd().split('\n');
      expect(csv[0].startsWith('# {"kind":"audit_export"')).toBe(true);
      expect(csv[1]).toBe(
        'seq,occurred_at,actor_type,actor_id,action,resource_type,resource_id,request_id,source_ip,justification,details,prev_hash,hash',
      );
      expect(csv[2].startsWith('1,')).toBe(true);
    });
  });
});
