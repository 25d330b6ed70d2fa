import { bindingDuty, planClaim, resolveClass, type ClaimFacts, type PolicyRule } from './retention-rules';

const DAY = 86_400_000;
const closedAt = new Date('2026-01-01T00:00:00Z');
const claim: ClaimFacts = {
  claimId: 'c1',
  lineOfBusiness: 'auto',
  jurisdiction: 'DE',
  createdAt: new Date('2025-06-01T00:00:00Z'),
  closedAt,
  legalHold: false,
};

let next = 0;
function rule(overrides: Partial<PolicyRule>): PolicyRule {
  next += 1;
  return {
    id: `p${String(next).padStart(3, '0')}`,
    dataClass: 'original_photos',
    lineOfBusiness: null,
    jurisdiction: null,
    periodDays: 10,
    trigger: 'claim_closed',
    action: 'delete',
    ...overrides,
  };
}

describe('retention precedence', () => {
  it('applies only policies whose scope matches (NULL matches any)', () => {
    const other = rule({ jurisdiction: 'FR', periodDays: 1 });
    const mine = rule({ lineOfBusiness: 'auto', jurisdiction: 'DE', periodDays: 5 });
    expect(resolveClass([other, mine], claim, 'original_photos')).toMatchObject({
      policyId: mine.id,
      dueAt: new Date(closedAt.getTime() + 5 * DAY),
    });
    expect(resolveClass([rule({ lineOfBusiness: 'property' })], claim, 'original_photos')).toBeNull();
  });

  it('the longest applicable retention wins, keep policies included', () => {
    const short = rule({ periodDays: 30 });
    const keep = rule({ periodDays: 365, action: 'keep' });
    const resolved = resolveClass([short, keep], claim, 'original_photos');
    expect(resolved).toMatchObject({
      action: 'delete',
      policyId: short.id,
      dueAt: new Date(closedAt.getTime() + 365 * DAY),
    });
    expect(planClaim([short, keep], claim, new Set(), new Date(closedAt.getTime() + 100 * DAY))).toEqual([]);
    expect(planClaim([short, keep], claim, new Set(), new Date(closedAt.getTime() + 365 * DAY))).toHaveLength(1);
  });

  it('delete beats redact; keep-only is never purged', () => {
    expect(
      resolveClass(
        [
          rule({ dataClass: 'exif_gps', action: 'redact' }),
          rule({ dataClass: 'exif_gps', action: 'delete', periodDays: 1 }),
        ],
        claim,
        'exif_gps',
      )?.action,
    ).toBe('delete');
    const keepOnly = [rule({ dataClass: 'exif_gps', action: 'keep', periodDays: 1 })];
    expect(resolveClass(keepOnly, claim, 'exif_gps')?.action).toBeNull();
    expect(planClaim(keepOnly, claim, new Set(), new Date('2100-01-01'))).toEqual([]);
  });

  it('a claim_closed period of an open claim is not due (and binds as a duty)', () => {
    const open = { ...claim, closedAt: null };
    const keep = rule({ dataClass: 'claim_records', action: 'keep', periodDays: 2190 });
    expect(resolveClass([keep], open, 'claim_records')?.dueAt).toBeNull();
    expect(planClaim([rule({})], open, new Set(), new Date('2100-01-01'))).toEqual([]);
    expect(bindingDuty(resolveClass([keep], open, 'claim_records') ?? undefined, new Date('2100-01-01'))).toEqual({
      policyId: keep.id,
      until: null,
    });
    expect(
      bindingDuty(resolveClass([keep], claim, 'claim_records') ?? undefined, new Date(closedAt.getTime() + 2191 * DAY)),
    ).toBeNull();
  });

  it('claim record deletion waits for the longest class and takes every class not yet purged', () => {
    const records = rule({ dataClass: 'claim_records', periodDays: 30 });
    const photos = rule({ dataClass: 'derived_images', periodDays: 90, action: 'keep' });
    expect(planClaim([records, photos], claim, new Set(), new Date(closedAt.getTime() + 60 * DAY))).toEqual([]);
    const items = planClaim([records, photos], claim, new Set(['exif_gps']), new Date(closedAt.getTime() + 90 * DAY));
    expect(items.map((item) => item.dataClass)).toEqual([
      'original_photos',
      'derived_images',
      'embeddings_scores',
      'claim_records',
    ]);
    expect(items.every((item) => item.action === 'delete' && item.policyId === records.id)).toBe(true);
  });

  it('leaves out classes that already have a receipt', () => {
    expect(planClaim([rule({})], claim, new Set(['original_photos']), new Date('2100-01-01'))).toEqual([]);
  });
});
