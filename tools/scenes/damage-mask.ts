/**
 * Where the damage is in a rendered scene. The renderer draws damage from its own random stream, so the
 * same spec with `damage: 'none'` is the same picture without it (same layout, object, camera): the
 * pixels that differ between the two are the damage (marks, flames and smoke, shards, water, hailstones).
 */
import sharp from '../../src/common/sharp';
import { DEFAULT_SCENE_HEIGHT, DEFAULT_SCENE_WIDTH, sceneSvg, type SceneSpec } from './scene-renderer';

async function rasterise(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 }).removeAlpha().raw().toBuffer();
}

/**
 * A width × height mask (1 = damage) of the scene: pixels whose colour differs from the undamaged
 * rendering by more than `threshold` (0–255) in some channel. All zero for `damage: 'none'`.
 */
export async function sceneDamageMask(
  spec: SceneSpec,
  threshold = 24,
): Promise<{ width: number; height: number; mask: Uint8Array }> {
  const width = spec.width ?? DEFAULT_SCENE_WIDTH;
  const height = spec.height ?? DEFAULT_SCENE_HEIGHT;
  const mask = new Uint8Array(width * height);
  if (spec.damage === 'none') return { width, height, mask };
  const [damaged, clean] = await Promise.all([
    rasterise(sceneSvg(spec)),
    rasterise(sceneSvg({ ...spec, damage: 'none' })),
  ]);
  for (let pixel = 0; pixel < width * height; pixel += 1) {
    const offset = pixel * 3;
    if (
      Math.abs(damaged[offset] - clean[offset]) > threshold ||
      Math.abs(damaged[offset + 1] - clean[offset + 1]) > threshold ||
      Math.abs(damaged[offset + 2] - clean[offset + 2]) > threshold
    )
      mask[pixel] = 1;
  }
  return { width, height, mask };
}
