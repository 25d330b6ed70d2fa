import { ConflictException } from '@nestjs/common';
import { ManualClock } from '../../src/common/clock';
import { EnvelopeCrypto } from '../../src/crypto/envelope-crypto';
import { Claim } from '../../src/claims/claim.entity';
import { BLOB_STORE, type BlobStore } from '../../src/evidence/blob-store';
import { Photo } from '../../src/claims/photo.entity';
import { PurgeService } from '../../src/retention/purge.service';
import { RetentionService } from '../../src/retention/retention.service';
import { factories } from '../support/factories';
import { contextFor, staffActor } from '../support/service-actors';
import { useServiceSpec } from '../support/service-spec';

const DAY = 86_400_000;
const NOW = '2026-06-01T00:00:00Z';
const ALL_CLASSES = ['claim_records', 'derived_images', 'embeddings_scores', 'exif_gps', 'original_photos'];

/**
 * RetentionService and PurgeService against real PostgreSQL and the real blob store, called directly:
 * a claim past its retention is purged (row, photo rows, key and blobs), one under a legal hold is left
 * whole until the hold is released.
 */
describe('RetentionService + PurgeService (real PostgreSQL)', () => {
  const clock = new ManualClock(NOW);
  let retention: RetentionService;
  let purge: PurgeService;
  let blobs: BlobStore;
  let complianceId: string;
  let context: ReturnType<typeof contextFor>;
  const spec = useServiceSpec({ label: 'svc_retention', manualClock: clock }, async (testApp) => {
    retention = testApp.app.get(RetentionService);
    purge = testApp.app.get(PurgeService);
    blobs = testApp.app.get<BlobStore>(BLOB_STORE);
    const compliance = await factories(testApp).newUser({ role: 'compliance', team: 'audit' });
    complianceId = compliance.id;
    context = contextFor(staffActor(compliance));
  });

  /** A claim decided `daysAgo` days before NOW under a policy of `jurisdiction`, with one sealed photo in the store. */
  async function decidedClaim(jurisdiction: string, daysAgo: number) {
    const policy = await spec.make.newPolicy({ jurisdiction });
    const claim = await spec.make.newClaim({
      policyId: policy.id,
      status: 'decided',
      decidedAt: new Date(Date.parse(NOW) - daysAgo * DAY),
    });
    const { wrappedDataKey, keyVersion } = await spec.testApp.app.get(EnvelopeCrypto).newDataKey();
    const photo = await spec.make.newPhoto({ claimId: claim.id, wrappedDataKey, keyVersion });
    await blobs.put(photo.originalBlobKey, Buffer.from('sealed original'));
    return { claim, photo };
  }

  const claimIdsOf = (items: Array<{ claimId: string }>) => [...new Set(items.map((item) => item.claimId))];

  async function claimExists(id: string): Promise<boolean> {
    return (await spec.dataSource.getRepository(Claim).countBy({ id })) === 1;
  }

  it('purges an expired claim, leaves a held one and a fresh one whole, and purges the held one after release', async () => {
    const jurisdiction = 'svc-retention';
    const policy = await retention.createPolicy(context, complianceId, {
      dataClass: 'claim_records',
      jurisdiction,
      periodDays: 30,
      trigger: 'claim_closed',
      action: 'delete',
    });
    // Created before any claim exists, it makes nothing deletable within the notice: applied at once.
    expect(policy).toMatchObject({ status: 'applied', policyId: expect.any(String) });
    const expired = await decidedClaim(jurisdiction, 60);
    const held = await decidedClaim(jurisdiction, 60);
    const fresh = await decidedClaim(jurisdiction, 10);
    const elsewhere = await decidedClaim('svc-retention-other', 60); // no policy of its jurisdiction

    const hold = await retention.placeHold(context, complianceId, held.claim.id, 'litigation L-1');
    expect(hold).toMatchObject({ claimId: held.claim.id, reason: 'litigation L-1' });
    await expect(retention.placeHold(context, complianceId, held.claim.id, 'again')).rejects.toThrow(ConflictException);

    // A dry run plans exactly the expired claim (deleting its record takes every data class with it)
    // and changes nothing.
    const dry = await purge.run(context, { dryRun: true });
    expect(claimIdsOf(dry.items)).toEqual([expired.claim.id]);
    expect(dry.items.map((item) => item.dataClass).sort()).toEqual(ALL_CLASSES);
    expect(dry.items.every((item) => item.action === 'delete' && item.policyId === policy.policyId)).toBe(true);
    expect(await claimExists(expired.claim.id)).toBe(true);

    // The upcoming list shows the held claim, marked.
    const upcoming = await retention.upcoming(0);
    expect(upcoming.items.find((item) => item.claimId === held.claim.id)).toMatchObject({ legalHold: true });

    const run = await purge.run(context, { dryRun: false });
    expect(run).toMatchObject({ status: 'completed', skipped: [] });
    expect(await claimExists(expired.claim.id)).toBe(false);
    expect(await spec.dataSource.getRepository(Photo).countBy({ claimId: expired.claim.id })).toBe(0);
    expect(await blobs.exists(expired.photo.originalBlobKey)).toBe(false);
    const receipts = await retention.listReceipts({ claimId: expired.claim.id });
    expect(receipts.items.map((receipt) => receipt.dataClass).sort()).toEqual(ALL_CLASSES);
    expect(receipts.items.every((receipt) => receipt.policyId === policy.policyId)).toBe(true);

    for (const kept of [held, fresh, elsewhere]) {
      expect(await claimExists(kept.claim.id)).toBe(true);
      expect(await blobs.exists(kept.photo.originalBlobKey)).toBe(true);
      const photo = await spec.dataSource.getRepository(Photo).findOneByOrFail({ id: kept.photo.id });
      expect(photo.wrappedDataKey).not.toBeNull();
      expect((await retention.listReceipts({ claimId: kept.claim.id })).items).toEqual([]);
    }

    // Released: the next run takes it (and still not the fresh one).
    await retention.releaseHold(context, complianceId, held.claim.id, 'litigation closed');
    const after = await purge.run(context, { dryRun: false });
    expect(claimIdsOf(after.items)).toEqual([held.claim.id]);
    expect(await claimExists(held.claim.id)).toBe(false);
    expect(await blobs.exists(held.photo.originalBlobKey)).toBe(false);
    expect(await claimExists(fresh.claim.id)).toBe(true);

    // Twenty-one days on, the fresh claim is due too.
    clock.set(new Date(Date.parse(NOW) + 21 * DAY));
    const later = await purge.run(context, { dryRun: false });
    expect(claimIdsOf(later.items)).toEqual([fresh.claim.id]);
    expect(await claimExists(fresh.claim.id)).toBe(false);
    expect(await claimExists(elsewhere.claim.id)).toBe(true);
  });

  it('a hold placed while a purge is between its steps stops it before the rows go', async () => {
    clock.set(NOW);
    const jurisdiction = 'svc-retention-race';
    await retention.createPolicy(context, complianceId, {
      dataClass: 'claim_records',
      jurisdiction,
      periodDays: 30,
      trigger: 'claim_closed',
      action: 'delete',
    });
    const target = await decidedClaim(jurisdiction, 60);
    purge.stepHook = async (step, claimId) => {
      if (step === 'keys_shredded' && claimId === target.claim.id)
        await retention.placeHold(context, complianceId, claimId, 'late hold');
    };
    try {
      const run = await purge.run(context, { dryRun: false });
      expect(run.skipped).toEqual([{ claimId: target.claim.id, reason: 'legal_hold' }]);
    } finally {
      purge.stepHook = undefined;
    }
    expect(await claimExists(target.claim.id)).toBe(true);
    expect((await retention.listReceipts({ claimId: target.claim.id })).items).toEqual([]);
  });
});
