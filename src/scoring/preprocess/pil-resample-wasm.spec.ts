import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectedSources } from '../../../scripts/build-wasm';
import { resizeBicubicWindow, type OutputWindow } from './pil-resample';
import { resamplerBackend, resizeBicubicWindowFast } from './pil-resample-wasm';

/** Deterministic pseudo-random numbers in [0, 1). */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Pseudo-random pixels, about a third of them 0 or 255 so that clamping is exercised; four bytes per draw. */
function image(random: () => number, width: number, height: number, channels: number): Uint8Array {
  const data = new Uint8Array(width * height * channels);
  for (let index = 0; index < data.length; index += 4) {
    let word = Math.floor(random() * 2 ** 32);
    for (let byte = 0; byte < 4 && index + byte < data.length; byte += 1, word >>>= 8) {
      const value = word & 255;
      data[index + byte] = value < 40 ? 0 : value > 215 ? 255 : value;
    }
  }
  return data;
}

describe('Pillow bicubic resampler as WebAssembly SIMD', () => {
  it('runs as WebAssembly SIMD on this runtime (not the JavaScript fallback)', () => {
    expect(resamplerBackend()).toBe('wasm-simd');
  });

  it('gives exactly the bytes of the JavaScript port on 600 random shapes, windows and channel counts', () => {
    const random = lcg(20261127);
    let compared = 0;
    for (let round = 0; round < 600; round += 1) {
      const channels = 1 + Math.floor(random() * 4);
      const width = 1 + Math.floor(random() * 260);
      const height = 1 + Math.floor(random() * 260);
      // Mostly shrinking (photos), some enlarging, some sides unchanged (a pass skipped).
      const pick = (side: number) => (random() < 0.15 ? side : 1 + Math.floor(random() * Math.min(300, side * 2 + 20)));
      const newWidth = pick(width);
      const newHeight = pick(height);
      const x = Math.floor(random() * newWidth);
      const y = Math.floor(random() * newHeight);
      const window: OutputWindow =
        round % 4 === 0
          ? { x: 0, y: 0, width: newWidth, height: newHeight }
          : {
              x,
              y,
              width: 1 + Math.floor(random() * (newWidth - x)),
              height: 1 + Math.floor(random() * (newHeight - y)),
            };
      const src = image(random, width, height, channels);
      const expected = resizeBicubicWindow(src, width, height, channels, newWidth, newHeight, window);
      const actual = resizeBicubicWindowFast(src, width, height, channels, newWidth, newHeight, window);
      if (!Buffer.from(actual).equals(Buffer.from(expected))) {
        throw new Error(
          `mismatch for ${width}x${height}x${channels} -> ${newWidth}x${newHeight}, window ${JSON.stringify(window)}`,
        );
      }
      compared += 1;
    }
    expect(compared).toBe(600);
  });

  it('matches on a photo-sized CLIP resize (2016x1512 -> 298x224, centre window) and leaves its input untouched', () => {
    const random = lcg(7);
    const src = image(random, 2016, 1512, 3);
    const before = Buffer.from(src);
    const window = { x: 37, y: 0, width: 224, height: 224 };
    const fast = resizeBicubicWindowFast(src, 2016, 1512, 3, 298, 224, window);
    expect(Buffer.from(fast).equals(Buffer.from(resizeBicubicWindow(src, 2016, 1512, 3, 298, 224, window)))).toBe(true);
    expect(Buffer.from(src).equals(before)).toBe(true);
  });

  it('is compiled from the committed WebAssembly text (the generated module is not stale)', async () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    for (const { file, source } of await expectedSources(root)) {
      expect({ file: path.relative(root, file), source: fs.readFileSync(file, 'utf8') }).toEqual({
        file: path.relative(root, file),
        source,
      });
    }
  });
});
