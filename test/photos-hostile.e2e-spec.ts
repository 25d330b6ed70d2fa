import * as fs from 'node:fs';
import * as path from 'node:path';
import request from 'supertest';
import sharp from 'sharp';
import { createIntakeClient } from './support/auth-helpers';
import { startTestApp, type TestApp } from './support/test-app';
import { createClaim, createPolicy, uploadPhotos, type UploadFile } from './fixtures/intake-fixtures';
import {
  HTML_PAGE,
  SVG_WITH_SCRIPT,
  bmp,
  jpegWithComment,
  pngBomb,
  pngClaimingSize,
  randomNoise,
  scenePhoto,
  solidImage,
  zipArchive,
} from './fixtures/photo-fixtures';

const MAX_BYTES = 2 * 1024 * 1024;
const MAX_PER_REQUEST = 5;

function countFiles(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((sum, entry) => sum + (entry.isDirectory() ? countFiles(path.join(dir, entry.name)) : 1), 0);
}

interface HostileCase {
  title: string;
  files: () => Promise<UploadFile[]>;
  /** Status expected; the message must match `message` (a per-file refusal names the sanitised file). */
  status: number;
  message: RegExp;
}

describe('photo upload: hostile input', () => {
  let testApp: TestApp;
  let intake: { id: string; apiKey: string };
  let policyId: string;
  let target: { id: string };
  let jpeg: Buffer;

  beforeAll(async () => {
    testApp = await startTestApp({
      label: 'photos_hostile',
      env: {
        PHOTO_MAX_BYTES: String(MAX_BYTES),
        PHOTO_MAX_FILES_PER_REQUEST: String(MAX_PER_REQUEST),
        PHOTO_MAX_PIXELS: '50000000',
        PHOTO_MIN_SIDE: '32',
        PHOTO_MAX_FILES_PER_CLAIM: '12',
      },
    });
    intake = await createIntakeClient(testApp, 'team-a');
    policyId = (await createPolicy(testApp, intake.apiKey)).id;
    target = await createClaim(testApp, intake.apiKey, policyId);
    jpeg = await scenePhoto(101);
  });

  afterAll(async () => {
    await testApp?.close();
  });

  const photoRows = async (): Promise<number> =>
    ((await testApp.database.dataSource.query('SELECT count(*)::int AS n FROM photos')) as Array<{ n: number }>)[0].n;

  const refused: HostileCase[] = [
    {
      title: '0 bytes',
      files: async () => [{ name: 'empty.jpg', bytes: Buffer.alloc(0) }],
      status: 422,
      message: /^photo "empty\.jpg": is empty/,
    },
    {
      title: 'truncated JPEG',
      files: async () => [{ name: 'cut.jpg', bytes: jpeg.subarray(0, Math.floor(jpeg.length / 2)) }],
      status: 422,
      message: /^photo "cut\.jpg": is (truncated|corrupt)/,
    },
    {
      title: 'JPEG header then garbage',
      files: async () => [
        { name: 'garbage.jpg', bytes: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomNoise(4000)]) },
      ],
      status: 422,
      message: /^photo "garbage\.jpg": is (corrupt|truncated)/,
    },
    {
      title: 'PNG decompression bomb (tiny file, 8000×8000)',
      files: async () => [{ name: 'bomb.png', bytes: pngBomb(8000, 8000) }],
      status: 422,
      message: /^photo "bomb\.png": is 8000×8000 pixels, more than the limit/,
    },
    {
      title: 'PNG header claiming 50000×50000',
      files: async () => [{ name: 'huge.png', bytes: await pngClaimingSize(50000, 50000) }],
      status: 422,
      message: /^photo "huge\.png": is 50000×50000 pixels/,
    },
    {
      title: 'PNG with corrupted image data',
      files: async () => {
        const png = Buffer.from(await scenePhoto(102, 'png'));
        for (let i = 200; i < 260; i += 1) png[i] ^= 0x5a;
        return [{ name: 'broken.png', bytes: png, contentType: 'image/png' }];
      },
      status: 422,
      message: /^photo "broken\.png": is (corrupt|truncated)/,
    },
    {
      title: 'JPEG/ZIP polyglot',
      files: async () => [{ name: 'poly.jpg', bytes: Buffer.concat([jpeg, zipArchive()]) }],
      status: 422,
      message: /^photo "poly\.jpg": .*(ZIP|polyglot)/,
    },
    {
      title: 'JPEG with a script in a comment segment',
      files: async () => [
        { name: 'commented.jpg', bytes: jpegWithComment(jpeg, '<script>alert(document.cookie)</script>') },
      ],
      status: 422,
      message: /^photo "commented\.jpg": embeds markup/,
    },
    {
      title: 'HTML page named .jpg',
      files: async () => [{ name: 'index.jpg', bytes: HTML_PAGE }],
      status: 422,
      message: /^photo "index\.jpg": is HTML/,
    },
    {
      title: 'SVG with a script',
      files: async () => [{ name: 'vector.svg', bytes: SVG_WITH_SCRIPT, contentType: 'image/svg+xml' }],
      status: 422,
      message: /^photo "vector\.svg": is an SVG/,
    },
    {
      title: 'SVG named .jpg',
      files: async () => [{ name: 'vector.jpg', bytes: SVG_WITH_SCRIPT }],
      status: 422,
      message: /^photo "vector\.jpg": is an SVG/,
    },
    {
      title: 'valid extension, text content',
      files: async () => [
        {
          name: 'notes.png',
          bytes: Buffer.from('these are my notes about the claim\n'.repeat(20)),
          contentType: 'image/png',
        },
      ],
      status: 422,
      message: /^photo "notes\.png": is text/,
    },
    {
      title: 'random bytes',
      files: async () => [{ name: 'noise.jpg', bytes: randomNoise(5000) }],
      status: 422,
      message: /^photo "noise\.jpg": is not a recognised image/,
    },
    {
      title: 'GIF',
      files: async () => [{ name: 'anim.gif', bytes: await solidImage(64, 64, 'gif'), contentType: 'image/gif' }],
      status: 422,
      message: /^photo "anim\.gif": is a GIF/,
    },
    {
      title: 'BMP',
      files: async () => [{ name: 'old.bmp', bytes: bmp() }],
      status: 422,
      message: /^photo "old\.bmp": is a BMP/,
    },
    {
      title: 'TIFF',
      files: async () => [{ name: 'scan.tiff', bytes: await solidImage(64, 64, 'tiff') }],
      status: 422,
      message: /^photo "scan\.tiff": is a TIFF/,
    },
    {
      title: 'PDF',
      files: async () => [{ name: 'report.jpg', bytes: Buffer.from('%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF') }],
      status: 422,
      message: /^photo "report\.jpg": is a PDF/,
    },
    {
      title: 'ZIP archive named .jpg',
      files: async () => [{ name: 'archive.jpg', bytes: zipArchive() }],
      status: 422,
      message: /^photo "archive\.jpg": is a ZIP/,
    },
    {
      title: 'HEIC brand with garbage',
      files: async () => [
        {
          name: 'phone.heic',
          bytes: Buffer.concat([
            Buffer.from([0, 0, 0, 0x18]),
            Buffer.from('ftypheic\0\0\0\0mif1heic', 'latin1'),
            randomNoise(2000),
          ]),
        },
      ],
      status: 422,
      message: /^photo "phone\.heic": /,
    },
    {
      title: 'WebP header only',
      files: async () => [{ name: 'short.webp', bytes: Buffer.from('RIFF\x24\x00\x00\x00WEBPVP8 ', 'latin1') }],
      status: 422,
      message: /^photo "short\.webp": /,
    },
    {
      title: '1×1 pixel',
      files: async () => [{ name: 'dot.png', bytes: await solidImage(1, 1, 'png') }],
      status: 422,
      message: /^photo "dot\.png": is 1×1 pixels; the smallest accepted side is 32/,
    },
    {
      title: 'a sliver (1000×16)',
      files: async () => [{ name: 'sliver.jpg', bytes: await solidImage(1000, 16, 'jpeg') }],
      status: 422,
      message: /^photo "sliver\.jpg": is 1000×16 pixels/,
    },
    {
      title: 'path traversal name with bad content',
      files: async () => [{ name: '../../etc/passwd.jpg', bytes: Buffer.from('root:x:0:0:root:/root:/bin/bash\n') }],
      status: 422,
      message: /^photo "passwd\.jpg": is text/,
    },
    {
      title: 'raw control characters in the part header',
      files: async () => [
        { name: 'evil\u001b[31m\u0007.jpg', bytes: Buffer.from('plain text, not a photo, with enough characters') },
      ],
      status: 400,
      message: /^malformed multipart body/,
    },
    {
      title: 'quotes and markup in the name',
      files: async () => [
        {
          name: '"><img src=x onerror=alert(1)>.jpg',
          bytes: Buffer.from('plain text, not a photo, with enough characters'),
        },
      ],
      status: 422,
      message: /^photo "___img src=x onerror=alert\(1\)_\.jpg": is text/,
    },
    {
      title: 'file over PHOTO_MAX_BYTES',
      files: async () => [{ name: 'big.jpg', bytes: Buffer.concat([jpeg, randomNoise(MAX_BYTES)]) }],
      status: 413,
      message: /^photo "big\.jpg": is larger than the limit of 2097152 bytes/,
    },
    {
      title: 'too many files in one request',
      files: async () =>
        Array.from({ length: MAX_PER_REQUEST + 1 }, (_, index) => ({ name: `n${index}.jpg`, bytes: jpeg })),
      status: 422,
      message: /too many photos in one request: at most 5/,
    },
    {
      title: 'a valid and an invalid file in one request',
      files: async () => [
        { name: 'good.jpg', bytes: jpeg },
        { name: 'bad.jpg', bytes: Buffer.from('not a photo at all, just some words here') },
      ],
      status: 422,
      message: /^photo "bad\.jpg": is text/,
    },
  ];

  it.each(refused.map((c) => [c.title, c] as const))(
    'refuses %s with a clear 4xx, stores nothing, stays up',
    async (_title, hostile) => {
      const rowsBefore = await photoRows();
      const blobsBefore = countFiles(testApp.config.blobDir);
      const response = await uploadPhotos(testApp, intake.apiKey, target.id, await hostile.files());
      expect({ status: response.status, body: response.body }).toEqual({
        status: hostile.status,
        body: {
          statusCode: hostile.status,
          error: expect.any(String),
          message: expect.stringMatching(hostile.message),
        },
      });
      expect(await photoRows()).toBe(rowsBefore);
      expect(countFiles(testApp.config.blobDir)).toBe(blobsBefore);
      await request(testApp.app.getHttpServer()).get('/health/live').expect(200);
    },
  );

  const accepted: Array<{
    title: string;
    file: () => Promise<UploadFile>;
    mime: string;
    check?: (photo: Record<string, unknown>) => void;
  }> = [
    {
      title: 'PNG content named .jpg (kind from magic bytes)',
      file: async () => ({ name: 'actually-png.jpg', bytes: await scenePhoto(103, 'png') }),
      mime: 'image/png',
    },
    {
      title: 'WebP content named .png',
      file: async () => ({ name: 'actually-webp.png', bytes: await sharp(jpeg).webp().toBuffer() }),
      mime: 'image/webp',
    },
    {
      title: 'CMYK JPEG',
      file: async () => ({ name: 'print.jpg', bytes: await sharp(jpeg).toColourspace('cmyk').jpeg().toBuffer() }),
      mime: 'image/jpeg',
    },
    {
      title: '16-bit PNG',
      file: async () => ({ name: 'deep.png', bytes: await sharp(jpeg).toColourspace('rgb16').png().toBuffer() }),
      mime: 'image/png',
    },
    {
      title: 'AVIF',
      file: async () => ({ name: 'modern.avif', bytes: await sharp(jpeg).avif().toBuffer() }),
      mime: 'image/avif',
    },
    {
      title: 'JPEG with trailing garbage (camera trailers)',
      file: async () => ({ name: 'trailer.jpg', bytes: Buffer.concat([jpeg, randomNoise(300)]) }),
      mime: 'image/jpeg',
    },
    {
      title: 'JPEG with a huge EXIF block (capped text fields)',
      file: async () => ({
        name: 'exif.jpg',
        bytes: await sharp(jpeg)
          .withExif({ IFD0: { ImageDescription: 'x'.repeat(60000), Software: 'S'.repeat(5000) } })
          .jpeg()
          .toBuffer(),
      }),
      mime: 'image/jpeg',
    },
    {
      title: 'a path-traversal name on a valid photo (a label only)',
      file: async () => ({ name: '../../etc/passwd.jpg', bytes: jpeg }),
      mime: 'image/jpeg',
      check: (photo) => expect(photo.fileName).toBe('passwd.jpg'),
    },
  ];

  it.each(accepted.map((c) => [c.title, c] as const))('accepts %s', async (_title, good) => {
    const claim = await createClaim(testApp, intake.apiKey, policyId);
    const response = await uploadPhotos(testApp, intake.apiKey, claim.id, [await good.file()]);
    expect({ status: response.status, message: response.body.message }).toEqual({ status: 201, message: undefined });
    expect(response.body.photos[0].mime).toBe(good.mime);
    good.check?.(response.body.photos[0]);
  });

  it('refuses a file in another multipart field (400) and a request without files (422)', async () => {
    const wrongField = await request(testApp.app.getHttpServer())
      .post(`/v1/claims/${target.id}/photos`)
      .set('X-API-Key', intake.apiKey)
      .attach('image', jpeg, { filename: 'a.jpg' });
    expect(wrongField.status).toBe(400);
    expect(wrongField.body.message).toMatch(/multipart field "photos"/);
    const none = await request(testApp.app.getHttpServer())
      .post(`/v1/claims/${target.id}/photos`)
      .set('X-API-Key', intake.apiKey)
      .field('note', 'no files');
    expect(none.status).toBe(422);
    await request(testApp.app.getHttpServer()).get('/health/live').expect(200);
  });

  it('NUL bytes in a file name: percent-encoded (filename*) they are stripped; raw in the part header the body is malformed (400)', async () => {
    const boundary = 'hostile-boundary-1';
    const body = (disposition: string) =>
      Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="photos"; ${disposition}\r\nContent-Type: image/jpeg\r\n\r\n`,
          'latin1',
        ),
        Buffer.from('plain text, not a photo, with enough characters'),
        Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1'),
      ]);
    const post = (payload: Buffer) =>
      request(testApp.app.getHttpServer())
        .post(`/v1/claims/${target.id}/photos`)
        .set('X-API-Key', intake.apiKey)
        .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
        .send(payload);
    const encoded = await post(body(`filename*=utf-8''evil%00name%1B%07%00.jpg`));
    expect(encoded.status).toBe(422);
    expect(encoded.body.message).toMatch(/^photo "evilname\.jpg": is text/);
    const raw = await post(body('filename="evil\u0000.jpg"'));
    expect(raw.status).toBeGreaterThanOrEqual(400);
    expect(raw.status).toBeLessThan(500);
    await request(testApp.app.getHttpServer()).get('/health/live').expect(200);
  });

  it('caps a huge EXIF text field and never writes outside the blob store', async () => {
    const [row] = (await testApp.database.dataSource.query(
      `SELECT exif FROM photos WHERE file_name = 'exif.jpg'`,
    )) as Array<{ exif: { software?: string } }>;
    expect(row.exif.software).toHaveLength(100);
    expect(fs.existsSync(path.join(testApp.config.dataDir, 'etc'))).toBe(false);
  });

  it('refuses photos beyond PHOTO_MAX_FILES_PER_CLAIM (422) and keeps the claim as it was', async () => {
    const claim = await createClaim(testApp, intake.apiKey, policyId);
    const limit = testApp.config.photos.maxFilesPerClaim;
    let stored = 0;
    while (stored + MAX_PER_REQUEST <= limit) {
      await uploadPhotos(
        testApp,
        intake.apiKey,
        claim.id,
        Array.from({ length: MAX_PER_REQUEST }, (_, index) => ({ name: `p${stored + index}.jpg`, bytes: jpeg })),
      ).expect(201);
      stored += MAX_PER_REQUEST;
    }
    const over = Array.from({ length: limit - stored + 1 }, (_, index) => ({ name: `q${index}.jpg`, bytes: jpeg }));
    const response = await uploadPhotos(testApp, intake.apiKey, claim.id, over);
    expect(response.status).toBe(422);
    expect(response.body.message).toMatch(/too many photos for this claim/);
    const [count] = (await testApp.database.dataSource.query(
      'SELECT count(*)::int AS n FROM photos WHERE claim_id = $1',
      [claim.id],
    )) as Array<{ n: number }>;
    expect(count.n).toBe(stored);
  });
});
