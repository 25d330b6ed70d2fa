import sharp from 'sharp';
import { renderScene } from '../../../tools/scenes/scene-renderer';
import { judgeImageQuality, measureImageQuality } from './image-quality';

describe('image quality (unusable_image)', () => {
  const scene = { object: 'sedan', colour: 'red', damage: 'dents', seed: 7 } as const;

  it('passes a normal rendered claim photo', async () => {
    const measures = await measureImageQuality(await renderScene(scene));
    const result = judgeImageQuality('p', measures);
    expect(result.flagged).toBe(false);
  });

  it('flags a dark photo', async () => {
    const measures = await measureImageQuality(await renderScene({ ...scene, lighting: 'dark' }));
    const result = judgeImageQuality('p', measures);
    expect(result.flagged).toBe(true);
    expect(result.reason).toContain('too dark');
  });

  it('flags a blurred photo', async () => {
    const sharpPhoto = await renderScene(scene);
    const blurred = await sharp(sharpPhoto).blur(12).jpeg().toBuffer();
    const [before, after] = [await measureImageQuality(sharpPhoto), await measureImageQuality(blurred)];
    expect(after.sharpness).toBeLessThan(before.sharpness / 2);
    const result = judgeImageQuality('p', after);
    expect(result.flagged).toBe(true);
    expect(result.reason).toContain('too blurry');
  });

  it('flags a tiny photo and reports the size after EXIF orientation', async () => {
    const small = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#8a6' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const measures = await measureImageQuality(small);
    expect([measures.width, measures.height]).toEqual([90, 120]);
    expect(judgeImageQuality('p', measures).reason).toContain('too small (90×120 px)');
  });
});
