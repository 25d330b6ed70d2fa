import * as fs from 'node:fs';
import * as path from 'node:path';
import { CompactEncrypt, importJWK, generateKeyPair, type JWK } from 'jose';
import request from 'supertest';
import sharp from 'sharp';
import { BLOB_STORE } from '../src/evidence/blob-store';
import type { FsBlobStore } from '../src/evidence/blob-store-fs';
import { createIntakeClient, createUser, login, tokenFor } from './support/auth-helpers';
import { factories } from './support/factories';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy, uploadPhotos } from './fixtures/intake-fixtures';
import { jpegWithGps, plaintextSignatures, scenePhoto, solidImage } from './fixtures/photo-fixtures';

function allFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? allFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

describe('photo evidence: encrypted at rest, audited reads', () => {
  let testApp: TestApp;
  let intake: { id: string; apiKey: string };
  let policyId: string;
  let supervisor: string;
  let blobDir: string;

  beforeAll(async () => {
    testApp = await startTestApp({ label: 'photos', env: { BLOB_STORE: 'fs' } });
    intake = await createIntakeClient(testApp, 'team-a');
    policyId = (await createPolicy(testApp, intake.apiKey)).id;
    supervisor = await tokenFor(testApp, 'supervisor', 'team-a');
    blobDir = testApp.config.blobDir;
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const http = () => request(testApp.app.getHttpServer());
  /** POST a JWE (compact serialisation) as the photo upload of a claim. */
  const postJose = (claimId: string, jwe: string) =>
    http()
      .post(`/v1/claims/${claimId}/photos`)
      .set('X-API-Key', intake.apiKey)
      .set('Content-Type', 'application/jose')
      .send(jwe);
  /** GET a photo's content as the supervisor, the body kept as one Buffer. */
  const content = (url: string) =>
    http()
      .get(url)
      .set('Authorization', `Bearer ${supervisor}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });
  const auditCount = async (action: string, resourceId: string): Promise<number> =>
    (
      (await testApp.database.dataSource.query(
        'SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND resource_id = $2',
        [action, resourceId],
      )) as Array<{ n: number }>
    )[0].n;

  it('uploads JPEG, PNG and WebP; stores hashes, oriented size and EXIF; GPS only encrypted; no plaintext image or EXIF on disk', async () => {
    const claim = await createClaim(testApp, intake.apiKey, policyId);
    const jpeg = await jpegWithGps(11);
    const png = await scenePhoto(12, 'png');
    const webp = await sharp(await scenePhoto(13))
      .webp()
      .toBuffer();
    const rotated = await sharp(await solidImage(200, 100, 'jpeg'))
      .withMetadata({ orientation: 6 })
      .jpeg()
      .toBuffer();
    const response = await uploadPhotos(testApp, intake.apiKey, claim.id, [
      { name: 'roof.jpg', bytes: jpeg },
      { name: 'side.png', bytes: png, contentType: 'image/png' },
      { name: 'front.webp', bytes: webp, contentType: 'image/webp' },
      { name: 'rotated.jpg', bytes: rotated },
    ]).expect(201);
    expect(response.body.photos.map((photo: { mime: string }) => photo.mime)).toEqual([
      'image/jpeg',
      'image/png',
      'image/webp',
      'image/jpeg',
    ]);
    expect(response.body.photos[3]).toMatchObject({ width: 100, height: 200 });

    const rows = (await testApp.database.dataSource.query(
      'SELECT * FROM photos WHERE claim_id = $1 ORDER BY file_name',
      [claim.id],
    )) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(4);
    const roof = rows.find((row) => row.file_name === 'roof.jpg')!;
    expect(roof.perceptual_hash).toMatch(/^[0-9a-f]{16}$/);
    expect(roof.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(roof.exif).toEqual({
      captureTime: '2025-11-02T14:30:05',
      make: 'Canon',
      model: 'EOS 5D',
      software: 'Adobe Photoshop 25.0',
      hasGps: true,
    });
    expect(Buffer.isBuffer(roof.gps_ciphertext)).toBe(true);
    const clearText = JSON.stringify(rows.map((row) => ({ ...row, gps_ciphertext: null, wrapped_data_key: null })));
    expect(clearText).not.toMatch(/51\.5|-0\.125|latitude/);
    const auditText = JSON.stringify(await testApp.database.dataSource.query(`SELECT details FROM audit_events`));
    expect(auditText).not.toMatch(/51\.5|latitude/);

    // Staff see the non-personal EXIF and hashes; intake sees neither.
    const staff = await http().get(`/v1/claims/${claim.id}`).set('Authorization', `Bearer ${supervisor}`).expect(200);
    expect(staff.body.photos.find((photo: { fileName: string }) => photo.fileName === 'roof.jpg').exif).toMatchObject({
      make: 'Canon',
      hasGps: true,
    });
    const own = await http().get(`/v1/claims/${claim.id}`).set('X-API-Key', intake.apiKey).expect(200);
    expect(own.body.photos[0]).not.toHaveProperty('perceptualHash');
    expect(own.body.photos[0]).not.toHaveProperty('exif');

    // The detector finds each format in plaintext (so an empty result below means something).
    expect(plaintextSignatures(Buffer.concat([Buffer.alloc(7), jpeg, png, webp, rotated]))).toEqual(
      expect.arrayContaining(['JPEG', 'PNG', 'WebP', 'EXIF']),
    );
    const files = allFiles(blobDir);
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files)
      expect({ file, found: plaintextSignatures(fs.readFileSync(file)) }).toEqual({ file, found: [] });
  });

  it('serves the decrypted variants with no-store to the team supervisor and audits each view', async () => {
    const claim = await createClaim(testApp, intake.apiKey, policyId);
    const original = await jpegWithGps(21);
    const uploaded = await uploadPhotos(testApp, intake.apiKey, claim.id, [
      { name: 'dent.jpg', bytes: original },
    ]).expect(201);
    const photoId = uploaded.body.photos[0].id as string;
    const url = `/v1/claims/${claim.id}/photos/${photoId}/content`;
    const got = await content(url).expect(200);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['cache-control']).toBe('no-store');
    expect(Buffer.compare(got.body as Buffer, original)).toBe(0);
    for (const [variant, side] of [
      ['preview', 1024],
      ['thumbnail', 256],
    ] as const) {
      const response = await content(`${url}?variant=${variant}`).expect(200);
      const metadata = await sharp(response.body as Buffer).metadata();
      expect(Math.max(metadata.width!, metadata.height!)).toBeLessThanOrEqual(side);
      expect(metadata.exif).toBeUndefined();
    }
    await http().get(`${url}?variant=raw`).set('Authorization', `Bearer ${supervisor}`).expect(400);
    expect(await auditCount('photo.viewed', photoId)).toBe(3);

    // Adjuster: only when assigned through the claim's open review task. Other team: 404. Compliance: only with a justification.
    const adjusterUser = await createUser(testApp, { role: 'adjuster', team: 'team-a' });
    const adjuster = await login(testApp, adjusterUser.email, adjusterUser.password);
    await http().get(url).set('Authorization', `Bearer ${adjuster}`).expect(404);
    await factories(testApp).newReviewTask({
      claimId: claim.id,
      reason: 'flagged',
      priority: 1,
      slaDueAt: new Date(),
      team: 'team-a',
      assigneeId: adjusterUser.id,
      status: 'assigned',
    });
    await http().get(url).set('Authorization', `Bearer ${adjuster}`).expect(200);
    const otherSupervisor = await tokenFor(testApp, 'supervisor', 'team-b');
    await http().get(url).set('Authorization', `Bearer ${otherSupervisor}`).expect(404);
    const compliance = await tokenFor(testApp, 'compliance', 'audit');
    await http().get(url).set('Authorization', `Bearer ${compliance}`).expect(403);
    await http()
      .get(url)
      .set('Authorization', `Bearer ${compliance}`)
      .set('X-Access-Justification', 'complaint C-123 review')
      .expect(200);
    const [justified] = (await testApp.database.dataSource.query(
      `SELECT justification, details FROM audit_events WHERE action = 'photo.viewed' AND resource_id = $1 ORDER BY seq DESC LIMIT 1`,
      [photoId],
    )) as Array<{ justification: string; details: { variant: string } }>;
    expect(justified).toMatchObject({ justification: 'complaint C-123 review', details: { variant: 'original' } });
    await http().get(url).set('X-API-Key', intake.apiKey).expect(403);
  });

  it('a flipped byte in a stored blob, or two photos’ blobs swapped on disk, is refused as corrupt evidence (409, audited), never wrong bytes', async () => {
    const claim = await createClaim(testApp, intake.apiKey, policyId);
    const uploaded = await uploadPhotos(testApp, intake.apiKey, claim.id, [
      { name: 'one.jpg', bytes: await scenePhoto(31) },
      { name: 'two.jpg', bytes: await scenePhoto(32) },
      { name: 'three.jpg', bytes: await scenePhoto(33) },
    ]).expect(201);
    const [one, two, three] = uploaded.body.photos.map((photo: { id: string }) => photo.id) as string[];
    const store = testApp.app.get<FsBlobStore>(BLOB_STORE);
    const blob = (photoId: string, variant: string) => store.pathOf(`photos/${claim.id}/${photoId}/${variant}`);
    const content = (photoId: string, variant = 'original') =>
      http()
        .get(`/v1/claims/${claim.id}/photos/${photoId}/content?variant=${variant}`)
        .set('Authorization', `Bearer ${supervisor}`);
    expect(fs.existsSync(blob(one, 'original'))).toBe(true);

    const flipped = fs.readFileSync(blob(one, 'original'));
    flipped[Math.floor(flipped.length / 2)] ^= 0x01;
    fs.writeFileSync(blob(one, 'original'), flipped);
    const corrupt = await content(one);
    expect(corrupt.status).toBe(409);
    expect(corrupt.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      message: `evidence for photo ${one} (original) is corrupt and cannot be served`,
    });
    expect(await auditCount('photo.corrupt_detected', one)).toBe(1);
    expect(await auditCount('photo.viewed', one)).toBe(0);

    const a = fs.readFileSync(blob(two, 'thumbnail'));
    const b = fs.readFileSync(blob(three, 'thumbnail'));
    fs.writeFileSync(blob(two, 'thumbnail'), b);
    fs.writeFileSync(blob(three, 'thumbnail'), a);
    expect((await content(two, 'thumbnail')).status).toBe(409);
    expect((await content(three, 'thumbnail')).status).toBe(409);
    expect(await auditCount('photo.corrupt_detected', two)).toBe(1);
    // The untouched variants still serve.
    await content(two, 'preview').expect(200);
    fs.rmSync(blob(three, 'preview'));
    expect((await content(three, 'preview')).status).toBe(409);
    await http().get('/health/live').expect(200);
  });

  it('JWE upload: a client built with jose against GET /v1/keys/intake; another key or a tampered JWE is 422', async () => {
    const claim = await createClaim(testApp, intake.apiKey, policyId);
    const jwks = await http().get('/v1/keys/intake').set('X-API-Key', intake.apiKey).expect(200);
    const jwk = jwks.body.keys[0] as JWK;
    const publicKey = await importJWK(jwk, 'ECDH-ES+A256KW');
    const photo = await scenePhoto(41);
    const jwe = await new CompactEncrypt(photo)
      .setProtectedHeader({
        alg: 'ECDH-ES+A256KW',
        enc: 'A256GCM',
        kid: jwk.kid,
        fileName: '../secret/claim photo.jpg',
      } as never)
      .encrypt(publicKey);
    const response = await postJose(claim.id, jwe).expect(201);
    expect(response.body.photos).toHaveLength(1);
    expect(response.body.photos[0]).toMatchObject({ fileName: 'claim photo.jpg', mime: 'image/jpeg' });
    const served = await content(`/v1/claims/${claim.id}/photos/${response.body.photos[0].id}/content`).expect(200);
    expect(Buffer.compare(served.body as Buffer, photo)).toBe(0);
    const [row] = (await testApp.database.dataSource.query(
      `SELECT details FROM audit_events WHERE action = 'photo.uploaded' AND resource_id = $1`,
      [response.body.photos[0].id],
    )) as Array<{ details: { encryptedUpload: boolean } }>;
    expect(row.details.encryptedUpload).toBe(true);

    const other = await generateKeyPair('ECDH-ES+A256KW', { crv: 'P-256' });
    const wrongKey = await new CompactEncrypt(photo)
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM' })
      .encrypt(other.publicKey);
    const refused = await postJose(claim.id, wrongKey).expect(422);
    expect(refused.body.message).toMatch(/cannot be decrypted/);
    const parts = jwe.split('.');
    const cipher = Buffer.from(parts[3], 'base64url');
    cipher[10] ^= 0xff;
    parts[3] = cipher.toString('base64url');
    await postJose(claim.id, parts.join('.')).expect(422);
    const notAnImage = await new CompactEncrypt(Buffer.from('just text, not a photo at all'))
      .setProtectedHeader({ alg: 'ECDH-ES+A256KW', enc: 'A256GCM', fileName: 'note.jpg' } as never)
      .encrypt(publicKey);
    const textRefused = await postJose(claim.id, notAnImage).expect(422);
    expect(textRefused.body.message).toMatch(/^photo "note\.jpg": /);
    await http()
      .post(`/v1/claims/${claim.id}/photos`)
      .set('X-API-Key', intake.apiKey)
      .set('Content-Type', 'application/json')
      .send({})
      .expect(415);
    const count = (await testApp.database.dataSource.query(
      'SELECT count(*)::int AS n FROM photos WHERE claim_id = $1',
      [claim.id],
    )) as Array<{ n: number }>;
    expect(count[0].n).toBe(1);
  });
});
