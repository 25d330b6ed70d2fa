import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { deriveSeed, mulberry32 } from './prng';
import {
  SCENE_COLOURS,
  SCENE_DAMAGES,
  SCENE_OBJECTS,
  SceneConstraints,
  SceneSpec,
  randomSceneSpec,
  randomSceneVariety,
  renderScene,
  sceneCaption,
  sceneSvg,
} from './scene-renderer';

/** 64-bit difference hash (9x8 greyscale, left > right). */
async function dHash(image: Buffer): Promise<bigint> {
  const px = await sharp(image).greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let h = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) h = (h << 1n) | (px[y * 9 + x] > px[y * 9 + x + 1] ? 1n : 0n);
  }
  return h;
}

/** 64-bit DCT perceptual hash (32x32 greyscale, 8x8 lowest frequencies vs their median). */
async function pHash(image: Buffer): Promise<bigint> {
  const N = 32;
  const px = await sharp(image).greyscale().resize(N, N, { fit: 'fill' }).raw().toBuffer();
  const coeffs: number[] = [];
  for (let u = 0; u < 8; u++) {
    for (let v = 0; v < 8; v++) {
      let s = 0;
      for (let x = 0; x < N; x++) {
        for (let y = 0; y < N; y++) {
          s +=
            px[y * N + x] *
            Math.cos(((2 * x + 1) * u * Math.PI) / (2 * N)) *
            Math.cos(((2 * y + 1) * v * Math.PI) / (2 * N));
        }
      }
      coeffs.push(s);
    }
  }
  const median = [...coeffs.slice(1)].sort((a, b) => a - b)[31];
  return coeffs.reduce((h, c) => (h << 1n) | (c > median ? 1n : 0n), 0n);
}

function hamming(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

async function stats(image: Buffer): Promise<{ mean: number; std: number }> {
  const s = await sharp(image).greyscale().stats();
  return { mean: s.channels[0].mean, std: s.channels[0].stdev };
}

/** Mean absolute difference of two same-size images, over RGB, 0..255. */
async function meanAbsDiff(a: Buffer, b: Buffer): Promise<number> {
  const pa = await sharp(a).removeAlpha().raw().toBuffer();
  const pb = await sharp(b).removeAlpha().raw().toBuffer();
  expect(pa.length).toBe(pb.length);
  let s = 0;
  for (let i = 0; i < pa.length; i++) s += Math.abs(pa[i] - pb[i]);
  return s / pa.length;
}

/** Energy of a 3x3 Laplacian on a greyscale version: a sharpness measure. */
async function laplacianEnergy(image: Buffer): Promise<number> {
  const { data, info } = await sharp(image).greyscale().raw().toBuffer({ resolveWithObject: true });
  const w = info.width;
  let s = 0;
  let n = 0;
  for (let y = 1; y < info.height - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const l = 4 * data[i] - data[i - 1] - data[i + 1] - data[i - w] - data[i + w];
      s += l * l;
      n++;
    }
  }
  return s / n;
}

describe('prng', () => {
  it('mulberry32 is deterministic, in [0, 1) and seed-dependent', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xa = Array.from({ length: 1000 }, () => a());
    const xb = Array.from({ length: 1000 }, () => b());
    const xc = Array.from({ length: 1000 }, () => c());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
    expect(Math.min(...xa)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xa)).toBeLessThan(1);
    const mean = xa.reduce((s, x) => s + x, 0) / xa.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  it('deriveSeed separates streams', () => {
    expect(deriveSeed(1, 2)).toBe(deriveSeed(1, 2));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(1, 3));
    expect(deriveSeed(1, 2)).not.toBe(deriveSeed(2, 2));
  });
});

describe('randomSceneSpec', () => {
  it('is deterministic for a numeric seed and keeps it as the layout seed', () => {
    expect(randomSceneSpec(7)).toEqual(randomSceneSpec(7));
    expect(randomSceneSpec(7).seed).toBe(7);
  });

  it('respects constraints', () => {
    const constraints: SceneConstraints = {
      object: 'barn',
      damage: 'hail',
      lighting: 'dark',
      blur: 2,
      width: 320,
      height: 240,
    };
    expect(randomSceneSpec(3, constraints)).toEqual({ ...constraints, colour: expect.any(String), seed: 3 });
    for (let i = 0; i < 50; i++) {
      const s = randomSceneSpec(i, { objects: ['sedan', 'van'], colours: ['red'] });
      expect(['sedan', 'van']).toContain(s.object);
      expect(s.colour).toBe('red');
    }
  });

  it('covers every value over many seeds and accepts an rng', () => {
    const rng = mulberry32(5);
    const specs = Array.from({ length: 400 }, () => randomSceneSpec(rng));
    expect(new Set(specs.map((s) => s.object)).size).toBe(SCENE_OBJECTS.length);
    expect(new Set(specs.map((s) => s.colour)).size).toBe(SCENE_COLOURS.length);
    expect(new Set(specs.map((s) => s.damage)).size).toBe(SCENE_DAMAGES.length);
    expect(new Set(specs.map((s) => s.seed)).size).toBe(400);
  });
});

describe('sceneCaption', () => {
  it('describes the scene', () => {
    expect(sceneCaption({ object: 'sedan', colour: 'red', damage: 'hail' })).toBe(
      'a photo of a red sedan with hail damage',
    );
    expect(sceneCaption({ object: 'house', colour: 'blue', damage: 'none' })).toBe(
      'a photo of an undamaged blue house',
    );
    expect(sceneCaption({ object: 'van', colour: 'white', damage: 'broken glass' })).toBe(
      'a photo of a white van with broken glass',
    );
    expect(sceneCaption({ object: 'barn', colour: 'silver', damage: 'rust' })).toBe(
      'a photo of a silver barn with rust',
    );
  });
});

describe('renderScene', () => {
  jest.setTimeout(60_000);

  it('is deterministic for a spec (JPEG and PNG)', async () => {
    const spec = randomSceneSpec(123);
    expect((await renderScene(spec)).equals(await renderScene(spec))).toBe(true);
    expect((await renderScene(spec, 'png')).equals(await renderScene(spec, 'png'))).toBe(true);
    expect(sceneSvg(spec)).toBe(sceneSvg({ ...spec }));
  });

  it('renders a 640x480 JPEG by default and honours width/height and PNG', async () => {
    const spec = randomSceneSpec(9);
    const meta = await sharp(await renderScene(spec)).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 640, height: 480, channels: 3 });
    const small = await sharp(await renderScene({ ...spec, width: 200, height: 300 }, 'png')).metadata();
    expect(small).toMatchObject({ format: 'png', width: 200, height: 300 });
    expect(() => sceneSvg({ ...spec, width: 0 })).toThrow(RangeError);
  });

  it('makes 50 different seeds look clearly different (perceptual hashes far apart)', async () => {
    for (const constraints of [{}, { object: 'sedan', colour: 'red', damage: 'none' } as const]) {
      const d: bigint[] = [];
      const p: bigint[] = [];
      for (let i = 0; i < 50; i++) {
        const image = await renderScene(randomSceneSpec(1000 + i, constraints));
        d.push(await dHash(image));
        p.push(await pHash(image));
      }
      let minD = 64;
      let minP = 64;
      for (let i = 0; i < 50; i++) {
        for (let j = i + 1; j < 50; j++) {
          minD = Math.min(minD, hamming(d[i], d[j]));
          minP = Math.min(minP, hamming(p[i], p[j]));
        }
      }
      expect(minD).toBeGreaterThanOrEqual(8);
      expect(minP).toBeGreaterThanOrEqual(10);
    }
  });

  it('renders every object with every damage, and the damage visibly changes the photo', async () => {
    for (const [oi, object] of SCENE_OBJECTS.entries()) {
      const base: SceneSpec = {
        object,
        colour: SCENE_COLOURS[oi % SCENE_COLOURS.length],
        damage: 'none',
        seed: 500 + oi,
        width: 320,
        height: 240,
      };
      const clean = await renderScene(base, 'png');
      const st = await stats(clean);
      expect(st.std).toBeGreaterThan(15);
      for (const damage of SCENE_DAMAGES) {
        if (damage === 'none') continue;
        const damaged = await renderScene({ ...base, damage }, 'png');
        const meta = await sharp(damaged).metadata();
        expect(meta).toMatchObject({ width: 320, height: 240 });
        // same seed: same layout, so the difference is the damage alone
        const diff = await meanAbsDiff(clean, damaged);
        if (diff < 0.5)
          throw new Error(`${damage} on ${object} barely changes the image (mean abs diff ${diff.toFixed(2)})`);
      }
    }
  });

  it('keeps the layout for the same seed whatever the colour and damage', async () => {
    const a = sceneSvg({ object: 'suv', colour: 'red', damage: 'none', seed: 77 });
    const b = sceneSvg({ object: 'suv', colour: 'blue', damage: 'none', seed: 77 });
    // only colours differ
    const strip = (svg: string): string => svg.replace(/#[0-9a-f]{6}/g, '#');
    expect(a).not.toBe(b);
    expect(strip(a)).toBe(strip(b));
    const hail = sceneSvg({ object: 'suv', colour: 'red', damage: 'hail', seed: 77 });
    expect(hail.length).toBeGreaterThan(a.length);
    expect(
      await meanAbsDiff(
        await renderScene({ object: 'suv', colour: 'red', damage: 'none', seed: 77 }, 'png'),
        await renderScene({ object: 'suv', colour: 'red', damage: 'none', seed: 78 }, 'png'),
      ),
    ).toBeGreaterThan(10);
  });

  it("lighting 'dark' darkens the photo", async () => {
    for (const seed of [1, 2, 3]) {
      const spec = randomSceneSpec(seed);
      const normal = await stats(await renderScene(spec));
      const dark = await stats(await renderScene({ ...spec, lighting: 'dark' }));
      expect(dark.mean).toBeLessThan(normal.mean * 0.3);
      expect(dark.mean).toBeLessThan(35);
    }
  });

  it('blur removes detail', async () => {
    const spec = randomSceneSpec(11, { damage: 'hail' });
    const sharpImg = await laplacianEnergy(await renderScene(spec, 'png'));
    const blurred = await laplacianEnergy(await renderScene({ ...spec, blur: 4 }, 'png'));
    expect(blurred).toBeLessThan(sharpImg * 0.1);
  });
});

describe('scene variety (optional, for the fixture training set)', () => {
  jest.setTimeout(60_000);

  it('leaves scenes without variety exactly as they were drawn before it existed', () => {
    // SHA-256 of the SVGs of seeds 0-440: tests, the simulator and the demo render scenes by seed, and their
    // images (and scores) must not move unless the renderer is meant to change. First pinned before variety was
    // added (403a97a0…); re-pinned when rust was redrawn to stay visible on red and yellow paint (the only change).
    const hash = createHash('sha256');
    for (let seed = 0; seed < 441; seed++) hash.update(sceneSvg(randomSceneSpec(seed)));
    expect(hash.digest('hex')).toBe('aea44f6354456d241a384f2267cef1407af6f11e96894c37ee9796b2349af0b1');
  });

  it('an empty variety renders the same bytes as none', async () => {
    for (const seed of [5, 6]) {
      const spec = randomSceneSpec(seed);
      expect((await renderScene({ ...spec, variety: {} })).equals(await renderScene(spec))).toBe(true);
    }
  });

  it('draws a deterministic variety that changes the photo but stays far brighter than dark lighting', async () => {
    const v = (seed: number) => randomSceneVariety(mulberry32(seed), 'red');
    expect(v(1)).toEqual(v(1));
    expect(v(1)).not.toEqual(v(2));
    for (const seed of [21, 22, 23, 24]) {
      const spec = randomSceneSpec(seed);
      const variety = randomSceneVariety(mulberry32(deriveSeed(seed, 9)), spec.colour);
      expect(variety.exposure).toBeGreaterThanOrEqual(0.6);
      const plain = await renderScene(spec, 'png');
      const varied = await renderScene({ ...spec, variety }, 'png');
      expect(await meanAbsDiff(plain, varied)).toBeGreaterThan(3);
      const dark = await stats(await renderScene({ ...spec, lighting: 'dark' }));
      expect((await stats(varied)).mean).toBeGreaterThan(dark.mean * 2);
    }
  });

  it('scales the damage marks with damageScale', async () => {
    for (const damage of ['rust', 'dents'] as const) {
      const spec: SceneSpec = { object: 'sedan', colour: 'blue', damage, seed: 31, width: 320, height: 240 };
      const clean = await renderScene({ ...spec, damage: 'none' }, 'png');
      const marks = async (damageScale: number) =>
        meanAbsDiff(clean, await renderScene({ ...spec, variety: { damageScale } }, 'png'));
      expect(await marks(1.4)).toBeGreaterThan((await marks(0.75)) * 1.3);
    }
    // a 1x variety is the plain drawing
    const plain: SceneSpec = { object: 'sedan', colour: 'blue', damage: 'rust', seed: 31 };
    expect(sceneSvg({ ...plain, variety: { damageScale: 1 } })).toBe(sceneSvg(plain));
  });
});
