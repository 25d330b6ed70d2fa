import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import type { AuditContext } from '../src/audit/audit-context';
import { leafHashOf } from '../src/audit/audit-leaf';
import { AuditSequencer } from '../src/audit/audit-sequencer.service';
import { AuditSigningKey } from '../src/audit/audit-signing';
import { AuditVerificationService } from '../src/audit/audit-verification.service';
import { AuditWitnessService, witnessViewOfStateFile } from '../src/audit/audit-witness.service';
import { AuditService } from '../src/audit/audit.service';
import { cosign, parseCosignatureLine, verifyCosignature } from '../src/audit/cosignature';
import { CompactRange } from '../src/audit/merkle/rfc6962';
import { formatCheckpoint, parseCheckpoint, parseVerifierKey, signNote } from '../src/audit/signed-note';
import { verifyClaimExport, type ClaimExport, type ClaimExportEvent } from '../src/audit/audit-claim-export-format';
import { AUDIT_COMMANDS } from '../src/audit/audit.cli';
import { Witness } from '../src/witness/witness';
import { loadOrCreateWitnessKey, witnessVerifierKey } from '../src/witness/witness-key';
import { startWitnessServer, serverPort } from '../src/witness/witness-server';
import { emptyState, loadState, type WitnessState } from '../src/witness/witness-state';
import { tokenFor } from './support/auth-helpers';
import { rfcLeafHash, rfcVerifyConsistency, rfcVerifyInclusion } from './support/rfc6962-verifier';
import { startTestApp, type TestApp } from './support/test-app';

const COMPLIANCE: AuditContext = { actorType: 'user', actorId: 'compliance-officer', requestId: 'req-w' };
const AUDIT_TABLES = [
  'audit_events',
  'audit_checkpoints',
  'audit_tree_nodes',
  'audit_tree_heads',
  'audit_cosignatures',
];
const WITNESS_NAME = 'witness.insurer.test';

/**
 * A witness (in-process, on 127.0.0.1) against the running app over HTTP: it cosigns consistent
 * heads, the service keeps and serves the cosignatures, and the witness catches what the database
 * alone cannot: every head and cosignature deleted and the log rewritten with the project's own
 * functions, and a fork.
 */
describe('audit witness (loopback only)', () => {
  let testApp: TestApp;
  let admin: Client;
  let compliance: string;
  let witnessServer: Server;
  let witnessDir: string;
  let stateFile: string;
  let witness: Witness | undefined;
  let logUrl: string;
  let audit: AuditService;
  let sequencer: AuditSequencer;
  let witnessVkey: string;
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    witnessDir = fs.mkdtempSync(path.join(os.tmpdir(), 'claims-witness-'));
    stateFile = path.join(witnessDir, 'state.json');
    const key = loadOrCreateWitnessKey(path.join(witnessDir, 'witness.pem'));
    witnessVkey = witnessVerifierKey(WITNESS_NAME, key);
    witnessServer = await startWitnessServer(
      () => witness?.state ?? emptyState('claims-evidence.local/audit'),
      witnessVkey,
      0,
      '127.0.0.1',
    );
    testApp = await startTestApp({
      label: 'audit_witness',
      env: {
        AUDIT_WITNESS_KEYS: witnessVkey,
        AUDIT_WITNESS_URLS: `http://127.0.0.1:${serverPort(witnessServer)}`,
      },
    });
    await testApp.app.listen(0, '127.0.0.1');
    logUrl = `http://127.0.0.1:${(testApp.app.getHttpServer().address() as AddressInfo).port}`;
    admin = new Client({ connectionString: testApp.testDatabase.url });
    await admin.connect();
    compliance = await tokenFor(testApp, 'compliance');
    audit = testApp.app.get(AuditService);
    sequencer = testApp.app.get(AuditSequencer);
    const signing = testApp.app.get(AuditSigningKey);
    witness = new Witness(
      {
        logUrl,
        origin: signing.origin,
        logKeys: [parseVerifierKey(signing.verifierKey)],
        name: WITNESS_NAME,
        privateKey: key,
        stateFile,
        historyLimit: 100,
        log: () => undefined,
      },
      loadState(stateFile, signing.origin),
    );
  });

  afterAll(async () => {
    await admin?.end();
    await testApp?.close();
    await new Promise((resolve) => witnessServer?.close(resolve));
    fs.rmSync(witnessDir, { recursive: true, force: true });
  });

  async function addEvents(count: number, label: string): Promise<void> {
    for (let index = 0; index < count; index += 1)
      await audit.record(COMPLIANCE, {
        action: 'test.event',
        resourceType: 'claim',
        resourceId: `${label}-${index}`,
        details: { label, index },
      });
  }

  /** Writes events, signs a head of everything, and lets the witness cosign it. */
  async function grow(count: number, label: string): Promise<number> {
    await addEvents(count, label);
    const { head } = await sequencer.flush();
    const outcome = await witness!.round();
    expect(outcome).toMatchObject({ kind: 'cosigned', size: head.treeSize, posted: true });
    return head.treeSize;
  }

  async function tamper(change: (client: Client) => Promise<unknown>): Promise<void> {
    for (const table of AUDIT_TABLES) await admin.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
    try {
      await change(admin);
    } finally {
      for (const table of AUDIT_TABLES) await admin.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
    }
  }

  const sizes: number[] = [];

  it('cosigns consistent heads; the service stores the cosignature and serves it after the head', async () => {
    sizes.push(await grow(5, 'a'));
    sizes.push(await grow(6, 'b'));
    sizes.push(await grow(7, 'c'));
    expect(sizes[0]).toBeLessThan(sizes[1]);
    expect(sizes[1]).toBeLessThan(sizes[2]);

    // The state file: the latest cosigned note and every cosigned (size, root).
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as WitnessState;
    expect(state.history.map((h) => h.size)).toEqual(sizes);
    expect(state.latest).toMatchObject({ size: sizes[2], posted: true });

    // Nothing new since: unchanged, nothing cosigned twice.
    expect(await witness!.round()).toMatchObject({ kind: 'unchanged', size: sizes[2] });

    // The tree head now carries the witness's cosignature line, which verifies with its key.
    const note = (await http().get('/v1/audit/tree-head')).text;
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    expect(parseCheckpoint(body).size).toBe(sizes[2]);
    const lastLine = note.trimEnd().split('\n').pop()!;
    expect(verifyCosignature(body, parseCosignatureLine(lastLine), [witnessVkey])?.name).toBe(WITNESS_NAME);

    const listed = await http().get('/v1/audit/tree-head/cosignatures').query({ pageSize: 2 });
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(listed.body.items[0]).toMatchObject({ treeSize: sizes[2], witnessName: WITNESS_NAME });

    // Each cosignature was audited.
    const events = await http()
      .get('/v1/audit/events')
      .query({ action: 'audit.cosignature_added' })
      .set('Authorization', `Bearer ${compliance}`);
    expect(events.body.total).toBe(3);

    // The service's consistency proofs between the cosigned sizes satisfy the independent verifier.
    const roots = state.history.map((h) => Buffer.from(h.rootHash, 'base64'));
    const proof = await http().get('/v1/audit/consistency').query({ first: sizes[0], second: sizes[2] });
    expect(
      rfcVerifyConsistency(
        sizes[0],
        sizes[2],
        roots[0],
        roots[2],
        (proof.body.proof as string[]).map((p) => Buffer.from(p, 'base64')),
      ),
    ).toBe(true);

    // Verification asks the witness (AUDIT_WITNESS_URLS) and finds the log consistent with it.
    const verified = await http().get('/v1/audit/verify').set('Authorization', `Bearer ${compliance}`);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, witness: { checked: 1 } });
    expect(verified.body.witness.findings[0]).toMatchObject({
      status: 'consistent',
      treeSize: sizes[2],
      witness: expect.stringMatching(new RegExp(`^${WITNESS_NAME.replace(/\./g, '\\.')}\\+[0-9a-f]{8}$`)),
    });
  });

  it('runs as its own process (the npm run witness entry): one round cosigns, the next finds the head unchanged', async () => {
    const signing = testApp.app.get(AuditSigningKey);
    const childState = path.join(witnessDir, 'child-state.json');
    const run = () =>
      runNode(
        [
          '-r',
          path.resolve(__dirname, 'ts-worker-register.js'),
          path.resolve(__dirname, '../src/witness/main.ts'),
          '--once',
          '--port',
          '0',
        ],
        {
          WITNESS_LOG_URL: logUrl,
          WITNESS_LOG_ORIGIN: signing.origin,
          WITNESS_LOG_KEYS: signing.verifierKey,
          WITNESS_NAME: WITNESS_NAME,
          WITNESS_KEY_FILE: path.join(witnessDir, 'witness.pem'),
          WITNESS_STATE_FILE: childState,
        },
      );
    const first = await run();
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout.trim().split('\n').pop()!)).toMatchObject({ kind: 'cosigned', size: sizes[2] });
    expect(fs.statSync(childState).mode & 0o777).toBe(0o600);
    const second = await run();
    expect(JSON.parse(second.stdout.trim().split('\n').pop()!)).toMatchObject({ kind: 'unchanged', size: sizes[2] });
  });

  it('refuses cosignatures by an unknown key (403), malformed (400), or of a head the log never signed (422)', async () => {
    const signing = testApp.app.get(AuditSigningKey);
    const note = (await http().get('/v1/audit/tree-head')).text;
    const body = note.slice(0, note.indexOf('\n\n') + 1);
    const stranger = loadOrCreateWitnessKey(path.join(witnessDir, 'stranger.pem'));
    const unknown = await http()
      .post('/v1/audit/tree-head/cosignatures')
      .send({ checkpoint: body, cosignature: cosign(body, { name: 'stranger.test', privateKey: stranger }, 1) });
    expect(unknown.status).toBe(403);
    expect(unknown.body.message).toMatch(/not a configured witness key/);
    // The configured witness name, but another key: its key id differs, so still unknown.
    const impostor = await http()
      .post('/v1/audit/tree-head/cosignatures')
      .send({ checkpoint: body, cosignature: cosign(body, { name: WITNESS_NAME, privateKey: stranger }, 1) });
    expect(impostor.status).toBe(403);
    expect(
      (await http().post('/v1/audit/tree-head/cosignatures').send({ checkpoint: body, cosignature: '— x AAAA' }))
        .status,
    ).toBe(400);
    expect(
      (await http().post('/v1/audit/tree-head/cosignatures').send({ checkpoint: 'nonsense', cosignature: 'x' })).status,
    ).toBe(400);
    // A genuine witness cosignature of a checkpoint the log never signed.
    const key = loadOrCreateWitnessKey(path.join(witnessDir, 'witness.pem'));
    const never = formatCheckpoint({ origin: signing.origin, size: 3, rootHash: Buffer.alloc(32, 9) });
    const unsigned = await http()
      .post('/v1/audit/tree-head/cosignatures')
      .send({ checkpoint: never, cosignature: cosign(never, { name: WITNESS_NAME, privateKey: key }, 1) });
    expect(unsigned.status).toBe(422);
    const count = await admin.query('SELECT count(*)::int AS n FROM audit_cosignatures');
    expect(count.rows[0].n).toBe(3);
  });

  it("exports a claim's history with inclusion proofs against a cosigned head, verified offline by the CLI and by the independent verifier", async () => {
    await audit.record(COMPLIANCE, {
      action: 'test.evidence_added',
      resourceType: 'evidence',
      resourceId: 'ev-1',
      details: { claimId: 'b-2', kind: 'photo' },
    });
    // The witness cosigns a head holding all of the claim's events.
    await sequencer.flush();
    expect(await witness!.round()).toMatchObject({ kind: 'cosigned', posted: true });
    const cosignedSize = witness!.state.latest!.size;

    const response = await http().get('/v1/audit/claims/b-2/export').set('Authorization', `Bearer ${compliance}`);
    expect(response.status).toBe(200);
    const doc = response.body as ClaimExport;
    expect(doc).toMatchObject({ kind: 'audit_claim_export', version: 1, claimId: 'b-2' });
    expect(doc.treeHead.treeSize).toBe(cosignedSize);
    expect(doc.events.map((e) => e.action)).toEqual(['test.event', 'test.evidence_added']);
    expect(doc.treeHead.note.trimEnd().split('\n').pop()).toMatch(new RegExp(`^\u2014 ${WITNESS_NAME} `));
    // The export is audited (and appears in the claim's next export).
    const exported = await http()
      .get('/v1/audit/events')
      .query({ action: 'audit.claim_exported', resourceId: 'b-2' })
      .set('Authorization', `Bearer ${compliance}`);
    expect(exported.body.total).toBe(1);
    expect((await http().get('/v1/audit/claims/nope/export').set('Authorization', `Bearer ${compliance}`)).status).toBe(
      404,
    );

    // Any RFC 6962 verifier: the leaf bytes are the canonical JSON the README documents, and the
    // proofs lead to the root in the signed note.
    const root = parseCheckpoint(doc.treeHead.note).rootHash;
    for (const event of doc.events) {
      const leaf = Buffer.from(event.leaf, 'base64');
      expect(leaf.toString('utf8')).toBe(independentCanonicalJson(documentedEntry(event)));
      expect(
        rfcVerifyInclusion(
          event.logIndex,
          doc.treeHead.treeSize,
          rfcLeafHash(leaf),
          event.auditPath.map((p) => Buffer.from(p, 'base64')),
          root,
        ),
      ).toBe(true);
    }

    // Offline, by the CLI command, pinning the log key and the witness key.
    const file = path.join(witnessDir, 'claim-b-2.json');
    fs.writeFileSync(file, JSON.stringify(doc, null, 2));
    const signing = testApp.app.get(AuditSigningKey);
    const pinned = ['--key', signing.verifierKey, '--witness-key', witnessVkey, '--min-cosignatures', '1'];
    expect(await runCli('audit:verify-export', [file, ...pinned, '--json'])).toMatchObject({
      exitCode: 0,
      report: {
        ok: true,
        kind: 'claim',
        eventsChecked: 2,
        cosignaturesVerified: [expect.stringContaining(WITNESS_NAME)],
      },
    });

    // Tampered: an altered detail, a changed proof, a forged head — each fails, located.
    const altered = structuredClone(doc);
    altered.events[1].details = { ...altered.events[1].details, kind: 'video' };
    fs.writeFileSync(file, JSON.stringify(altered, null, 2));
    expect(await runCli('audit:verify-export', [file, ...pinned, '--json'])).toMatchObject({
      exitCode: 1,
      report: { ok: false, problem: { kind: 'leaf_mismatch', logIndex: doc.events[1].logIndex } },
    });
    const badPath = structuredClone(doc);
    badPath.events[0].auditPath[0] = Buffer.alloc(32, 1).toString('base64');
    expect(verifyClaimExport(badPath, { trustedKeys: [signing.verifierKey] }).problem).toMatchObject({
      kind: 'inclusion_failed',
      logIndex: doc.events[0].logIndex,
    });
    const stranger = loadOrCreateWitnessKey(path.join(witnessDir, 'log-impostor.pem'));
    const forged = structuredClone(doc);
    forged.treeHead.note = signNote(
      formatCheckpoint({
        origin: signing.origin,
        size: doc.treeHead.treeSize,
        rootHash: Buffer.from(doc.treeHead.rootHash, 'base64'),
      }),
      { name: signing.origin, privateKey: stranger },
    );
    expect(verifyClaimExport(forged, { trustedKeys: [signing.verifierKey] }).problem?.kind).toBe('bad_signature');
    expect(verifyClaimExport(doc, { trustedKeys: [signing.verifierKey], minCosignatures: 2 }).ok).toBe(false);
  });

  it('catches every head and cosignature deleted and the log rewritten after a cosigned size, and locates it', async () => {
    const verification = testApp.app.get(AuditVerificationService);
    const witnesses = testApp.app.get(AuditWitnessService);
    const rewriteFrom = sizes[0] + 1; // inside the leaves sizes[0]..sizes[1]−1
    const lastCosigned = witness!.state.latest!.size;
    await tamper(async (client) => {
      await client.query('DELETE FROM audit_cosignatures');
      await client.query('DELETE FROM audit_tree_heads');
      await client.query('DELETE FROM audit_checkpoints');
      await client.query(
        `UPDATE audit_events SET details = jsonb_set(details, '{rewritten}', 'true') WHERE seq IN (SELECT seq FROM audit_log_entries WHERE log_index >= $1)`,
        [rewriteFrom],
      );
      // Recompute every leaf and the whole tree with the project's own functions.
      const rows = (
        await client.query(
          `SELECT seq, occurred_at, actor_type, actor_id, action, resource_type, resource_id, request_id,
                  source_ip, justification, details, prev_hash FROM audit_log WHERE log_index IS NOT NULL ORDER BY log_index`,
        )
      ).rows as Array<Record<string, unknown>>;
      await client.query('DELETE FROM audit_tree_nodes');
      const range = new CompactRange();
      for (const row of rows) {
        const leaf = leafHashOf({
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
        });
        await client.query('UPDATE audit_events SET leaf_hash = $1 WHERE seq = $2', [leaf, row.seq]);
        for (const node of range.append(leaf))
          await client.query('INSERT INTO audit_tree_nodes (level, idx, hash) VALUES ($1, $2, $3)', [
            node.level,
            node.index,
            node.hash,
          ]);
      }
    });
    // The service signs a fresh head of the rewritten log: the database is self-consistent.
    await sequencer.flush();
    const alone = await verification.verify();
    expect(alone.ok).toBe(true);

    // The witness is not fooled: it refuses the new head and keeps both heads as evidence.
    const refused = await witness!.round();
    expect(refused).toMatchObject({ kind: 'refused', evidence: { kind: 'inconsistent' } });
    const state = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as WitnessState;
    expect(state.latest?.size).toBe(lastCosigned);
    expect(state.evidence).toHaveLength(1);
    expect(state.evidence[0]).toMatchObject({ kind: 'inconsistent', cosigned: { size: lastCosigned } });
    expect(state.evidence[0].offered.note).toContain('\n\n');

    // Verification over HTTP (the witness by URL) and as the CLI does it (the state file).
    const verified = await http().get('/v1/audit/verify').set('Authorization', `Bearer ${compliance}`);
    expect(verified.body).toMatchObject({ ok: false, problem: { kind: 'rolled_back_or_forked' } });
    expect(verified.body.witness.findings[0]).toMatchObject({
      status: 'rolled_back_or_forked',
      located: { consistentSize: sizes[0], inconsistentSize: sizes[1] },
    });
    const fromFile = await witnesses.withWitnesses(await verification.verify(), [witnessViewOfStateFile(stateFile)]);
    expect(fromFile.problem?.kind).toBe('rolled_back_or_forked');
    expect(fromFile.witness.findings.map((f) => f.status)).toEqual(['rolled_back_or_forked', 'rolled_back_or_forked']);
    expect(fromFile.witness.findings[1].located).toEqual({ consistentSize: sizes[0], inconsistentSize: sizes[1] });
  });

  it('refuses a fork: a second validly signed head of the size it cosigned, with another root', async () => {
    const signing = testApp.app.get(AuditSigningKey);
    const latest = witness!.state.latest!;
    const rootHash = Buffer.alloc(32, 5);
    const note = signNote(
      formatCheckpoint({ origin: signing.origin, size: latest.size, rootHash }),
      signing.noteSigner,
    );
    await tamper((client) =>
      client.query(
        `INSERT INTO audit_tree_heads (tree_size, root_hash, signed_at, key_name, key_id, note) VALUES ($1, $2, now(), $3, $4, $5)`,
        [latest.size, rootHash, signing.origin, signing.noteKeyId, note],
      ),
    );
    // Served as the latest head only if it is the largest: make it so by deleting larger heads.
    await tamper((client) => client.query('DELETE FROM audit_tree_heads WHERE tree_size > $1', [latest.size]));
    const outcome = await witness!.round();
    expect(outcome).toMatchObject({ kind: 'refused', evidence: { kind: 'fork' } });
    const state = loadState(stateFile, signing.origin);
    const fork = state.evidence.at(-1)!;
    expect(fork.cosigned.rootHash).toBe(latest.rootHash);
    expect(fork.offered).toMatchObject({ size: latest.size, rootHash: rootHash.toString('base64') });
    // A rollback (a smaller head) is refused too.
    const smallerNote = signNote(
      formatCheckpoint({ origin: signing.origin, size: 2, rootHash: Buffer.alloc(32, 6) }),
      signing.noteSigner,
    );
    await tamper(async (client) => {
      await client.query('DELETE FROM audit_tree_heads WHERE tree_size >= $1', [latest.size]);
      await client.query(
        `INSERT INTO audit_tree_heads (tree_size, root_hash, signed_at, key_name, key_id, note) VALUES (2, $1, now(), $2, $3, $4)`,
        [Buffer.alloc(32, 6), signing.origin, signing.noteKeyId, smallerNote],
      );
    });
    const smaller = await witness!.round();
    expect(smaller).toMatchObject({ kind: 'refused', evidence: { kind: 'rollback' } });
  });
});

/** The entry fields README documents for a v2 leaf. */
function documentedEntry(event: ClaimExportEvent): Record<string, unknown> {
  return {
    v: 2,
    occurredAt: event.occurredAt,
    actorType: event.actorType,
    actorId: event.actorId,
    action: event.action,
    resourceType: event.resourceType,
    resourceId: event.resourceId,
    requestId: event.requestId,
    sourceIp: event.sourceIp,
    justification: event.justification,
    details: event.details,
  };
}

/** Canonical JSON written here from the README's description (keys sorted, no whitespace), not the service's. */
function independentCanonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(independentCanonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${independentCanonicalJson(v)}`).join(',')}}`;
}

/** Runs an operator CLI command in-process, capturing its JSON output and exit code. */
async function runCli(command: string, args: string[]): Promise<{ exitCode: number; report: unknown }> {
  const output: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((text: string) => void output.push(text));
  const previous = process.exitCode;
  process.exitCode = 0;
  try {
    await AUDIT_COMMANDS[command].run(args, { openDatabase: () => Promise.reject(new Error('offline')) } as never);
    return { exitCode: Number(process.exitCode ?? 0), report: JSON.parse(output.join('\n')) };
  } finally {
    process.exitCode = previous;
    log.mockRestore();
  }
}

/** Runs node with the given arguments and extra environment (loopback URLs only), collecting its output. */
function runNode(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
