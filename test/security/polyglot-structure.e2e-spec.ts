import { polyglotReason } from '../../src/evidence/image-sniffer';
import { crc32 } from 'node:zlib';
import { createClaim, uploadPhotos, useIntakeApp } from '../fixtures/intake-fixtures';
import { jpegWithComment, scenePhoto } from '../fixtures/photo-fixtures';
import { jpegHeaderThroughSos, noiseJpeg, noisePhoto, prng, scanRange } from './security-fixtures';

/**
 * Finding 4: polyglots were detected by scanning every byte for "<svg" and the like, so real photos
 * whose compressed data held those bytes by chance were refused (0.7% of 3.8 MB photos), while HTML
 * appended after the JPEG's end was accepted. Now the container is walked and only comments,
 * metadata and bytes after the end marker are searched.
 */
/** A PNG with a tEXt chunk right after IHDR. */
function pngWithText(png: Buffer, keyword: string, text: string): Buffer {
  const data = Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0]), Buffer.from(text, 'latin1')]);
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const afterIhdr = 8 + 12 + png.readUInt32BE(8);
  return Buffer.concat([png.subarray(0, afterIhdr), chunk, png.subarray(afterIhdr)]);
}

describe('security finding 4: polyglots detected by structure, never by scanning image data', () => {
  const intake = useIntakeApp('sec_polyglot');

  it('accepts 200 random-noise JPEGs of 2–20 MB (pure structural check) and noise photos over HTTP; refuses appended HTML and COM/APPn/PNG-text polyglots', async () => {
    const { testApp, apiKey, policyId } = intake;
    const header = jpegHeaderThroughSos(await scenePhoto(7));
    const next = prng(20260301);
    const buffer = Buffer.alloc(20 * 1024 * 1024);
    const refused: string[] = [];
    for (let file = 0; file < 200; file += 1) {
      const size = 2 * 1024 * 1024 + (next() % (18 * 1024 * 1024));
      const jpeg = noiseJpeg(header, size, next, buffer);
      const reason = polyglotReason(jpeg, 'jpeg');
      if (reason) refused.push(`#${file} (${size} bytes): ${reason}`);
    }
    expect(refused).toEqual([]);

    // A decodable photo whose compressed data holds "<svg" (as 3.7% of 20 MB photos do by chance).
    const photo = await noisePhoto(1200, 900, 11);
    const { start, end } = scanRange(photo);
    const unlucky = Buffer.from(photo);
    unlucky.write('<svg', start + Math.floor((end - start) / 2), 'latin1');
    expect(polyglotReason(unlucky, 'jpeg')).toBeUndefined();

    const claim = await createClaim(testApp, apiKey, policyId);
    const accepted = await uploadPhotos(testApp, apiKey, claim.id, [
      { name: 'noise-a.jpg', bytes: await noisePhoto(1600, 1200, 1) },
      { name: 'noise-b.jpg', bytes: await noisePhoto(1400, 1000, 2) },
      { name: 'unlucky.jpg', bytes: unlucky },
    ]);
    expect({ status: accepted.status, message: accepted.body.message }).toEqual({ status: 201, message: undefined });

    const jpeg = await scenePhoto(8);
    const html = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
    const cases: Array<[string, Buffer, RegExp]> = [
      ['appended.jpg', Buffer.concat([jpeg, html]), /appended after the end of the image/],
      ['commented.jpg', jpegWithComment(jpeg, '<svg onload=alert(1)>'), /embeds markup \("<svg"\) in its JPEG comment/],
      ['texted.png', pngWithText(await scenePhoto(9, 'png'), 'Comment', '<script>alert(1)</script>'), /PNG tEXt chunk/],
      [
        'zipped.jpg',
        Buffer.concat([jpeg, Buffer.from('PK\x05\x06', 'latin1'), Buffer.alloc(18)]),
        /ZIP archive appended/,
      ],
    ];
    for (const [name, bytes, message] of cases) {
      const response = await uploadPhotos(testApp, apiKey, claim.id, [{ name, bytes }]);
      expect({ status: response.status, message: response.body.message }).toEqual({
        status: 422,
        message: expect.stringMatching(new RegExp(`^photo "${name.replace('.', '\\.')}": .*${message.source}`)),
      });
    }
    const rows = (await testApp.database.dataSource.query(`SELECT count(*)::int AS n FROM photos WHERE claim_id = $1`, [
      claim.id,
    ])) as Array<{ n: number }>;
    expect(rows[0].n).toBe(3);
  });
});
