import request from 'supertest';
import { systemContext } from '../src/audit/audit-context';
import { ManualClock } from '../src/common/clock';
import { BLOB_STORE, photoBlobKey, type BlobStore } from '../src/evidence/blob-store';
import { EvidenceVault } from '../src/evidence/evidence-vault';
import { EvidenceShreddedError } from '../src/crypto/envelope-crypto';
import { Photo } from '../src/claims/photo.entity';
import { PurgeService, type PurgeStep } from '../src/retention/purge.service';
import type { PurgeItem } from '../src/retention/retention-rules';
import { createIntakeClient, createUser, login, type TestUser } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy, uploadPhotos } from './fixtures/intake-fixtures';
import { jpegWithGps, scenePhoto } from './fixtures/photo-fixtures';

/**
 * Retention with the injectable clock (src/retention/README.md). Claims are never submitted (no
 * scoring model needed); a claim is closed the way review closes it: `decided_at` set, which is what
 * the `claim_closed` trigger counts from. Each scenario uses a jurisdiction of its own, so the
 * policies of one do not reach the claims of another.
 */
const DAY = 86_400_000;
const VARIANTS = ['original', 'preview', 'thumbnail'] as const;

describe('retention: policies, legal holds, purge runs and erasure', () => {
  const clock = new ManualClock('2026-01-01T00:00:00Z');
  let testApp: TestApp;
  let intakeKey: string;
  let compliance: string;
  let secondOfficer: string;
  let secondOfficerUser: TestUser;
  let adjuster: string;
  let complianceUser: TestUser;
  let adjusterUser: TestUser;
  let seed = 100;

  const http = () => request(testApp.app.getHttpServer());
  const auth = () => ({ Authorization: `Bearer ${compliance}` });
  const blobs = () => testApp.app.get<BlobStore>(BLOB_STORE);
  const purge = () => testApp.app.get(PurgeService);

  /**
   * Creates a retention policy (triggered by the claim's closing unless `body` says otherwise) and returns
   * its version id. A policy that would purge current data at once is a proposal: a second compliance
   * officer approves it (the notice is 0 days here, so it is in force from the approval on).
   */
  async function policy(body: Record<string, unknown>): Promise<string> {
    const response = await http()
      .post('/v1/retention/policies')
      .set(auth())
      .send({ trigger: 'claim_closed', ...body })
      .expect(201);
    const change = response.body as { id: string; status: string; policyId: string | null };
    if (change.status === 'applied') return change.policyId as string;
    expect(change.status).toBe('pending');
    const approved = await http()
      .post(`/v1/retention/changes/${change.id}/approve`)
      .set({ Authorization: `Bearer ${secondOfficer}` })
      .send({})
      .expect(200);
    return (approved.body as { policyId: string }).policyId;
  }

  /** A claim with two photos (one with GPS) under an insurance policy of `jurisdiction`, closed (decided) at `closedAt`. */
  async function closedClaim(
    jurisdiction: string,
    closedAt: Date | null,
    claimantRef?: string,
  ): Promise<{ claimId: string; photoIds: string[] }> {
    const insurancePolicy = await createPolicy(testApp, intakeKey, { jurisdiction });
    const claim = await createClaim(testApp, intakeKey, insurancePolicy.id, claimantRef ? { claimantRef } : {});
    const uploaded = await uploadPhotos(testApp, intakeKey, claim.id, [
      { name: 'a.jpg', bytes: await scenePhoto((seed += 1)) },
      { name: 'b.jpg', bytes: await jpegWithGps((seed += 1)) },
    ]).expect(201);
    const photoIds = (uploaded.body as { photos: Array<{ id: string }> }).photos.map((photo) => photo.id);
    if (closedAt)
      await testApp.database.dataSource.query(`UPDATE claims SET status = 'decided', decided_at = $2 WHERE id = $1`, [
        claim.id,
        closedAt,
      ]);
    return { claimId: claim.id, photoIds };
  }

  async function photoRows(claimId: string): Promise<Photo[]> {
    return testApp.database.dataSource.getRepository(Photo).find({ where: { claimId } });
  }

  async function blobsExist(claimId: string, photoIds: string[]): Promise<boolean[]> {
    const found: boolean[] = [];
    for (const photoId of photoIds)
      for (const variant of VARIANTS) found.push(await blobs().exists(photoBlobKey(claimId, photoId, variant)));
    return found;
  }

  async function receipts(
    claimId: string,
  ): Promise<Array<{ dataClass: string; policyId: string | null; erasureRequestId: string | null }>> {
    const response = await http().get('/v1/retention/receipts').query({ claimId }).set(auth()).expect(200);
    return (
      response.body as { items: Array<{ dataClass: string; policyId: string | null; erasureRequestId: string | null }> }
    ).items;
  }

  async function run(dryRun: boolean): Promise<{ items: PurgeItem[]; status: string; skipped: unknown[] }> {
    const response = await http().post('/v1/retention/run').set(auth()).send({ dryRun }).expect(200);
    return response.body as { items: PurgeItem[]; status: string; skipped: unknown[] };
  }

  /** Access tokens expire on the manual clock too: sign in again whenever the clock moves. */
  async function signIn(): Promise<void> {
    compliance = await login(testApp, complianceUser.email, complianceUser.password);
    secondOfficer = await login(testApp, secondOfficerUser.email, secondOfficerUser.password);
    adjuster = await login(testApp, adjusterUser.email, adjusterUser.password);
  }

  async function setClock(to: Date | string): Promise<void> {
    clock.set(to);
    await signIn();
  }

  const key = (item: PurgeItem) => `${item.claimId}/${item.dataClass}/${item.action}/${item.policyId}`;
  const keysOf = (items: PurgeItem[], claimId?: string) =>
    items
      .filter((item) => !claimId || item.claimId === claimId)
      .map(key)
      .sort();

  async function expectAuditOk(): Promise<void> {
    const verify = await http().get('/v1/audit/verify').set(auth()).expect(200);
    expect(verify.body).toMatchObject({ ok: true });
  }

  beforeAll(async () => {
    // No notice period here: these scenarios test purging, not the approval's notice (test/compliance-console.e2e-spec.ts does).
    testApp = await startTestApp({
      label: 'retention',
      manualClock: clock,
      env: { RETENTION_CHANGE_NOTICE_DAYS: '0' },
    });
    intakeKey = (await createIntakeClient(testApp)).apiKey;
    complianceUser = await createUser(testApp, { role: 'compliance' });
    secondOfficerUser = await createUser(testApp, { role: 'compliance' });
    adjusterUser = await createUser(testApp, { role: 'adjuster' });
    await signIn();
  });

  afterAll(async () => {
    await testApp?.close();
  });

  afterEach(() => {
    purge().stepHook = undefined;
  });

  it('validates policies and lets only compliance manage them', async () => {
    await http()
      .post('/v1/retention/policies')
      .set(auth())
      .send({ dataClass: 'tax_records', periodDays: 1, trigger: 'claim_closed', action: 'delete' })
      .expect(400);
    await http()
      .post('/v1/retention/policies')
      .set(auth())
      .send({ dataClass: 'exif_gps', periodDays: -1, trigger: 'claim_closed', action: 'delete' })
      .expect(400);
    await http()
      .post('/v1/retention/policies')
      .set('Authorization', `Bearer ${adjuster}`)
      .send({ dataClass: 'exif_gps', periodDays: 1, trigger: 'claim_closed', action: 'delete' })
      .expect(403);
    const id = await policy({
      dataClass: 'exif_gps',
      jurisdiction: 'J0',
      lineOfBusiness: 'auto',
      periodDays: 10,
      action: 'redact',
    });
    const list = await http().get('/v1/retention/policies').set(auth()).expect(200);
    expect(list.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id,
          dataClass: 'exif_gps',
          jurisdiction: 'J0',
          lineOfBusiness: 'auto',
          periodDays: 10,
          action: 'redact',
          active: true,
        }),
      ]),
    );
    const events = await http()
      .get('/v1/audit/events')
      .query({ action: 'retention.policy_created' })
      .set(auth())
      .expect(200);
    expect(JSON.stringify(events.body)).toContain(id);
  });

  it('purges a closed claim past its period (keys shredded, blobs gone, receipts), never a held one; releasing the hold makes it due', async () => {
    const closedAt = new Date('2026-01-10T00:00:00Z');
    await setClock('2026-01-15T00:00:00Z');
    const purged = await closedClaim('J1', closedAt);
    const held = await closedClaim('J1', closedAt);
    const originals = await policy({
      dataClass: 'original_photos',
      jurisdiction: 'J1',
      periodDays: 365,
      action: 'delete',
    });
    const derived = await policy({
      dataClass: 'derived_images',
      jurisdiction: 'J1',
      periodDays: 365,
      action: 'delete',
    });
    const gps = await policy({ dataClass: 'exif_gps', jurisdiction: 'J1', periodDays: 30, action: 'delete' });

    const hold = await http()
      .post(`/v1/claims/${held.claimId}/legal-hold`)
      .set(auth())
      .send({ reason: 'litigation pending (case 42)' })
      .expect(201);
    expect(hold.body).toMatchObject({
      claimId: held.claimId,
      reason: 'litigation pending (case 42)',
      releasedAt: null,
    });
    await http().post(`/v1/claims/${held.claimId}/legal-hold`).set(auth()).send({ reason: 'again' }).expect(409);
    await http()
      .post(`/v1/claims/${held.claimId}/legal-hold`)
      .set('Authorization', `Bearer ${adjuster}`)
      .send({ reason: 'not mine to place' })
      .expect(403);
    expect((await http().get('/v1/retention/holds').set(auth()).expect(200)).body).toEqual([
      expect.objectContaining({ claimId: held.claimId }),
    ]);

    // Not yet due: nothing to purge; the upcoming list (within 400 days) shows both claims, the held one marked.
    expect((await run(true)).items).toEqual([]);
    const upcoming = await http().get('/v1/retention/upcoming').query({ days: 400 }).set(auth()).expect(200);
    const upcomingItems = (upcoming.body as { items: Array<PurgeItem & { legalHold: boolean }> }).items;
    expect(
      upcomingItems
        .filter((item) => item.claimId === purged.claimId)
        .map((item) => item.dataClass)
        .sort(),
    ).toEqual(['derived_images', 'exif_gps', 'original_photos']);
    expect(upcomingItems.filter((item) => item.claimId === held.claimId).every((item) => item.legalHold)).toBe(true);
    expect(
      upcomingItems.find((item) => item.claimId === purged.claimId && item.dataClass === 'original_photos')?.dueAt,
    ).toBe(new Date(closedAt.getTime() + 365 * DAY).toISOString());

    // 40 days after closing only EXIF/GPS is due.
    await setClock(new Date(closedAt.getTime() + 40 * DAY));
    const early = await run(true);
    expect(keysOf(early.items)).toEqual([`${purged.claimId}/exif_gps/delete/${gps}`]);
    const earlyReal = await run(false);
    expect(keysOf(earlyReal.items)).toEqual(keysOf(early.items));
    const afterGps = await photoRows(purged.claimId);
    expect(
      afterGps.every(
        (photo) =>
          photo.gpsCiphertext === null && Object.keys(photo.exif).length === 0 && photo.wrappedDataKey !== null,
      ),
    ).toBe(true);

    // Past the period: dry run and real run report the same set.
    await setClock(new Date(closedAt.getTime() + 366 * DAY));
    const dry = await run(true);
    expect(dry.status).toBe('dry_run');
    expect(keysOf(dry.items)).toEqual(
      [
        `${purged.claimId}/derived_images/delete/${derived}`,
        `${purged.claimId}/original_photos/delete/${originals}`,
      ].sort(),
    );
    expect((await blobsExist(purged.claimId, purged.photoIds)).every(Boolean)).toBe(true); // the dry run changed nothing
    const real = await run(false);
    expect(real.status).toBe('completed');
    expect(keysOf(real.items)).toEqual(keysOf(dry.items));

    // Photos unreadable forever, blobs gone, receipts written (no content in them).
    const rows = await photoRows(purged.claimId);
    expect(rows).toHaveLength(2);
    for (const photo of rows) {
      expect(photo.wrappedDataKey).toBeNull();
      expect(photo.shreddedAt).not.toBeNull();
      await expect(testApp.app.get(EvidenceVault).read(photo, 'original')).rejects.toBeInstanceOf(
        EvidenceShreddedError,
      );
    }
    await http()
      .get(`/v1/claims/${purged.claimId}/photos/${purged.photoIds[0]}/content`)
      .set(auth())
      .set('X-Access-Justification', 'retention test: prove the photo is gone')
      .expect(410);
    expect(await blobsExist(purged.claimId, purged.photoIds)).toEqual(new Array(6).fill(false));
    const written = await receipts(purged.claimId);
    expect(written.map((receipt) => [receipt.dataClass, receipt.policyId]).sort()).toEqual(
      [
        ['derived_images', derived],
        ['exif_gps', gps],
        ['original_photos', originals],
      ].sort(),
    );

    // The held claim is untouched.
    const heldRows = await photoRows(held.claimId);
    expect(heldRows.every((photo) => photo.wrappedDataKey !== null)).toBe(true);
    expect(heldRows.filter((photo) => photo.gpsCiphertext !== null)).toHaveLength(1); // b.jpg carries GPS
    expect((await blobsExist(held.claimId, held.photoIds)).every(Boolean)).toBe(true);
    expect(await receipts(held.claimId)).toEqual([]);

    // A second run finds nothing; the audit chain still verifies.
    expect((await run(true)).items).toEqual([]);
    expect((await run(false)).items).toEqual([]);
    await expectAuditOk();

    // Release (compliance only, with a reason): the held claim is due, and the next run purges it.
    await http()
      .delete(`/v1/claims/${held.claimId}/legal-hold`)
      .set('Authorization', `Bearer ${adjuster}`)
      .send({ reason: 'nope' })
      .expect(403);
    const released = await http()
      .delete(`/v1/claims/${held.claimId}/legal-hold`)
      .set(auth())
      .send({ reason: 'case settled' })
      .expect(200);
    expect(released.body).toMatchObject({ id: (hold.body as { id: string }).id, releaseReason: 'case settled' });
    await http().delete(`/v1/claims/${held.claimId}/legal-hold`).set(auth()).send({ reason: 'twice' }).expect(404);
    const dueNow = await run(true);
    expect(
      keysOf(dueNow.items)
        .map((item) => item.split('/')[1])
        .sort(),
    ).toEqual(['derived_images', 'exif_gps', 'original_photos']);
    expect(keysOf((await run(false)).items)).toEqual(keysOf(dueNow.items));
    expect(await blobsExist(held.claimId, held.photoIds)).toEqual(new Array(6).fill(false));
    expect((await photoRows(held.claimId)).every((photo) => photo.wrappedDataKey === null)).toBe(true);
    expect(await receipts(held.claimId)).toHaveLength(3);

    const audit = await http().get('/v1/audit/events').query({ resourceId: held.claimId }).set(auth()).expect(200);
    const actions = (audit.body as { items: Array<{ action: string }> }).items.map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'legal_hold.placed',
        'legal_hold.released',
        'retention.keys_shredded',
        'retention.purged',
      ]),
    );
    await expectAuditOk();
  });

  it.each<PurgeStep>(['keys_shredded', 'blobs_deleted'])(
    'a run killed after %s is finished by the next run (receipts once, nothing left)',
    async (killAfter) => {
      const jurisdiction = `JK-${killAfter}`;
      const closedAt = new Date(clock.now().getTime() - 10 * DAY);
      const claim = await closedClaim(jurisdiction, closedAt);
      for (const dataClass of ['original_photos', 'derived_images', 'exif_gps'])
        await policy({ dataClass, jurisdiction, periodDays: 1, action: 'delete' });

      const dry = await run(true);
      expect(keysOf(dry.items, claim.claimId)).toHaveLength(3);
      // The process "dies" right after the step: what committed stays, nothing after it runs.
      purge().stepHook = (step, claimId) => {
        if (step === killAfter && claimId === claim.claimId) throw new Error(`killed after ${step}`);
      };
      await expect(purge().run(systemContext('retention.purge', 'kill-test'), { dryRun: false })).rejects.toThrow(
        `killed after ${killAfter}`,
      );
      purge().stepHook = undefined;

      expect(
        (await photoRows(claim.claimId)).every((photo) => photo.wrappedDataKey === null && photo.shreddedAt !== null),
      ).toBe(true);
      expect(
        (await blobsExist(claim.claimId, claim.photoIds)).every((exists) => exists === (killAfter === 'keys_shredded')),
      ).toBe(true);
      expect(await receipts(claim.claimId)).toEqual([]);

      // Still due, exactly as before: the dry run and the resuming real run agree.
      const again = await run(true);
      expect(keysOf(again.items, claim.claimId)).toEqual(keysOf(dry.items, claim.claimId));
      const resumed = await run(false);
      expect(keysOf(resumed.items, claim.claimId)).toEqual(keysOf(dry.items, claim.claimId));
      expect(await blobsExist(claim.claimId, claim.photoIds)).toEqual(new Array(6).fill(false));
      expect((await receipts(claim.claimId)).map((receipt) => receipt.dataClass).sort()).toEqual([
        'derived_images',
        'exif_gps',
        'original_photos',
      ]);

      expect(keysOf((await run(false)).items, claim.claimId)).toEqual([]);
      expect(await receipts(claim.claimId)).toHaveLength(3);
      const shredEvents = await http()
        .get('/v1/audit/events')
        .query({ resourceId: claim.claimId, action: 'retention.keys_shredded' })
        .set(auth())
        .expect(200);
      expect((shredEvents.body as { items: unknown[] }).items).toHaveLength(1);
      await expectAuditOk();
    },
  );

  it('deletes the claim record only when the longest retention of any class has ended', async () => {
    const closedAt = new Date(clock.now().getTime() - DAY);
    const claim = await closedClaim('J3', closedAt);
    const records = await policy({ dataClass: 'claim_records', jurisdiction: 'J3', periodDays: 30, action: 'delete' });
    const keep = await policy({ dataClass: 'original_photos', jurisdiction: 'J3', periodDays: 400, action: 'keep' });
    expect(keep).toBeDefined();

    await setClock(new Date(closedAt.getTime() + 31 * DAY));
    expect(keysOf((await run(true)).items, claim.claimId)).toEqual([]);
    const upcoming = await http().get('/v1/retention/upcoming').query({ days: 400 }).set(auth()).expect(200);
    const mine = (upcoming.body as { items: PurgeItem[] }).items.filter((item) => item.claimId === claim.claimId);
    expect(mine.map((item) => item.dataClass).sort()).toEqual([
      'claim_records',
      'derived_images',
      'embeddings_scores',
      'exif_gps',
      'original_photos',
    ]);
    expect(new Set(mine.map((item) => item.dueAt))).toEqual(
      new Set([new Date(closedAt.getTime() + 400 * DAY).toISOString()]),
    );

    await setClock(new Date(closedAt.getTime() + 401 * DAY));
    const dry = await run(true);
    expect(keysOf(dry.items, claim.claimId)).toHaveLength(5);
    expect(keysOf((await run(false)).items, claim.claimId)).toEqual(keysOf(dry.items, claim.claimId));
    await http().get(`/v1/claims/${claim.claimId}`).set(auth()).expect(404);
    expect(await photoRows(claim.claimId)).toEqual([]);
    expect(await blobsExist(claim.claimId, claim.photoIds)).toEqual(new Array(6).fill(false));
    const written = await receipts(claim.claimId);
    expect(written).toHaveLength(5);
    expect(written.find((receipt) => receipt.dataClass === 'claim_records')?.policyId).toBe(records);
    await expectAuditOk();
  });

  it('erases a data subject’s personal data unless a hold or a retention duty applies, and says which', async () => {
    const ref = 'claimant-7781';
    const free = await closedClaim('J4', null, ref);
    const held = await closedClaim('J4', null, ref);
    const other = await closedClaim('J4', null, 'someone-else');
    const duty = await policy({ dataClass: 'claim_records', jurisdiction: 'J4', periodDays: 6 * 365, action: 'keep' });
    await http()
      .post(`/v1/claims/${held.claimId}/legal-hold`)
      .set(auth())
      .send({ reason: 'fraud investigation' })
      .expect(201);

    const response = await http()
      .post('/v1/retention/erasure-requests')
      .set(auth())
      .send({ claimantRef: ref })
      .expect(200);
    const outcome = response.body as {
      id: string;
      status: string;
      claims: Array<{
        claimId: string;
        erased: string[];
        retained: Array<{ dataClass: string; reason: string; policyId?: string; holdId?: string }>;
      }>;
    };
    expect(outcome.status).toBe('partially_completed');
    const freeOutcome = outcome.claims.find((claim) => claim.claimId === free.claimId)!;
    expect(freeOutcome.erased.sort()).toEqual(['derived_images', 'embeddings_scores', 'exif_gps', 'original_photos']);
    expect(freeOutcome.retained).toEqual([
      { dataClass: 'claim_records', reason: 'retention_duty', policyId: duty, until: null },
    ]);
    const heldOutcome = outcome.claims.find((claim) => claim.claimId === held.claimId)!;
    expect(heldOutcome.erased).toEqual([]);
    expect(heldOutcome.retained).toHaveLength(5);
    expect(
      heldOutcome.retained.every((entry) => entry.reason === 'legal_hold' && typeof entry.holdId === 'string'),
    ).toBe(true);
    expect(outcome.claims.some((claim) => claim.claimId === other.claimId)).toBe(false);

    expect((await photoRows(free.claimId)).every((photo) => photo.wrappedDataKey === null)).toBe(true);
    expect(await blobsExist(free.claimId, free.photoIds)).toEqual(new Array(6).fill(false));
    expect((await receipts(free.claimId)).every((receipt) => receipt.erasureRequestId === outcome.id)).toBe(true);
    expect((await blobsExist(held.claimId, held.photoIds)).every(Boolean)).toBe(true);
    expect((await blobsExist(other.claimId, other.photoIds)).every(Boolean)).toBe(true);

    const listed = await http().get('/v1/retention/erasure-requests').set(auth()).expect(200);
    expect(listed.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: outcome.id, status: 'partially_completed' })]),
    );
    const events = await http().get('/v1/audit/events').query({ resourceId: outcome.id }).set(auth()).expect(200);
    expect((events.body as { items: Array<{ action: string }> }).items.map((event) => event.action).sort()).toEqual([
      'erasure.completed',
      'erasure.requested',
    ]);
    await expectAuditOk();
  });
});
