import {
  bindingDuty,
  changeImpact,
  effectiveDate,
  inForce,
  mergeSegmentPlans,
  planClaim,
  purgesWithinNotice,
  resolveClass,
  shorteningReasons,
  type ClaimFacts,
  type PolicyRule,
  type PurgeItem,
} from './retention-rules';

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

describe('retention policy changes (versions, approval, notice)', () => {
  const base = rule({ periodDays: 365, action: 'delete' });

  it('a new delete policy under the notice needs approval; a longer one or a keep policy does not', () => {
    expect(shorteningReasons(null, rule({ periodDays: 0 }), 30)).toEqual(['period_below_notice']);
    expect(shorteningReasons(null, rule({ periodDays: 90 }), 30)).toEqual([]);
    expect(shorteningReasons(null, rule({ periodDays: 0, action: 'keep' }), 30)).toEqual([]);
  });

  it('shortening, harder actions, earlier triggers and wider delete scopes need approval; lengthening does not', () => {
    expect(shorteningReasons(base, { ...base, periodDays: 400 }, 30)).toEqual([]);
    expect(shorteningReasons(base, { ...base, periodDays: 100 }, 30)).toEqual(['period_shortened']);
    expect(shorteningReasons(rule({ action: 'redact', periodDays: 365 }), base, 30)).toEqual([
      'action_more_destructive',
    ]);
    expect(shorteningReasons(base, { ...base, action: 'redact' }, 30)).toEqual([]);
    expect(shorteningReasons(base, { ...base, trigger: 'claim_created' }, 30)).toEqual(['trigger_earlier']);
    expect(shorteningReasons({ ...base, trigger: 'claim_created' }, base, 30)).toEqual([]);
    expect(shorteningReasons({ ...base, jurisdiction: 'DE' }, base, 30)).toEqual(['scope_widened']);
    expect(shorteningReasons(base, { ...base, jurisdiction: 'DE' }, 30)).toEqual([]);
  });

  it('retiring a delete policy shortens nothing; retiring or narrowing a keep policy does', () => {
    const keep = rule({ action: 'keep', periodDays: 2000 });
    expect(shorteningReasons(base, null, 30)).toEqual([]);
    expect(shorteningReasons(keep, null, 30)).toEqual(['duty_retired']);
    expect(shorteningReasons(keep, { ...keep, jurisdiction: 'FR' }, 30)).toEqual(['duty_scope_narrowed']);
    expect(shorteningReasons(keep, { ...keep, periodDays: 100 }, 30)).toEqual(['period_shortened']);
  });

  it('the impact lists what the change purges sooner or harder, never before it takes effect', () => {
    const item = (claimId: string, dueAt: string, action: 'delete' | 'redact' = 'delete'): PurgeItem => ({
      claimId,
      dataClass: 'exif_gps',
      action,
      policyId: 'p',
      dueAt,
    });
    const effective = new Date('2026-03-01T00:00:00Z');
    const impact = changeImpact(
      [
        item('a', '2026-01-01T00:00:00Z'),
        item('b', '2027-01-01T00:00:00Z'),
        item('c', '2026-01-01T00:00:00Z', 'redact'),
      ],
      [
        item('a', '2026-01-01T00:00:00Z'),
        item('b', '2026-06-01T00:00:00Z'),
        item('c', '2026-01-01T00:00:00Z'),
        item('d', '2025-01-01T00:00:00Z'),
      ],
      effective,
    );
    expect(impact.map((entry) => [entry.claimId, entry.purgeAt])).toEqual([
      ['c', '2026-03-01T00:00:00.000Z'],
      ['d', '2026-03-01T00:00:00.000Z'],
      ['b', '2026-06-01T00:00:00.000Z'],
    ]);
    expect(impact.find((entry) => entry.claimId === 'c')?.before).toEqual({
      action: 'redact',
      dueAt: '2026-01-01T00:00:00Z',
    });
    expect(purgesWithinNotice(impact, new Date('2026-02-15T00:00:00Z'), 30)).toBe(true);
    expect(purgesWithinNotice(impact, new Date('2026-01-01T00:00:00Z'), 30)).toBe(false);
  });

  it('an approved change takes effect no earlier than approval + notice; a direct one from the requested date', () => {
    const approvedAt = new Date('2026-03-01T00:00:00Z');
    expect(effectiveDate(null, approvedAt, true, 30).toISOString()).toBe('2026-03-31T00:00:00.000Z');
    expect(effectiveDate(new Date('2026-05-01T00:00:00Z'), approvedAt, true, 30).toISOString()).toBe(
      '2026-05-01T00:00:00.000Z',
    );
    expect(effectiveDate(null, approvedAt, false, 30)).toEqual(approvedAt);
  });

  it('a version is in force from its start until (not including) its end', () => {
    const version = {
      effectiveFrom: new Date('2026-01-01T00:00:00Z'),
      effectiveUntil: new Date('2026-02-01T00:00:00Z'),
    };
    expect(inForce(version, new Date('2025-12-31T23:59:59Z'))).toBe(false);
    expect(inForce(version, new Date('2026-01-01T00:00:00Z'))).toBe(true);
    expect(inForce(version, new Date('2026-02-01T00:00:00Z'))).toBe(false);
    expect(inForce({ ...version, effectiveUntil: null }, new Date('2030-01-01T00:00:00Z'))).toBe(true);
  });
});

describe('upcoming purges across an approved future version', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  const closed = { ...claim, closedAt: new Date(now.getTime() - 40 * DAY) };
  const at = (days: number) => new Date(now.getTime() + days * DAY);

  it('a shorter version taking effect in the window makes the item due when it takes effect, under its policy', () => {
    const today = rule({ periodDays: 100 }); // due at closed + 100 = now + 60 days
    const shorter = rule({ periodDays: 30 }); // effective now + 20 days; due at closed + 30 = now - 10 days
    const items = mergeSegmentPlans([
      { from: now, items: planClaim([today], closed, new Set(), at(20)) },
      { from: at(20), items: planClaim([shorter], closed, new Set(), at(90)) },
    ]);
    expect(items).toEqual([expect.objectContaining({ policyId: shorter.id, dueAt: at(20).toISOString() })]);
    // what the versions in force today alone would have said
    expect(planClaim([today], closed, new Set(), at(90))).toEqual([
      expect.objectContaining({ policyId: today.id, dueAt: at(60).toISOString() }),
    ]);
  });

  it('an item purged before a longer version takes effect stays at its earlier due date, listed once', () => {
    const today = rule({ periodDays: 50 }); // due now + 10 days
    const longer = rule({ periodDays: 200 });
    const items = mergeSegmentPlans([
      { from: now, items: planClaim([today], closed, new Set(), at(20)) },
      { from: at(20), items: planClaim([longer], closed, new Set(), at(400)) },
    ]);
    expect(items).toEqual([expect.objectContaining({ policyId: today.id, dueAt: at(10).toISOString() })]);
  });
});
