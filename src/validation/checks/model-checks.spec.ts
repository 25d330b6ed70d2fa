import { runModelChecks, type ModelCheckInput, type PhotoZeroShot } from './model-checks';

const thresholds = {
  peril_mismatch: { flagAt: 0.3, uncertainFrom: 0.1 },
  exclusion_evident: { flagAt: 0.3, uncertainFrom: 0.1 },
  object_mismatch: { flagAt: 0.3, uncertainFrom: 0.1 },
  no_visible_damage: { flagAt: 0.3, uncertainFrom: 0.1 },
};

function photo(
  photoId: string,
  damage: Record<string, number>,
  objects: Record<string, number> = { sedan: 0.9, 'pickup truck': 0.05, house: 0.05 },
): PhotoZeroShot {
  return { photoId, damage, objects };
}

function input(photos: PhotoZeroShot[], overrides: Partial<ModelCheckInput> = {}): ModelCheckInput {
  return {
    photos,
    claimedPeril: 'hail',
    coveragePerils: ['hail', 'collision', 'fire', 'glass'],
    exclusionPerils: ['wear_and_tear'],
    insuredObject: 'sedan',
    thresholds,
    ...overrides,
  };
}

/** The checks of these photos (with `overrides` of the claim and policy), by kind. */
function checksOf(photos: PhotoZeroShot[], overrides: Partial<ModelCheckInput> = {}) {
  return Object.fromEntries(runModelChecks(input(photos, overrides)).map((r) => [r.kind, r]));
}

describe('model checks', () => {
  it('clear hail photos of the insured sedan raise nothing', () => {
    const checks = checksOf([photo('a', { hail: 0.85, collision: 0.05, none: 0.05, wear_and_tear: 0.05 })]);
    expect(Object.values(checks).filter((c) => c.flagged || c.uncertain)).toEqual([]);
  });

  it('flags a peril mismatch and names both perils', () => {
    const checks = checksOf([photo('a', { hail: 0.05, fire: 0.85, none: 0.05, wear_and_tear: 0.05 })]);
    expect(checks.peril_mismatch.flagged).toBe(true);
    expect(checks.peril_mismatch.reason).toContain('fire');
    expect(checks.peril_mismatch.evidence.bestAlternative).toBe('fire');
    expect(checks.peril_mismatch.photoId).toBe('a');
  });

  it.each([
    {
      title: 'one photo supporting the claimed peril is enough against a mismatch',
      photos: [photo('a', { hail: 0.1, fire: 0.8, none: 0.1 }), photo('b', { hail: 0.8, fire: 0.1, none: 0.1 })],
      kind: 'peril_mismatch',
      flagged: false,
    },
    {
      title: 'flags photos without damage',
      photos: [photo('a', { hail: 0.05, none: 0.9, fire: 0.05 }), photo('b', { hail: 0.1, none: 0.85, fire: 0.05 })],
      kind: 'no_visible_damage',
      flagged: true,
    },
  ])('$title', ({ photos, kind, flagged }) => {
    expect(checksOf(photos)[kind].flagged).toBe(flagged);
  });

  it('sends a close call to review instead of flagging it', () => {
    const checks = checksOf([photo('a', { hail: 0.35, collision: 0.55, none: 0.1 })]);
    expect(checks.peril_mismatch.flagged).toBe(false);
    expect(checks.peril_mismatch.uncertain).toBe(true);
  });

  it('flags an evident exclusion', () => {
    const checks = checksOf([photo('a', { hail: 0.1, wear_and_tear: 0.8, none: 0.1 })]);
    expect(checks.exclusion_evident.flagged).toBe(true);
    expect(checks.exclusion_evident.reason).toContain('wear and tear');
  });

  it('flags another object than the insured one', () => {
    const checks = checksOf([photo('a', { hail: 0.9, none: 0.1 }, { sedan: 0.05, 'pickup truck': 0.9, house: 0.05 })]);
    expect(checks.object_mismatch.flagged).toBe(true);
    expect(checks.object_mismatch.reason).toContain('pickup truck');
  });

  it('does not judge the object when the policy names none the model knows', () => {
    const checks = checksOf([photo('a', { hail: 0.9, none: 0.1 }, { sedan: 0.05, 'pickup truck': 0.9 })], {
      insuredObject: null,
    });
    expect(checks.object_mismatch.flagged).toBe(false);
    expect(checks.object_mismatch.uncertain).toBe(false);
  });

  it('sends a peril the prompts do not describe to review', () => {
    const checks = checksOf([photo('a', { hail: 0.9, none: 0.1 })], { claimedPeril: 'storm' });
    expect(checks.peril_mismatch.flagged).toBe(false);
    expect(checks.peril_mismatch.uncertain).toBe(true);
    expect(checks.peril_mismatch.reason).toContain('"storm"');
  });

  it('a peril the policy does not cover is a coverage fact naming the clause, not uncertainty', () => {
    const policy = {
      number: 'P-7',
      clauses: [
        { code: 'C1', kind: 'coverage', perilKey: 'hail', text: 'Hail damage to the vehicle.' },
        { code: 'E1', kind: 'exclusion', perilKey: 'wear_and_tear', text: 'Rust, wear and tear.' },
      ],
    };
    const excluded = checksOf([photo('a', { hail: 0.1, wear_and_tear: 0.8, none: 0.1 })], {
      claimedPeril: 'wear_and_tear',
      coveragePerils: ['hail'],
      exclusionPerils: ['wear_and_tear'],
      policy,
    }).peril_mismatch;
    expect(excluded).toMatchObject({ flagged: true, uncertain: false, severity: 'high', confidence: 1 });
    expect(excluded.reason).toBe(
      'Peril wear and tear is not covered by policy P-7: clause E1 excludes it ("Rust, wear and tear.").',
    );
    expect(excluded.evidence.clause).toEqual({ code: 'E1', kind: 'exclusion', text: 'Rust, wear and tear.' });
    const unnamed = checksOf([photo('a', { hail: 0.9, none: 0.1 })], {
      claimedPeril: 'storm',
      coveragePerils: ['hail'],
      policy,
    }).peril_mismatch;
    expect(unnamed.flagged).toBe(true);
    expect(unnamed.reason).toBe(
      'Peril storm is not covered by policy P-7: no coverage clause names it (coverage clauses: C1 (hail)).',
    );
    expect(unnamed.reason).not.toMatch(/visual description/);
    const covered = checksOf([photo('a', { hail: 0.9, none: 0.1 })], {
      coveragePerils: ['hail'],
      policy,
    }).peril_mismatch;
    expect(covered.flagged).toBe(false);
  });

  it('an undamaged-looking photo is no evidence of another peril', () => {
    const checks = checksOf([photo('a', { hail: 0.05, collision: 0.4, none: 0.55 })]);
    expect(checks.peril_mismatch.flagged).toBe(false);
    expect(checks.peril_mismatch.uncertain).toBe(false);
  });
});
