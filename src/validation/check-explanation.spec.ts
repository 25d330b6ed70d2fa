import { explainCheck } from './check-explanation';

const clauses = [
  { code: 'C1', kind: 'coverage', perilKey: 'hail', text: 'Hail damage to the vehicle.' },
  { code: 'E1', kind: 'exclusion', perilKey: 'rust', text: 'Rust, wear and tear.' },
];
const promptSet = {
  version: 'v',
  damage: [
    { key: 'hail', prompts: ['hail damage'] },
    { key: 'collision', prompts: ['dents'] },
    { key: 'wear_and_tear', prompts: ['rust'] },
    { key: 'none', prompts: ['an intact car'] },
  ],
  objects: [
    { key: 'sedan', prompts: ['a photo of a sedan'] },
    { key: 'van', prompts: ['a photo of a van'] },
  ],
};
const photos = {
  p1: {
    damage: { hail: { probability: 0.2 }, collision: { probability: 0.7 } },
    objects: { sedan: { probability: 0.9 } },
  },
  p2: { damage: { hail: { probability: 0.4 }, collision: { probability: 0.1 } }, objects: {} },
};
const context = { claimedPeril: 'Hail', clauses, promptSet, photos };

describe('explainCheck', () => {
  it('peril_mismatch names the coverage clause of the claimed peril and both prompt classes with their scores', () => {
    const explained = explainCheck(
      { kind: 'peril_mismatch', photoId: 'p1', evidence: { bestAlternative: 'collision' } },
      context,
    );
    expect(explained.clause).toEqual({ code: 'C1', kind: 'coverage', text: 'Hail damage to the vehicle.' });
    expect(explained.prompts).toEqual([
      { group: 'damage', key: 'hail', prompts: ['hail damage'], probability: 0.2 },
      { group: 'damage', key: 'collision', prompts: ['dents'], probability: 0.7 },
    ]);
  });

  it('a claim-level check takes the best photo; exclusion_evident names the exclusion clause (aliases resolved)', () => {
    expect(
      explainCheck({ kind: 'no_visible_damage', photoId: null, evidence: {} }, context).prompts[1].probability,
    ).toBe(0.4);
    const exclusion = explainCheck(
      { kind: 'exclusion_evident', photoId: null, evidence: { excludedPeril: 'wear_and_tear' } },
      context,
    );
    expect(exclusion.clause?.code).toBe('E1');
    expect(exclusion.prompts.map((entry) => entry.key)).toEqual(['wear_and_tear']);
  });

  it('a coverage fact keeps the clause it stored (null: no clause names the peril); duplicates test no clause', () => {
    expect(
      explainCheck(
        { kind: 'peril_mismatch', photoId: null, evidence: { coverage: 'not_covered', clause: null } },
        context,
      ).clause,
    ).toBeNull();
    expect(explainCheck({ kind: 'duplicate_photo', photoId: 'p1', evidence: {} }, context)).toEqual({
      clause: null,
      prompts: [],
    });
  });
});
