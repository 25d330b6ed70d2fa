/**
 * Shared pieces of the fixture training-set format (models/train/make-dataset.ts writes it,
 * models/train/train_fixture.py reads it).
 *
 * images .bin: [u32 LE header length][UTF-8 JSON header][N x 3 x 56 x 56 uint8, CHW per image].
 * Each byte is one 4x4 block of the CLIP-preprocessed 224x224 tensor, de-normalised back to the
 * pixel scale (x * std + mean) * 255, averaged over the block and rounded. The exported vision
 * graph does the same 4x4 average pooling on the normalised tensor; pooling commutes with the
 * per-channel affine normalisation, so the trainer only re-applies (u / 255 - mean) / std.
 */
import {
  SCENE_COLOURS,
  SCENE_DAMAGES,
  SCENE_OBJECTS,
  SceneSpec,
  randomSceneSpec,
  randomSceneVariety,
} from '../../tools/scenes/scene-renderer';
import { deriveSeed, mulberry32 } from '../../tools/scenes/prng';

export const POOL = 4;
export const IMAGE_SIZE = 224;
export const POOLED_SIZE = IMAGE_SIZE / POOL;
export const POOLED_BYTES = 3 * POOLED_SIZE * POOLED_SIZE;

/** Seeds of the splits: disjoint ranges. */
export const SPLIT_SEED_BASE = { train: 0, eval: 1_000_000, tsEval: 2_000_000 } as const;

/**
 * Balanced attributes: scene i of a split gets combination i mod 441 (object fastest). With `variety`
 * (make-dataset --variety, off by default and not used for the committed model), 3 in 5 training scenes get a
 * random variety (exposure, colour cast, paint shade, ground, camera, damage size); the eval splits stay plain.
 * 441 and 5 are coprime, so every attribute combination gets both kinds.
 */
export function sceneForIndex(
  split: keyof typeof SPLIT_SEED_BASE,
  index: number,
  width?: number,
  height?: number,
  variety = false,
): SceneSpec {
  const object = SCENE_OBJECTS[index % SCENE_OBJECTS.length];
  const colour = SCENE_COLOURS[Math.floor(index / SCENE_OBJECTS.length) % SCENE_COLOURS.length];
  const damage =
    SCENE_DAMAGES[Math.floor(index / (SCENE_OBJECTS.length * SCENE_COLOURS.length)) % SCENE_DAMAGES.length];
  const spec = randomSceneSpec(SPLIT_SEED_BASE[split] + index, { object, colour, damage, width, height });
  if (variety && split === 'train' && index % 5 < 3)
    spec.variety = randomSceneVariety(mulberry32(deriveSeed(spec.seed, VARIETY_STREAM)), colour);
  return spec;
}

/** The stream a training scene's variety is drawn from (derived from its seed). */
export const VARIETY_STREAM = 0x7a71e7;

/**
 * 4x4 average pool of a CHW float32 CLIP tensor, returned de-normalised and quantised to uint8.
 */
export function poolToUint8(
  chw: Float32Array,
  mean: readonly number[],
  std: readonly number[],
  out: Uint8Array,
  offset: number,
): void {
  const S = IMAGE_SIZE;
  const P = POOLED_SIZE;
  for (let c = 0; c < 3; c++) {
    const plane = c * S * S;
    for (let py = 0; py < P; py++) {
      for (let px = 0; px < P; px++) {
        let sum = 0;
        for (let dy = 0; dy < POOL; dy++) {
          const row = plane + (py * POOL + dy) * S + px * POOL;
          for (let dx = 0; dx < POOL; dx++) sum += chw[row + dx];
        }
        const v = ((sum / (POOL * POOL)) * std[c] + mean[c]) * 255;
        out[offset + c * P * P + py * P + px] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
}

export function encodeBin(header: Record<string, unknown>, data: Uint8Array): Buffer {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length, 0);
  return Buffer.concat([len, json, Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}
