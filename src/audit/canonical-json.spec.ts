import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('encodes equal values to the same bytes whatever their key order', () => {
    const a = { b: 1, a: { y: [1, { q: 2, p: 1 }], x: 'x' }, c: null };
    const b = { c: null, a: { x: 'x', y: [1, { p: 1, q: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"p":1,"q":2}]},"b":1,"c":null}');
  });

  it('drops undefined, writes dates as ISO and keeps array order', () => {
    expect(canonicalJson({ z: undefined, d: new Date('2026-01-01T00:00:00Z'), list: [3, 1, 2] })).toBe(
      '{"d":"2026-01-01T00:00:00.000Z","list":[3,1,2]}',
    );
  });

  it('survives a JSON round trip (what jsonb does to a value)', () => {
    const value = { when: '2026-01-01', n: 1.5, nested: { b: [true, false], a: 'é' } };
    expect(canonicalJson(JSON.parse(JSON.stringify(value)))).toBe(canonicalJson(value));
  });
});
