import request from 'supertest';
import { createIntakeClient, createUser, login } from './support/auth-helpers';
import { waitFor } from './support/processes';
import { startTestApp, type TestApp } from './support/test-app';
import { seedScoredClaim, type SeededClaim } from './support/workbench-seed';
import { createClaim, createPolicy, uploadPhotos } from './fixtures/intake-fixtures';
import { jpegWithGps, scenePhoto } from './fixtures/photo-fixtures';

/**
 * Issue 18, the adjuster and supervisor workbench: decide on evidence (approve refused until the flagged photos
 * are opened or the flags acknowledged), the duplicate match side by side (the other claim's identity by role),
 * photo metadata with GPS by role, and checks that name the clause they tested (an uncovered peril as a fact).
 */
describe('workbench evidence (real PostgreSQL)', () => {
  let testApp: TestApp;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  let flaggedClaim: SeededClaim;
  let otherClaim: SeededClaim;
  let coverageClaimId: string;
  let teamA: { apiKey: string; policyId: string };

  const http = () => request(testApp.app.getHttpServer());
  const as = (who: string) => ({ Authorization: `Bearer ${tokens[who]}` });
  const get = (who: string, url: string) => http().get(url).set(as(who));
  const bytes = (who: string, url: string) =>
    get(who, url)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const audit = async (action: string, resourceId: string) =>
    (await testApp.database.dataSource.query(
      `SELECT actor_id, details FROM audit_events WHERE action = $1 AND resource_id = $2 ORDER BY seq`,
      [action, resourceId],
    )) as Array<{ actor_id: string; details: Record<string, unknown> }>;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'workbench_evidence', processJobs: true });
    const intakeA = await createIntakeClient(testApp, 'team-a');
    const intakeB = await createIntakeClient(testApp, 'team-b');
    teamA = { apiKey: intakeA.apiKey, policyId: (await createPolicy(testApp, intakeA.apiKey)).id };
    const policyB = (await createPolicy(testApp, intakeB.apiKey)).id;
    for (const [key, role, team] of [
      ['adjuster', 'adjuster', 'team-a'],
      ['supervisor', 'supervisor', 'team-a'],
      ['investigator', 'investigator', 'special-investigations'],
    ] as const) {
      const user = await createUser(testApp, { role, team });
      ids[key] = user.id;
      tokens[key] = await login(testApp, user.email, user.password);
    }
    const reused = await jpegWithGps(31);
    otherClaim = await seedScoredClaim(testApp, {
      apiKey: intakeB.apiKey,
      policyId: policyB,
      team: 'team-b',
      photos: [{ name: 'original-of-the-reused.jpg', bytes: reused }],
      checks: [],
      status: 'decided',
    });
    flaggedClaim = await seedScoredClaim(testApp, {
      apiKey: teamA.apiKey,
      policyId: teamA.policyId,
      team: 'team-a',
      photos: [
        { name: 'front.jpg', bytes: reused },
        { name: 'side.jpg', bytes: await scenePhoto(32) },
      ],
      checks: [
        {
          kind: 'duplicate_photo',
          photo: 0,
          flagged: true,
          score: 1,
          reason: 'This photo also appears in another claim (identical file).',
          evidence: {
            otherClaimId: otherClaim.claimId,
            otherPhotoId: otherClaim.photoIds[0],
            method: 'sha256',
            similarity: 1,
            hammingDistance: 0,
          },
        },
        { kind: 'no_visible_damage', photo: null, flagged: true, reason: 'The photos show no visible damage.' },
        { kind: 'exif_anomaly', photo: 1, reason: 'EXIF consistent.' },
      ],
      task: 'flagged',
    });
    // A claim for a peril the policy (collision covered, rust excluded) does not cover, scored by the real pipeline.
    const coverage = await createClaim(testApp, teamA.apiKey, teamA.policyId, { claimedPeril: 'flood' });
    await uploadPhotos(testApp, teamA.apiKey, coverage.id, [{ name: 'flood.jpg', bytes: await scenePhoto(33) }]).expect(
      201,
    );
    await http().post(`/v1/claims/${coverage.id}/submit`).set('X-API-Key', teamA.apiKey).expect(202);
    coverageClaimId = coverage.id;
    await waitFor(
      async () => {
        const [row] = (await testApp.database.dataSource.query(`SELECT status FROM claims WHERE id = $1`, [
          coverage.id,
        ])) as Array<{ status: string }>;
        return ['consistent', 'inconsistent', 'needs_review'].includes(row.status) ? row.status : undefined;
      },
      60_000,
      'the uncovered-peril claim to be scored',
    );
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const taskUrl = () => `/v1/review/tasks/${flaggedClaim.taskId}`;
  const photoUrl = (claim: SeededClaim, index: number) => `/v1/claims/${claim.claimId}/photos/${claim.photoIds[index]}`;
  const approve = (who: string, version: number, extra: Record<string, unknown> = {}) =>
    http()
      .post(`${taskUrl()}/decision`)
      .set(as(who))
      .send({
        outcome: 'approve',
        reasonCode: 'model_false_positive',
        note: 'Checked the evidence myself.',
        version,
        ...extra,
      });

  it('approve is refused (409, naming the unseen photos) until each flagged photo is opened or its flag acknowledged', async () => {
    const assigned = await http().post(`${taskUrl()}/assign`).set(as('adjuster')).send({ version: 1 });
    expect(assigned.status).toBe(200);
    const version = assigned.body.version as number;
    const [duplicateCheck, noDamageCheck, exifCheck] = flaggedClaim.checkIds;

    let detail = (await get('adjuster', taskUrl())).body;
    expect(detail.evidence).toMatchObject({ ready: false, viewedPhotoIds: [], unseenPhotoIds: flaggedClaim.photoIds });
    expect(detail.evidence.flags.map((flag: { checkId: string }) => flag.checkId).sort()).toEqual(
      [duplicateCheck, noDamageCheck].sort(),
    );

    const refused = await approve('adjuster', version);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain(`photo 1 "front.jpg" (${flaggedClaim.photoIds[0]})`);
    expect(refused.body.message).toContain(`photo 2 "side.jpg" (${flaggedClaim.photoIds[1]})`);

    // Previews do not count: opening means the original, in the viewer; the view row commits with its audit event.
    await bytes('adjuster', `${photoUrl(flaggedClaim, 0)}/content?variant=preview`).expect(200);
    await bytes('adjuster', `${photoUrl(flaggedClaim, 0)}/content`).expect(200);
    detail = (await get('adjuster', taskUrl())).body;
    expect(detail.evidence.viewedPhotoIds).toEqual([flaggedClaim.photoIds[0]]);
    expect(detail.evidence.unseenPhotoIds).toEqual([flaggedClaim.photoIds[1]]);
    expect((await audit('photo.viewed', flaggedClaim.photoIds[0])).map((event) => event.details.variant)).toEqual([
      'preview',
      'original',
    ]);

    const stillRefused = await approve('adjuster', version);
    expect(stillRefused.status).toBe(409);
    expect(stillRefused.body.message).toContain('"side.jpg"');
    expect(stillRefused.body.message).not.toContain('"front.jpg"');

    // Acknowledgements are validated: a short note, a check that is no open flag, on another outcome.
    for (const acknowledgements of [
      [{ checkId: noDamageCheck, note: 'short' }],
      [{ checkId: exifCheck, note: 'Not a flag, acknowledging anyway.' }],
      [{ checkId: 'not-a-uuid', note: 'A note long enough to pass.' }],
    ])
      expect((await approve('adjuster', version, { acknowledgements })).status).toBe(400);
    const denyWithAck = await http()
      .post(`${taskUrl()}/decision`)
      .set(as('adjuster'))
      .send({
        outcome: 'deny',
        reasonCode: 'duplicate_evidence',
        note: 'The photo was reused from another claim.',
        version,
        acknowledgements: [{ checkId: noDamageCheck, note: 'Irrelevant for a denial.' }],
      });
    expect(denyWithAck.status).toBe(400);

    const acknowledgement = 'Damage confirmed by the repair shop invoice in the file.';
    const approved = await approve('adjuster', version, {
      acknowledgements: [{ checkId: noDamageCheck, note: acknowledgement }],
    });
    expect(approved.status).toBe(200);
    expect(approved.body.decision.acknowledgements).toEqual([
      { checkId: noDamageCheck, kind: 'no_visible_damage', photoId: null, note: acknowledgement },
    ]);
    const [event] = await audit('review.decision_made', flaggedClaim.taskId!);
    expect(event.details.evidence).toEqual({
      openFlags: 2,
      viewedPhotoIds: [flaggedClaim.photoIds[0]],
      acknowledgements: [
        { checkId: noDamageCheck, kind: 'no_visible_damage', photoId: null, noteLength: acknowledgement.length },
      ],
    });
    expect(JSON.stringify(event.details)).not.toContain(acknowledgement);
  });

  it("the matched preview is visible to the flagged claim's reviewers, the other claim's identity withheld unless they may see it", async () => {
    const matchUrl = `${photoUrl(flaggedClaim, 0)}/match`;
    // The adjuster's task is decided: photos of a claim no longer assigned to it are 404 like any hidden row.
    expect((await get('adjuster', matchUrl)).status).toBe(404);

    const fresh = await seedScoredClaim(testApp, {
      apiKey: teamA.apiKey,
      policyId: teamA.policyId,
      team: 'team-a',
      photos: [{ name: 'again.jpg', bytes: await jpegWithGps(31) }],
      checks: [
        {
          kind: 'duplicate_photo',
          photo: 0,
          flagged: true,
          score: 1,
          reason: 'This photo also appears in another claim (identical file).',
          evidence: {
            otherClaimId: otherClaim.claimId,
            otherPhotoId: otherClaim.photoIds[0],
            method: 'sha256',
            similarity: 1,
            hammingDistance: 0,
          },
        },
      ],
      task: 'flagged',
    });
    const freshMatch = `/v1/claims/${fresh.claimId}/photos/${fresh.photoIds[0]}/match`;
    expect((await get('adjuster', freshMatch)).status).toBe(404); // not assigned yet
    await http().post(`/v1/review/tasks/${fresh.taskId}/assign`).set(as('adjuster')).send({ version: 1 }).expect(200);

    const seenByAdjuster = await get('adjuster', freshMatch);
    expect(seenByAdjuster.status).toBe(200);
    expect(seenByAdjuster.body).toMatchObject({
      similarity: 1,
      method: 'sha256',
      capturedAt: '2025-11-02T14:30:05',
      matchedCapturedAt: '2025-11-02T14:30:05',
      identityVisible: false,
      matchedPhotoId: null,
      matchedClaim: { id: null, externalReference: null, team: null, status: 'decided' },
    });
    expect(seenByAdjuster.body.matchedClaim.filedAt).toEqual(expect.any(String));
    const preview = await bytes('adjuster', `${freshMatch}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.headers['content-type']).toBe('image/jpeg');
    const [previewEvent] = await audit('photo.viewed', otherClaim.photoIds[0]);
    expect(previewEvent).toMatchObject({
      actor_id: ids.adjuster,
      details: { via: 'duplicate_match', identityWithheld: true, flaggedClaimId: fresh.claimId, variant: 'preview' },
    });
    // The adjuster's own view of the validation keeps the other claim redacted too.
    const validation = await get('adjuster', `/v1/claims/${fresh.claimId}/validation`);
    expect(JSON.stringify(validation.body)).not.toContain(otherClaim.claimId);

    for (const who of ['supervisor', 'investigator']) {
      const both = await get(who, freshMatch);
      expect(both.status).toBe(200);
      expect(both.body).toMatchObject({
        identityVisible: true,
        matchedPhotoId: otherClaim.photoIds[0],
        matchedClaim: { id: otherClaim.claimId, team: 'team-b', status: 'decided' },
      });
    }
    // The investigator reads across teams: the other claim itself, and its photo (audited).
    expect((await get('investigator', `/v1/claims/${otherClaim.claimId}`)).status).toBe(200);
    expect((await bytes('investigator', `${photoUrl(otherClaim, 0)}/content`)).status).toBe(200);
    expect((await audit('photo.viewed', otherClaim.photoIds[0])).map((event) => event.actor_id)).toContain(
      ids.investigator,
    );
    expect((await get('investigator', '/v1/review/tasks')).status).toBe(403);
  });

  it('photo metadata: capture time, device, software; GPS only for supervisors of the team and investigators (audited)', async () => {
    const url = `${photoUrl(flaggedClaim, 0)}/metadata`;
    // The adjuster decided this claim's task: its photos (and their metadata) are no longer theirs to see.
    expect((await get('adjuster', url)).status).toBe(404);
    await testApp.database.dataSource.query(
      `UPDATE review_tasks SET status = 'assigned', assignee_id = $2 WHERE id = $1`,
      [flaggedClaim.taskId, ids.adjuster],
    );
    const forAdjuster = await get('adjuster', url);
    expect(forAdjuster.status).toBe(200);
    expect(forAdjuster.body).toMatchObject({
      captureTime: '2025-11-02T14:30:05',
      device: 'Canon EOS 5D',
      software: 'Adobe Photoshop 25.0',
      hasGps: true,
      gpsVisible: false,
      gps: null,
    });
    const forSupervisor = await get('supervisor', url);
    expect(forSupervisor.body.gpsVisible).toBe(true);
    expect(forSupervisor.body.gps.latitude).toBeCloseTo(51.5, 3);
    expect(forSupervisor.body.gps.longitude).toBeCloseTo(-0.125, 3);
    expect((await audit('photo.location_viewed', flaggedClaim.photoIds[0])).map((event) => event.actor_id)).toEqual([
      ids.supervisor,
    ]);
    expect((await get('investigator', `${photoUrl(otherClaim, 0)}/metadata`)).body.gpsVisible).toBe(true);
    expect((await get('supervisor', `${photoUrl(otherClaim, 0)}/metadata`)).status).toBe(404);
  });

  it('checks name the clause they tested and their prompts; an uncovered peril is a coverage fact', async () => {
    const validation = (await get('supervisor', `/v1/claims/${coverageClaimId}/validation`)).body;
    const peril = validation.checks.find((check: { kind: string }) => check.kind === 'peril_mismatch');
    expect(peril).toMatchObject({ flagged: true, uncertain: false, confidence: 1 });
    expect(peril.reason).toMatch(
      /^Peril flood is not covered by policy POL-[0-9a-f]+: no coverage clause names it \(coverage clauses: C-COLL \(collision\)\)\.$/,
    );
    expect(peril.reason).not.toMatch(/visual description/);
    expect(peril.evidence.coverage).toBe('not_covered');
    const exclusion = validation.checks.find((check: { kind: string }) => check.kind === 'exclusion_evident');
    expect(exclusion.clause).toEqual({ code: 'X-RUST', kind: 'exclusion', text: 'Wear, tear and rust are excluded.' });
    expect(exclusion.prompts[0]).toMatchObject({ group: 'damage', key: 'wear_and_tear' });
    expect(exclusion.prompts[0].probability).toEqual(expect.any(Number));

    const seeded = (await get('supervisor', `/v1/claims/${flaggedClaim.claimId}/validation`)).body;
    const noDamage = seeded.checks.find((check: { kind: string }) => check.kind === 'no_visible_damage');
    expect(noDamage.clause).toEqual({
      code: 'C-COLL',
      kind: 'coverage',
      text: 'Collision damage to the insured vehicle.',
    });
    expect(
      noDamage.prompts.map((entry: { key: string; probability: number }) => [entry.key, entry.probability]),
    ).toEqual([
      ['none', 0.07],
      ['collision', 0.31],
    ]);
    const duplicate = seeded.checks.find((check: { kind: string }) => check.kind === 'duplicate_photo');
    expect(duplicate).toMatchObject({ clause: null, prompts: [] });
  });
});
