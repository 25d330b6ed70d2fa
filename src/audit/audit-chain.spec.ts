import { ChainVerifier, GENESIS_HASH, hashAuditEvent, type ChainedEventFields } from './audit-chain';

type Event = ChainedEventFields & { hash: string };

function buildChain(length: number): Event[] {
  const events: Event[] = [];
  let prevHash = GENESIS_HASH;
  for (let seq = 1; seq <= length; seq += 1) {
    const fields: ChainedEventFields = {
      seq,
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, seq)),
      actorType: 'user',
      actorId: `user-${seq % 3}`,
      action: 'claim.updated',
      resourceType: 'claim',
      resourceId: `claim-${seq}`,
      requestId: null,
      sourceIp: '10.0.0.1',
      justification: null,
      details: { step: seq, flags: ['a', 'b'] },
      prevHash,
    };
    const hash = hashAuditEvent(fields);
    events.push({ ...fields, hash });
    prevHash = hash;
  }
  return events;
}

function verify(events: Event[], start?: { seq: number; hash: string }) {
  const verifier = new ChainVerifier(start);
  for (const event of events) if (!verifier.accept(event)) break;
  return verifier;
}

describe('ChainVerifier', () => {
  it('accepts an intact chain, also fed from a midpoint', () => {
    const chain = buildChain(10);
    const verifier = verify(chain);
    expect(verifier.problem).toBeUndefined();
    expect(verifier.eventsChecked).toBe(10);
    expect(verifier.head).toEqual({ seq: 10, hash: chain[9].hash });
    expect(verify(chain.slice(4), { seq: 4, hash: chain[3].hash }).problem).toBeUndefined();
  });

  it('hash is independent of the key order of details', () => {
    const [event] = buildChain(1);
    expect(hashAuditEvent({ ...event, details: { flags: ['a', 'b'], step: 1 } })).toBe(event.hash);
  });

  it('finds an altered event at its seq', () => {
    const chain = buildChain(10);
    chain[5] = { ...chain[5], details: { step: 999, flags: ['a', 'b'] } };
    expect(verify(chain).problem).toMatchObject({ kind: 'hash_mismatch', seq: 6 });
  });

  it('finds an altered event whose hash was recomputed, at the next link', () => {
    const chain = buildChain(10);
    const altered = { ...chain[5], actorId: 'someone-else' };
    chain[5] = { ...altered, hash: hashAuditEvent(altered) };
    expect(verify(chain).problem).toMatchObject({ kind: 'broken_link', seq: 7 });
  });

  it('finds a deleted event as a gap at its seq', () => {
    const chain = buildChain(10);
    chain.splice(3, 1);
    expect(verify(chain).problem).toMatchObject({ kind: 'sequence_gap', seq: 4 });
  });

  it('finds reordered events (rows swapped) at the first of them', () => {
    const chain = buildChain(10);
    [chain[2], chain[3]] = [chain[3], chain[2]];
    expect(verify(chain).problem).toMatchObject({ kind: 'sequence_gap', seq: 3 });
  });

  it('finds swapped contents under kept seqs at the first of them', () => {
    const chain = buildChain(10);
    const [third, fourth] = [chain[2], chain[3]];
    chain[2] = { ...fourth, seq: 3 };
    chain[3] = { ...third, seq: 4 };
    expect(verify(chain).problem).toMatchObject({ kind: 'broken_link', seq: 3 });
  });
});
