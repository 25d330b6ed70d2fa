import { createHash } from 'node:crypto';
import { auditEntryBytes, leafBytesOf, leafHashOf } from './audit-leaf';

const event = {
  occurredAt: new Date('2026-03-01T09:00:00Z'),
  actorType: 'user',
  actorId: 'u-1',
  action: 'claim.created',
  resourceType: 'Claim',
  resourceId: 'c-1',
  requestId: null,
  sourceIp: '127.0.0.1',
  justification: null,
  details: { z: 1, a: { y: 'é', b: [2, 1] } },
};

describe('audit leaf bytes (src/audit/README.md, "Exact leaf bytes")', () => {
  it('v2: canonical JSON of the fields with v:2, keys sorted at every level, no log index', () => {
    expect(auditEntryBytes(event).toString('utf8')).toBe(
      '{"action":"claim.created","actorId":"u-1","actorType":"user","details":{"a":{"b":[2,1],"y":"é"},"z":1},' +
        '"justification":null,"occurredAt":"2026-03-01T09:00:00.000Z","requestId":null,"resourceId":"c-1",' +
        '"resourceType":"Claim","sourceIp":"127.0.0.1","v":2}',
    );
    const leaf = createHash('sha256')
      .update(Buffer.from([0]))
      .update(auditEntryBytes(event))
      .digest();
    expect(leafHashOf({ ...event, seq: 99, prevHash: null })).toEqual(leaf);
  });

  it('v1 (former chain): the bytes its chain hash covers, so hash = SHA-256(bytes)', () => {
    const chained = { ...event, seq: 7, prevHash: 'ab'.repeat(32) };
    const bytes = leafBytesOf(chained);
    expect(bytes.toString('utf8')).toMatch(/^\{"action":"claim\.created",.*"prevHash":"(ab){32}",.*"seq":7,.*"v":1\}$/);
    // pinned: the bytes and hash the former chain wrote for this event (computed by its own encoder
    // before the two encodings were merged into this module)
    expect(bytes.toString('utf8')).toBe(
      '{"action":"claim.created","actorId":"u-1","actorType":"user","details":{"a":{"b":[2,1],"y":"é"},"z":1},' +
        '"justification":null,"occurredAt":"2026-03-01T09:00:00.000Z","prevHash":"' +
        'ab'.repeat(32) +
        '","requestId":null,"resourceId":"c-1","resourceType":"Claim","seq":7,"sourceIp":"127.0.0.1","v":1}',
    );
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(
      '9b7497c4705079b86b76944743da19e777d3a71e74a3e81000a71277a19c7f5e',
    );
  });

  it('the hash does not depend on the key order of details', () => {
    const chained = { ...event, seq: 7, prevHash: 'ab'.repeat(32) };
    const reordered = { ...chained, details: { a: { b: [2, 1], y: 'é' }, z: 1 } };
    expect(leafHashOf(reordered)).toEqual(leafHashOf(chained));
    expect(leafHashOf({ ...reordered, prevHash: null })).toEqual(leafHashOf({ ...chained, prevHash: null }));
  });
});
