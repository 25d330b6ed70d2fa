import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { AuditCheckpointService } from '../src/audit/audit-checkpoint.service';
import type { AuditContext } from '../src/audit/audit-context';
import { verifyExportLines, type ExportHeader } from '../src/audit/audit-export-format';
import { AUDIT_EXPORTED, AuditExportService } from '../src/audit/audit-export.service';
import { leafHashOf } from '../src/audit/audit-leaf';
import { AuditQueryService } from '../src/audit/audit-query.service';
import { AuditSequencerLoop } from '../src/audit/audit-sequencer.loop';
import { AuditSequencer } from '../src/audit/audit-sequencer.service';
import { AuditSigningKey } from '../src/audit/audit-signing';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { AuditService } from '../src/audit/audit.service';
import { Clock } from '../src/common/clock';
import { APP_CONFIG, type AppConfig } from '../src/config/app-config';
import { TransactionRunner } from '../src/database/transaction-runner';
import { CompactRange } from '../src/audit/merkle/rfc6962';
import { formatCheckpoint, signNote } from '../src/audit/signed-note';
import { runFailingChange } from './support/audit-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait-for';

const COMPLIANCE: AuditContext = {
  actorType: 'user',
  actorId: 'compliance-officer',
  requestId: 'req-1',
  sourceIp: '127.0.0.1',
};

/** SQL for the seq of the event at a log index. */
const AT = (logIndex: number) => `(SELECT seq FROM audit_log_entries WHERE log_index = ${Number(logIndex)})`;
const AUDIT_TABLES = ['audit_events', 'audit_log_entries', 'audit_checkpoints', 'audit_tree_nodes', 'audit_tree_heads'];

/**
 * The audit trail as a Merkle log against real PostgreSQL: lock-free appends, the sequencer (lease,
 * in-flight transactions, a batch killed mid-way), tamper cases located by verification, signed tree
 * heads, and exports that verify offline.
 */
describe('audit log (real PostgreSQL)', () => {
  let testApp: TestApp;
  let admin: Client;
  let audit: AuditService;
  let verification: AuditVerificationService;
  let checkpoints: AuditCheckpointService;
  let exports: AuditExportService;
  let sequencer: AuditSequencer;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'audit' });
    admin = new Client({ connectionString: testApp.testDatabase.url });
    await admin.connect();
    audit = testApp.app.get(AuditService);
    verification = testApp.app.get(AuditVerificationService);
    checkpoints = testApp.app.get(AuditCheckpointService);
    exports = testApp.app.get(AuditExportService);
    sequencer = testApp.app.get(AuditSequencer);
  });

  afterAll(async () => {
    await admin?.end();
    await testApp?.close();
  });

  /** As superuser, with the append-only triggers off for the duration of `change`. */
  async function tamper(change: (client: Client) => Promise<unknown>): Promise<void> {
    for (const table of AUDIT_TABLES) await admin.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      await change(admin);
    } finally {
      for (const table of AUDIT_TABLES) await admin.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  }

  /** Deletes the events at the log indexes `where` selects, and their entries (triggers off). */
  async function deleteEvents(client: Client, where: string): Promise<void> {
    await client.query(`DELETE FROM audit_events WHERE seq IN (SELECT seq FROM audit_log_entries WHERE ${where})`);
    await client.query(`DELETE FROM audit_log_entries WHERE ${where}`);
  }

  /** Empties the log (triggers off), writes `count` events through AuditService and sequences them. */
  async function freshLog(count: number): Promise<void> {
    await tamper(async (client) => {
      for (const table of AUDIT_TABLES) await client.query(`DELETE FROM ${table}`);
      await client.query(`UPDATE audit_sequencer_lease SET holder = NULL, expires_at = '-infinity'`);
    });
    for (let index = 1; index <= count; index += 1) {
      await audit.record(COMPLIANCE, {
        action: 'test.event',
        resourceType: 'test',
        resourceId: `r-${index}`,
        details: { index, note: `event ${index}` },
      });
    }
    await sequencer.flush();
  }

  async function logIndexes(): Promise<Array<number | null>> {
    const rows = (await admin.query('SELECT log_index FROM audit_log ORDER BY log_index NULLS LAST, seq'))
      .rows as Array<{ log_index: string | null }>;
    return rows.map((row) => (row.log_index === null ? null : Number(row.log_index)));
  }

  async function exportText(request: Parameters<AuditExportService['open']>[1]): Promise<string> {
    const result = await exports.open(COMPLIANCE, request, 7);
    const chunks: Buffer[] = [];
    for await (const chunk of result.body) chunks.push(Buffer.from(chunk as string));
    return Buffer.concat(chunks).toString('utf8');
  }

  describe('verification locates tampering', () => {
    beforeEach(() => freshLog(20));

    it('verifies an intact log of 20 events against its signed tree head', async () => {
      const report = await verification.verify({ pageSize: 6 });
      expect(report).toMatchObject({ ok: true, eventsChecked: 20, treeSize: 20, treeHeadsChecked: 1, unsequenced: 0 });
      expect(report.problem).toBeUndefined();
    });

    it('reports a changed event as leaf_mismatch at exactly its log index', async () => {
      await tamper((client) =>
        client.query(`UPDATE audit_events SET details = '{"index": 7, "note": "rewritten"}' WHERE seq = ${AT(6)}`),
      );
      const report = await verification.verify({ pageSize: 6 });
      expect(report).toMatchObject({ ok: false, eventsChecked: 6, problem: { kind: 'leaf_mismatch', logIndex: 6 } });
    });

    it('catches a changed event whose leaf and whole tree were recomputed, by the signed tree head', async () => {
      await tamper(async (client) => {
        await client.query(
          `UPDATE audit_events SET details = '{"index": 7, "note": "rewritten"}' WHERE seq = ${AT(6)}`,
        );
        const rows = (
          await testApp.database.dataSource.query(
            `SELECT seq, log_index, occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id,
                    source_ip, justification, details, prev_hash FROM audit_log ORDER BY log_index`,
          )
        ).map((row: Record<string, unknown>) => ({
          seq: Number(row.seq),
          occurredAt: new Date(row.occurred_at as string),
          actorType: row.actor_type as string,
          actorId: row.actor_id as string | null,
          action: row.action as string,
          resourceType: row.resource_type as string | null,
          resourceId: row.resource_id as string | null,
          requestId: row.request_id as string | null,
          sourceIp: row.source_ip as string | null,
          justification: row.justification as string | null,
          details: row.details as Record<string, unknown>,
          prevHash: row.prev_hash as string | null,
        }));
        await client.query('DELETE FROM audit_tree_nodes');
        const range = new CompactRange();
        for (const event of rows) {
          const leaf = leafHashOf(event);
          await client.query('UPDATE audit_events SET leaf_hash = $1 WHERE seq = $2', [leaf, event.seq]);
          for (const node of range.append(leaf))
            await client.query('INSERT INTO audit_tree_nodes (level, idx, hash) VALUES ($1, $2, $3)', [
              node.level,
              node.index,
              node.hash,
            ]);
        }
      });
      const report = await verification.verify();
      expect(report.problem).toMatchObject({ kind: 'head_mismatch', treeSize: 20 });
    });

    it('reports a deleted event as missing_event at its log index', async () => {
      await tamper((client) => deleteEvents(client, 'log_index = 12'));
      expect((await verification.verify()).problem).toMatchObject({ kind: 'missing_event', logIndex: 12 });
    });

    it('reports events cut off the end, and a head beyond the log once the tree is cut too', async () => {
      await tamper((client) => deleteEvents(client, 'log_index >= 17'));
      expect((await verification.verify()).problem).toMatchObject({ kind: 'missing_event', logIndex: 17 });
      await tamper((client) => client.query('DELETE FROM audit_tree_nodes WHERE idx * 2 ^ level >= 16'));
      // The tree now ends at 16 leaves too, and events 16 (kept) … the head signs 20.
      await tamper((client) => deleteEvents(client, 'log_index >= 16'));
      expect((await verification.verify()).problem).toMatchObject({
        kind: 'head_beyond_log',
        logIndex: 16,
        treeSize: 20,
      });
    });

    it('reports two events whose log indexes were swapped as reordered, at the first of them', async () => {
      await tamper(async (client) => {
        const [nine, ten] = (
          await client.query('SELECT seq FROM audit_log_entries WHERE log_index IN (9, 10) ORDER BY log_index')
        ).rows.map((row: { seq: string }) => row.seq);
        await client.query('UPDATE audit_log_entries SET seq = -1 WHERE log_index = 9');
        await client.query('UPDATE audit_log_entries SET seq = $1 WHERE log_index = 10', [nine]);
        await client.query('UPDATE audit_log_entries SET seq = $1 WHERE log_index = 9', [ten]);
      });
      expect((await verification.verify()).problem).toMatchObject({ kind: 'reordered', logIndex: 9 });
    });

    it('reports a fork: a second validly signed head of the same size with another root', async () => {
      const key = testApp.app.get(AuditSigningKey);
      const rootHash = Buffer.alloc(32, 7);
      const note = signNote(formatCheckpoint({ origin: key.origin, size: 20, rootHash }), key.noteSigner);
      await admin.query(
        `INSERT INTO audit_tree_heads (tree_size, root_hash, signed_at, key_name, key_id, note) VALUES (20, $1, now(), $2, $3, $4)`,
        [rootHash, key.origin, key.noteKeyId, note],
      );
      expect((await verification.verify()).problem).toMatchObject({ kind: 'fork', treeSize: 20 });
    });

    it('accepts heads signed by a previous key only while that key is listed (rotation by key id)', async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'audit-old-key-'));
      try {
        const current = testApp.app.get(AuditSigningKey);
        const old = new AuditSigningKey({
          audit: { signingKeyFile: path.join(dir, 'old.pem'), logOrigin: current.origin },
        });
        const [head] = (await admin.query('SELECT root_hash FROM audit_tree_heads WHERE tree_size = 20'))
          .rows as Array<{
          root_hash: Buffer;
        }>;
        const note = signNote(
          formatCheckpoint({ origin: old.origin, size: 20, rootHash: head.root_hash }),
          old.noteSigner,
        );
        await admin.query(
          `INSERT INTO audit_tree_heads (tree_size, root_hash, signed_at, key_name, key_id, note) VALUES (20, $1, now(), $2, $3, $4)`,
          [head.root_hash, old.origin, old.noteKeyId, note],
        );
        expect((await verification.verify()).problem).toMatchObject({ kind: 'bad_signature', treeSize: 20 });
        const config = testApp.app.get<AppConfig>(APP_CONFIG);
        const rotated = new AuditVerificationService(
          testApp.app.get(TransactionRunner),
          new AuditSigningKey({ audit: { ...config.audit, previousVerifierKeys: [old.verifierKey] } }),
        );
        expect(await rotated.verify()).toMatchObject({ ok: true, treeHeadsChecked: 2 });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('reports a tree head whose signature was altered as bad_signature', async () => {
      await tamper((client) =>
        client.query(`UPDATE audit_tree_heads SET note = regexp_replace(note, ' [A-Za-z0-9+/]{10}', ' AAAAAAAAAA')`),
      );
      expect((await verification.verify()).problem).toMatchObject({ kind: 'bad_signature', treeSize: 20 });
    });

    it('refuses UPDATE, DELETE and TRUNCATE, and gives an event one log index and a log index one event', async () => {
      await expect(admin.query(`UPDATE audit_events SET action = 'x' WHERE seq = ${AT(1)}`)).rejects.toThrow(
        /append-only/,
      );
      await expect(admin.query('UPDATE audit_log_entries SET log_index = 99 WHERE log_index = 1')).rejects.toThrow(
        /append-only/,
      );
      await expect(admin.query(`DELETE FROM audit_events WHERE seq = ${AT(1)}`)).rejects.toThrow(/append-only/);
      await expect(admin.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      for (const table of ['audit_log_entries', 'audit_tree_nodes', 'audit_tree_heads']) {
        await expect(admin.query(`DELETE FROM ${table}`)).rejects.toThrow(/append-only/);
        await expect(admin.query(`TRUNCATE ${table}`)).rejects.toThrow(/append-only/);
      }
      await audit.record(COMPLIANCE, { action: 'test.unsequenced' });
      // A second index for a sequenced event, or an index already given to another event: refused.
      await expect(
        admin.query(
          'INSERT INTO audit_log_entries (log_index, seq) SELECT 20, seq FROM audit_log_entries WHERE log_index = 1',
        ),
      ).rejects.toThrow(/duplicate key/);
      await expect(
        admin.query(
          `INSERT INTO audit_log_entries (log_index, seq) SELECT 1, seq FROM audit_events WHERE action = 'test.unsequenced'`,
        ),
      ).rejects.toThrow(/duplicate key/);
      expect((await verification.verify()).ok).toBe(true);
    });
  });

  describe('appending and sequencing', () => {
    it('gives 50 concurrent state changes (no lock) exactly one log index each, 0..49 without gaps', async () => {
      await freshLog(0);
      await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          audit.run(COMPLIANCE, async (tx) => {
            const client = await factories(tx.manager).newApiClient({ name: `client-${index}`, team: 'audit-test' });
            tx.record({ action: 'test.api_client_created', resourceType: 'api_client', resourceId: client.id });
          }),
        ),
      );
      expect(await logIndexes()).toEqual(Array(50).fill(null));
      await sequencer.flush();
      expect(await logIndexes()).toEqual(Array.from({ length: 50 }, (_, index) => index));
      expect(await verification.verify({ pageSize: 8 })).toMatchObject({ ok: true, eventsChecked: 50 });
    });

    it('leaves neither the change nor its event when the change fails after recording', async () => {
      await freshLog(3);
      await runFailingChange(audit, COMPLIANCE, {
        team: 'audit-test',
        action: 'test.doomed',
        resourceType: 'api_client',
      });
      expect((await admin.query(`SELECT 1 FROM api_clients WHERE name = 'doomed'`)).rowCount).toBe(0);
      expect((await admin.query(`SELECT 1 FROM audit_events WHERE action = 'test.doomed'`)).rowCount).toBe(0);
      expect(await verification.verify()).toMatchObject({ ok: true, eventsChecked: 3 });
    });

    it('does not sequence past a transaction still in flight, then takes its event too', async () => {
      await freshLog(2);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const inFlight = new Promise<void>((resolve) => (started = resolve));
      const slow = audit.run(COMPLIANCE, async (tx) => {
        // A write first, so the transaction has its id before the later writers start.
        await factories(tx.manager).newApiClient({ name: 'slow', team: 'audit-test' });
        tx.record({ action: 'test.slow' });
        started();
        await gate;
      });
      await inFlight;
      for (let index = 0; index < 5; index += 1) await audit.record(COMPLIANCE, { action: 'test.fast' });
      expect(await sequencer.runBatch({ holder: null })).toMatchObject({ status: 'sequenced', count: 0, treeSize: 2 });
      release();
      await slow;
      await sequencer.flush();
      expect(await logIndexes()).toEqual(Array.from({ length: 8 }, (_, index) => index));
      expect((await verification.verify()).ok).toBe(true);
    });

    it('loses and duplicates nothing when a batch is killed mid-way (its connection terminated)', async () => {
      await freshLog(5);
      for (let index = 0; index < 30; index += 1)
        await audit.record(COMPLIANCE, { action: 'test.batch', details: { index } });
      await expect(
        sequencer.runBatch({
          holder: null,
          batchSize: 10,
          beforeCommit: async (tx) => {
            await tx.query('SELECT pg_terminate_backend(pg_backend_pid())');
          },
        }),
      ).rejects.toThrow();
      const indexes = await logIndexes();
      expect(indexes.filter((index) => index !== null)).toEqual([0, 1, 2, 3, 4]);
      expect((await admin.query('SELECT count(*)::int AS n FROM audit_tree_nodes WHERE level = 0')).rows[0].n).toBe(5);
      await sequencer.flush();
      expect(await logIndexes()).toEqual(Array.from({ length: 35 }, (_, index) => index));
      expect(await verification.verify()).toMatchObject({ ok: true, eventsChecked: 35 });
    });

    it('runs one sequencer at a time: a second waits, and takes over when the first stops', async () => {
      await freshLog(0);
      const config = testApp.app.get<AppConfig>(APP_CONFIG);
      const transactions = testApp.app.get(TransactionRunner);
      const make = () =>
        new AuditSequencer(transactions, testApp.app.get(AuditSigningKey), testApp.app.get(Clock), config);
      const first = new AuditSequencerLoop(make(), config);
      const second = new AuditSequencerLoop(make(), config);
      first.start();
      await waitFor(() => first.last?.status === 'sequenced', { timeoutMs: 10_000, description: 'the first loop' });
      second.start();
      await Promise.all(Array.from({ length: 20 }, () => audit.record(COMPLIANCE, { action: 'test.loop' })));
      await waitFor(async () => !(await logIndexes()).includes(null) && second.last?.status === 'waiting', {
        timeoutMs: 10_000,
        description: 'the first loop to sequence everything while the second waits',
      });
      expect(second.last).toMatchObject({ status: 'waiting' });
      await first.stop();
      for (let index = 0; index < 5; index += 1) await audit.record(COMPLIANCE, { action: 'test.loop' });
      await waitFor(async () => (await logIndexes()).length === 25 && !(await logIndexes()).includes(null), {
        timeoutMs: 15_000,
        description: 'the second loop to take over',
      });
      expect(second.last).toMatchObject({ status: 'sequenced' });
      await second.stop();
      expect(await logIndexes()).toEqual(Array.from({ length: 25 }, (_, index) => index));
      expect((await verification.verify()).ok).toBe(true);
    });
  });

  describe('signed tree heads', () => {
    beforeEach(() => freshLog(20));

    it('signs a head of everything committed (201-style created), then returns it while the tree is unchanged', async () => {
      await audit.record(COMPLIANCE, { action: 'test.more' });
      const first = await checkpoints.create(COMPLIANCE, 'on_demand');
      expect(first).toMatchObject({ created: true, checkpoint: { treeSize: 21 } });
      expect(first.checkpoint.note).toMatch(
        new RegExp(`^claims-evidence\\.local/audit\\n21\\n[A-Za-z0-9+/]{43}=\\n\\n\u2014 `),
      );
      const again = await checkpoints.create(COMPLIANCE, 'scheduled');
      expect(again).toMatchObject({ created: false, checkpoint: { treeSize: 21, note: first.checkpoint.note } });
      expect(await verification.verify()).toMatchObject({ ok: true, treeHeadsChecked: 2 });
    });
  });

  describe('export', () => {
    beforeEach(() => freshLog(20));

    it('streams a JSONL export that verifies offline against the signed head, is audited, and rejects alterations', async () => {
      const text = await exportText({ format: 'jsonl' });
      const lines = text.trimEnd().split('\n');
      const header = JSON.parse(lines[0]) as ExportHeader;
      expect(header).toMatchObject({
        kind: 'audit_export',
        version: 2,
        range: { firstIndex: 0, lastIndex: 19, count: 20 },
        treeHead: { treeSize: 20 },
      });
      expect(lines).toHaveLength(21);
      expect(await verifyExportLines(lines)).toMatchObject({ ok: true, eventsChecked: 20 });
      expect(await verifyExportLines(lines, { trustedKeys: [header.verifierKey] })).toMatchObject({ ok: true });

      const exported = await testApp.app.get(AuditQueryService).search({ action: AUDIT_EXPORTED });
      expect(exported.items[0]).toMatchObject({
        actorId: COMPLIANCE.actorId,
        details: { format: 'jsonl', firstIndex: 0, lastIndex: 19, treeSize: 20 },
      });

      const altered = [...lines];
      altered[5] = altered[5].replace('"note":"event 5"', '"note":"event five"');
      expect(altered[5]).not.toBe(lines[5]);
      expect(await verifyExportLines(altered)).toMatchObject({
        ok: false,
        problem: { kind: 'leaf_mismatch', logIndex: 4 },
      });
      expect(await verifyExportLines(lines.slice(0, 15))).toMatchObject({ ok: false, problem: { kind: 'incomplete' } });
      // A coherent rewrite of one event (its leaf hash recomputed) no longer gives the signed root.
      const event = JSON.parse(lines[3]) as Parameters<typeof leafHashOf>[0] & { leafHash: string };
      event.details = { index: 3, note: 'history rewritten' };
      event.leafHash = leafHashOf({ ...event, occurredAt: new Date(event.occurredAt) }).toString('hex');
      const rewritten = [...lines];
      rewritten[3] = JSON.stringify(event);
      expect(await verifyExportLines(rewritten)).toMatchObject({ ok: false, problem: { kind: 'root_mismatch' } });
      // Another key than the one pinned: refused.
      const foreign = header.verifierKey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
      expect((await verifyExportLines(lines, { trustedKeys: [foreign] })).ok).toBe(false);
    });

    it('exports a time range from the middle of the log with a range proof, and CSV with a header comment line', async () => {
      const rows = (await admin.query('SELECT log_index, occurred_at FROM audit_log ORDER BY log_index'))
        .rows as Array<{
        occurred_at: Date;
      }>;
      const jsonl = (await exportText({ format: 'jsonl', from: rows[4].occurred_at, to: rows[13].occurred_at }))
        .trimEnd()
        .split('\n');
      const header = JSON.parse(jsonl[0]) as ExportHeader;
      expect(header.range.firstIndex).toBeLessThanOrEqual(4);
      expect(header.range.lastIndex).toBeLessThan(20);
      expect(header.rangeProof.left.length + header.rangeProof.right.length).toBeGreaterThan(0);
      expect(await verifyExportLines(jsonl)).toMatchObject({ ok: true, eventsChecked: header.range.count });

      const csv = (await exportText({ format: 'csv' })).trimEnd().split('\n');
      expect(csv[0].startsWith('# {"kind":"audit_export"')).toBe(true);
      expect(csv[1]).toBe(
        'seq,occurred_at,actor_type,actor_id,action,resource_type,resource_id,request_id,source_ip,justification,details,prev_hash,hash,log_index,leaf_hash',
      );
    });
  });
});
