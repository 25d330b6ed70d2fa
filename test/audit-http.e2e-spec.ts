import request from 'supertest';
import { parsePinnedCheckpoint, verifyExportLines } from '../src/audit/audit-export-format';
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

  it('creates a checkpoint (201, then 200 while the head stays), verifies, and exports a file that verifies offline', async () => {
    const created = await http().post('/v1/audit/checkpoints').set('Authorization', `Bearer ${compliance}`);
    expect(created.status).toBe(201);
    const seq = created.body.checkpoint.seq as number;
    const again = await http().post('/v1/audit/checkpoints').set('Authorization', `Bearer ${admin}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: false, checkpoint: { seq } });

    const list = await http().get('/v1/audit/checkpoints').set('Authorization', `Bearer ${compliance}`);
    expect(list.body.items[0]).toMatchObject({ seq, headHash: created.body.checkpoint.headHash });

    const verify = await http().get('/v1/audit/verify').set('Authorization', `Bearer ${compliance}`);
    expect(verify.status).toBe(200);
    expect(verify.body).toMatchObject({ ok: true, checkpointsChecked: 1 });
    expect(
      (await http().get('/v1/audit/verify').query({ fromCheckpoint: seq }).set('Authorization', `Bearer ${compliance}`))
        .body,
    ).toMatchObject({ ok: true });
    expect(
      (
        await http()
          .get('/v1/audit/verify')
          .query({ fromCheckpoint: 99999 })
          .set('Authorization', `Bearer ${compliance}`)
      ).status,
    ).toBe(404);

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
    expect(
      await verifyExportLines(lines, { pinned: parsePinnedCheckpoint(JSON.stringify(list.body.items[0])) }),
    ).toMatchObject({ ok: true, checkpointsVerified: [seq] });

    const audited = await http()
      .get('/v1/audit/events')
      .query({ action: 'audit.exported' })
      .set('Authorization', `Bearer ${compliance}`);
    expect(audited.body.items[0]).toMatchObject({
      actorType: 'user',
      details: { format: 'jsonl', checkpointSeq: seq },
    });
    const checkpointEvent = await http()
      .get('/v1/audit/events')
      .query({ action: 'audit.checkpoint_created' })
      .set('Authorization', `Bearer ${compliance}`);
    expect(checkpointEvent.body.items[0]).toMatchObject({ seq, actorType: 'user' });

    const csv = await http().get('/v1/audit/export').query({ format: 'csv' }).set('Authorization', `Bearer ${admin}`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text.startsWith('# {"kind":"audit_export"')).toBe(true);
    expect(
      (await http().get('/v1/audit/export').query({ format: 'xml' }).set('Authorization', `Bearer ${admin}`)).status,
    ).toBe(400);
  });
});
