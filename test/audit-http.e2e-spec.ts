import request from 'supertest';
import { verifyExportLines } from '../src/audit/audit-export-format';
import { AuditSequencer } from '../src/audit/audit-sequencer.service';
import { AuditSigningKey } from '../src/audit/audit-signing';
import { verifyConsistency, verifyInclusion } from '../src/audit/merkle/rfc6962';
import { openNote, parseCheckpoint } from '../src/audit/signed-note';
import { AuditService } from '../src/audit/audit.service';
import { TEST_CONTEXT, tokenFor } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';

describe('audit HTTP API', () => {
  let testApp: TestApp;
  let compliance: string;
  let admin: string;
  let adjuster: string;
  const http = () => request(testApp.app.getHttpServer());

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'audit_http' });
    [compliance, admin, adjuster] = await Promise.all([
      tokenFor(testApp, 'compliance'),
      tokenFor(testApp, 'admin'),
      tokenFor(testApp, 'adjuster'),
    ]);
    const audit = testApp.app.get(AuditService);
    for (let index = 0; index < 12; index += 1) {
      await audit.record(TEST_CONTEXT, {
        action: index % 2 ? 'test.odd' : 'test.even',
        resourceType: 'claim',
        resourceId: `claim-${index}`,
        details: { index },
      });
    }
  });

  afterAll(() => testApp?.close());

  it('refuses an adjuster (403) and an anonymous caller (401) on every audit endpoint', async () => {
    for (const [method, path] of [
      ['get', '/v1/audit/events'],
      ['get', '/v1/audit/checkpoints'],
      ['post', '/v1/audit/checkpoints'],
      ['get', '/v1/audit/verify'],
      ['get', '/v1/audit/export'],
    ] as const) {
      expect((await http()[method](path).set('Authorization', `Bearer ${adjuster}`)).status).toBe(403);
      expect((await http()[method](path)).status).toBe(401);
    }
  });

  it('searches events with filters, newest first, and validates the query', async () => {
    const response = await http()
      .get('/v1/audit/events')
      .query({ action: 'test.odd', pageSize: 4 })
      .set('Authorization', `Bearer ${compliance}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ page: 1, pageSize: 4, total: 6 });
    const seqs = (response.body.items as Array<{ seq: number; action: string }>).map((item) => item.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const byResource = await http()
      .get('/v1/audit/events')
      .query({ resourceType: 'claim', resourceId: 'claim-3', actor: TEST_CONTEXT.actorId })
      .set('Authorization', `Bearer ${admin}`);
    expect(byResource.body.items).toHaveLength(1);
    expect(
      (await http().get('/v1/audit/events').query({ pageSize: 201 }).set('Authorization', `Bearer ${compliance}`))
        .status,
    ).toBe(400);
    expect(
      (await http().get('/v1/audit/events').query({ from: 'yesterday' }).set('Authorization', `Bearer ${compliance}`))
        .status,
    ).toBe(400);
  });

  it('signs a tree head (201, then 200 while the tree stays), verifies, and exports a file that verifies offline', async () => {
    const created = await http().post('/v1/audit/checkpoints').set('Authorization', `Bearer ${compliance}`);
    expect(created.status).toBe(201);
    const treeSize = created.body.checkpoint.treeSize as number;
    expect(treeSize).toBeGreaterThanOrEqual(12);
    const again = await http().post('/v1/audit/checkpoints').set('Authorization', `Bearer ${admin}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, checkpoint: { treeSize, note: created.body.checkpoint.note } });

    const list = await http().get('/v1/audit/checkpoints').set('Authorization', `Bearer ${compliance}`);
    expect(list.body.items[0]).toMatchObject({ treeSize, rootHash: created.body.checkpoint.rootHash });

    const verify = await http().get('/v1/audit/verify').set('Authorization', `Bearer ${compliance}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, treeHeadsChecked: 1, treeSize });

    const exported = await http()
      .get('/v1/audit/export')
      .query({ format: 'jsonl' })
      .set('Authorization', `Bearer ${compliance}`)
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/ndjson/);
    const lines = (exported.body as string).trimEnd().split('\n');
    const vkey = testApp.app.get(AuditSigningKey).verifierKey;
    expect(await verifyExportLines(lines, { trustedKeys: [vkey] })).toMatchObject({ ok: true, treeHead: { treeSize } });

    const audited = await http()
      .get('/v1/audit/events')
      .query({ action: 'audit.exported' })
      .set('Authorization', `Bearer ${compliance}`);
    expect(audited.body.items[0]).toMatchObject({ actorType: 'user', details: { format: 'jsonl', treeSize } });

    const csv = await http().get('/v1/audit/export').query({ format: 'csv' }).set('Authorization', `Bearer ${admin}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.startsWith('# {"kind":"audit_export"')).toBe(true);
    expect(
      (await http().get('/v1/audit/export').query({ format: 'xml' }).set('Authorization', `Bearer ${admin}`)).status,
    ).toBe(400);
  });

  it('publishes the signed tree head and consistency proofs without login, and serves inclusion proofs that verify', async () => {
    await testApp.app.get(AuditSequencer).flush();
    const head = await http().get('/v1/audit/tree-head');
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/plain/);
    const vkey = testApp.app.get(AuditSigningKey).verifierKey;
    const opened = openNote(head.text, [vkey]);
    expect(opened.verifiedBy).toHaveLength(1);
    const checkpoint = parseCheckpoint(opened.body);
    expect(checkpoint.origin).toBe('claims-evidence.local/audit');
    const size = checkpoint.size;

    // Inclusion of every leaf against the published head, checked with the pure RFC 9162 verifier.
    const events = (await testApp.database.dataSource.query(
      `SELECT log_index::int AS log_index, leaf_hash FROM audit_log WHERE log_index < $1 ORDER BY log_index`,
      [size],
    )) as Array<{ log_index: number; leaf_hash: Buffer }>;
    expect(events).toHaveLength(size);
    for (const event of events) {
      const proof = await http()
        .get(`/v1/audit/events/${event.log_index}/proof`)
        .query({ treeSize: size })
        .set('Authorization', `Bearer ${compliance}`);
      expect(proof.status).toBe(200);
      expect(proof.body).toMatchObject({ leafIndex: event.log_index, treeSize: size });
      const leaf = Buffer.from(proof.body.leafHash as string, 'base64');
      expect(leaf).toEqual(Buffer.from(event.leaf_hash));
      const path = (proof.body.auditPath as string[]).map((hash) => Buffer.from(hash, 'base64'));
      expect(verifyInclusion(leaf, event.log_index, size, path, checkpoint.rootHash)).toBe(true);
    }
    // Without treeSize: against the latest signed head.
    expect((await http().get('/v1/audit/events/0/proof').set('Authorization', `Bearer ${admin}`)).body).toMatchObject({
      leafIndex: 0,
      treeSize: size,
    });

    // Consistency between an earlier head and the latest, public.
    const earlier = (
      await http().get('/v1/audit/checkpoints').query({ pageSize: 200 }).set('Authorization', `Bearer ${compliance}`)
    ).body.items as Array<{ treeSize: number; rootHash: string }>;
    const oldest = earlier[earlier.length - 1];
    const consistency = await http().get('/v1/audit/consistency').query({ first: oldest.treeSize, second: size });
    expect(consistency.status).toBe(200);
    expect(consistency.body).toMatchObject({ first: oldest.treeSize, second: size });
    expect(
      verifyConsistency(
        oldest.treeSize,
        size,
        Buffer.from(oldest.rootHash, 'base64'),
        checkpoint.rootHash,
        (consistency.body.proof as string[]).map((hash) => Buffer.from(hash, 'base64')),
      ),
    ).toBe(true);

    // Clear 400s for what cannot be proven.
    const bad = async (path: string, query: Record<string, unknown>, token?: string) => {
      const call = http().get(path).query(query);
      const response = token ? await call.set('Authorization', `Bearer ${token}`) : await call;
      expect(response.status).toBe(400);
      return String(response.body.message);
    };
    expect(await bad('/v1/audit/consistency', { first: size, second: size + 5 })).toMatch(/beyond the tree/);
    expect(await bad('/v1/audit/consistency', { first: 5, second: 3 })).toMatch(/greater than second/);
    expect(await bad('/v1/audit/consistency', { first: 'x', second: 3 })).toMatch(/first/);
    expect(await bad(`/v1/audit/events/0/proof`, { treeSize: size + 5 }, compliance)).toMatch(/beyond the tree/);
    expect(await bad(`/v1/audit/events/${size}/proof`, { treeSize: size }, compliance)).toMatch(
      /not below treeSize|not in the log/,
    );
    expect(await bad(`/v1/audit/events/abc/proof`, {}, compliance)).toBeDefined();
    expect((await http().get('/v1/audit/events/0/proof').set('Authorization', `Bearer ${adjuster}`)).status).toBe(403);
    expect((await http().get('/v1/audit/events/0/proof')).status).toBe(401);
  });
});
