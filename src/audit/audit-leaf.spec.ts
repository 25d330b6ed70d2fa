import { createHash } from 'node:crypto';
import { hashAuditEvent } from './audit-chain';
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
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(hashAuditEvent(chained));
  });
});
