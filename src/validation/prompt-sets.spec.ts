import { buildPromptSet, insuredObjectClass, perilKey } from './prompt-sets';

describe('prompt sets', () => {
  it('finds the insured object class in a policy description', () => {
    expect(insuredObjectClass('auto', 'blue 2019 Toyota sedan')).toBe('sedan');
    expect(insuredObjectClass('auto', 'Ford F-150 pickup')).toBe('pickup truck');
    expect(insuredObjectClass('property', 'two-storey brick house')).toBe('house');
    expect(insuredObjectClass('property', 'a lighthouse')).toBeNull();
  });

  it('fills the object noun, applies clause prompts and versions the set by content', () => {
    const base = buildPromptSet('auto', 'sedan');
    expect(base.damage.find((c) => c.key === 'hail')!.prompts[0]).toBe('a photo of a sedan with hail damage');
    const custom = buildPromptSet('auto', 'sedan', [{ perilKey: 'hail', prompts: ['hailstones on a {object}'] }]);
    expect(custom.damage.find((c) => c.key === 'hail')!.prompts).toEqual(['hailstones on a sedan']);
    expect(custom.version).not.toBe(base.version);
    expect(buildPromptSet('auto', 'sedan').version).toBe(base.version);
    expect(base.objects.map((o) => o.key)).toEqual(expect.arrayContaining(['sedan', 'house', 'motorcycle']));
  });

  it('maps the names intake systems use for a peril to its prompt key', () => {
    expect(perilKey('Rust')).toBe('wear_and_tear');
    expect(perilKey('broken glass')).toBe('glass');
    expect(perilKey('hail')).toBe('hail');
  });
});
