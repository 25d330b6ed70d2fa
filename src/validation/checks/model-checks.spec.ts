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

  it('an undamaged-looking photo is no evidence of another peril', () => {
    const checks = checksOf([photo('a', { hail: 0.05, collision: 0.4, none: 0.55 })]);
    expect(checks.peril_mismatch.flagged).toBe(false);
    expect(checks.peril_mismatch.uncertain).toBe(false);
  });
});
