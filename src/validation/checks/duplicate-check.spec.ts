import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { cropHashes, differenceHash } from '../../evidence/perceptual-hash';
import { randomSceneSpec, renderScene } from '../../../tools/scenes/scene-renderer';
import { checkDuplicates, type PhotoFingerprint } from './duplicate-check';
import { defaultThresholds } from '../default-thresholds';

const threshold = defaultThresholds('auto').duplicate_photo;

async function fingerprint(image: Buffer, claimId: string, photoId: string): Promise<PhotoFingerprint> {
  const oriented = sharp(image).rotate();
  return {
    photoId,
    claimId,
    sha256: createHash('sha256').update(image).digest('hex'),
    perceptualHash: await differenceHash(oriented),
    cropHashes: await cropHashes(oriented),
    embedding: null,
  };
}

describe('duplicate photos across claims', () => {
  let original: Buffer;
  let earlier: PhotoFingerprint;

  beforeAll(async () => {
    original = await renderScene({ ...randomSceneSpec(4242), object: 'sedan', damage: 'hail' });
    earlier = await fingerprint(original, 'claim-1', 'photo-1');
  });

  async function transformed(how: string): Promise<Buffer> {
    const { width = 0, height = 0 } = await sharp(original).metadata();
    switch (how) {
      case 'another JPEG quality':
        return sharp(original).jpeg({ quality: 45 }).toBuffer();
      case 'resized to 60%':
        return sharp(original)
          .resize(Math.round(width * 0.6))
          .jpeg({ quality: 85 })
          .toBuffer();
      case 'cropped by 10% at a corner':
        return sharp(original)
          .extract({ left: 0, top: 0, width: Math.round(width * 0.9), height: Math.round(height * 0.9) })
          .jpeg()
          .toBuffer();
      case 'cropped by 10% around the centre':
        return sharp(original)
          .extract({
            left: Math.round(width * 0.05),
            top: Math.round(height * 0.05),
            width: Math.round(width * 0.9),
            height: Math.round(height * 0.9),
          })
          .png()
          .toBuffer();
      default:
        return original;
    }
  }

  it.each([
    'identical bytes',
    'another JPEG quality',
    'resized to 60%',
    'cropped by 10% at a corner',
    'cropped by 10% around the centre',
  ])('flags the same photo %s in another claim, naming that claim', async (how) => {
    const copy = await fingerprint(await transformed(how), 'claim-2', 'photo-2');
    const [result] = checkDuplicates([copy], [earlier], threshold);
    expect(result.flagged).toBe(true);
    expect(result.evidence).toMatchObject({ otherClaimId: 'claim-1', otherPhotoId: 'photo-1' });
  });

  it('does not flag a photo against another photo of the same claim', async () => {
    const [result] = checkDuplicates([await fingerprint(original, 'claim-1', 'photo-9')], [earlier], threshold);
    expect(result.flagged).toBe(false);
  });

  it('gives no duplicate flag among 50 distinct photos', async () => {
    const photos: PhotoFingerprint[] = [];
    for (let index = 0; index < 50; index += 1) {
      // Same kind of scene on purpose (sedans with hail): the hardest case for a perceptual match.
      const spec = { ...randomSceneSpec(100 + index), object: 'sedan' as const, damage: 'hail' as const };
      photos.push(await fingerprint(await renderScene(spec), `claim-${index}`, `photo-${index}`));
    }
    const results = checkDuplicates(photos, photos, threshold);
    const flagged = results.filter((result) => result.flagged);
    const closest = Math.max(...results.map((result) => result.score));
    console.log(`50 distinct photos: highest duplicate score ${closest.toFixed(3)} (flag at ${threshold.flagAt})`);
    expect(flagged).toEqual([]);
    // Renders and hashes 50 photos: on a loaded machine that passes Jest's 5 s default, which is not what this checks.
  }, 60_000);
});
