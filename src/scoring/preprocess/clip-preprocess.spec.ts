import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import sharp from 'sharp';
import {
  centerCropOffset,
  OPENAI_CLIP_IMAGE_CONFIG,
  preprocessImage,
  preprocessInto,
  resizeBicubicPil,
  resizedDimensions,
} from './clip-preprocess';
import { clipReferenceDir } from '../../../test/support/clip-reference-data';
import { readPngHeader } from './image-decode';
import { computeAxisCoefficients, nearestIndices, resizeBicubicWindow } from './pil-resample';

/** The OpenAI reference outputs, vendored in test/fixtures/clip (see its README, section 2). */
const REFERENCE_DIR = clipReferenceDir();
const INDEX_PATH = path.join(REFERENCE_DIR, 'preprocess', 'index.json');

interface ReferenceImage {
  name: string;
  file: string;
  f32: string;
  source_mode: string;
  source_size_wh: [number, number];
  resized_size_wh: [number, number];
  crop_left_top: [number, number];
}

function loadIndex(): ReferenceImage[] {
  if (!fs.existsSync(INDEX_PATH)) throw new Error(`CLIP reference data missing at ${REFERENCE_DIR}`);
  return (JSON.parse(fs.readFileSync(INDEX_PATH, 'utf8')) as { images: ReferenceImage[] }).images;
}

/** The .f32 files are little-endian; read them value by value so the test is endian-independent. */
function readF32(file: string): Float32Array {
  const bytes = fs.readFileSync(path.join(REFERENCE_DIR, file));
  const out = new Float32Array(bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

function diff(a: Float32Array, b: Float32Array): { maxAbs: number; meanAbs: number } {
  let maxAbs = 0;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    sum += d;
    if (d > maxAbs) maxAbs = d;
  }
  return { maxAbs, meanAbs: sum / a.length };
}

const SIZE = OPENAI_CLIP_IMAGE_CONFIG.imageSize;
const TENSOR_LENGTH = 3 * SIZE * SIZE;

describe('CLIP preprocessing vs OpenAI _transform(224) reference', () => {
  const rows: Array<{ image: string; mode: string; maxAbs: number; meanAbs: number }> = [];

  afterAll(() => {
    if (rows.length > 0) {
      console.log(
        'CLIP preprocess conformance (vs OpenAI reference .f32)\n' +
          rows
            .map(
              (r) =>
                `${r.image.padEnd(24)} ${r.mode.padEnd(5)} max-abs ${r.maxAbs.toExponential(2)}  mean-abs ${r.meanAbs.toExponential(2)}`,
            )
            .join('\n'),
      );
    }
  });

  it('has the reference data', () => {
    expect(loadIndex()).toHaveLength(7);
  });

  it('reproduces every reference tensor bit for bit', async () => {
    const images = loadIndex();
    for (const ref of images) {
      const input = fs.readFileSync(path.join(REFERENCE_DIR, ref.file));
      const expected = readF32(ref.f32);
      const actual = await preprocessImage(input, OPENAI_CLIP_IMAGE_CONFIG, { autoOrient: false });
      const { maxAbs, meanAbs } = diff(actual, expected);
      rows.push({ image: ref.name, mode: ref.source_mode, maxAbs, meanAbs });
    }
    for (const row of rows) {
      expect({ image: row.image, maxAbs: row.maxAbs }).toEqual({ image: row.image, maxAbs: 0 });
    }
  }, 30_000);

  it('uses the reference geometry (truncated long side, half-to-even crop offset)', () => {
    for (const ref of loadIndex()) {
      const [w, h] = ref.source_size_wh;
      const resized = resizedDimensions(w, h, SIZE);
      expect([resized.width, resized.height]).toEqual(ref.resized_size_wh);
      expect([centerCropOffset(resized.width, SIZE), centerCropOffset(resized.height, SIZE)]).toEqual(
        ref.crop_left_top,
      );
    }
  });
});

describe('preprocessImage / preprocessInto', () => {
  let photo: Buffer;

  beforeAll(async () => {
    const drawn = await sharp({
      create: { width: 320, height: 240, channels: 3, background: { r: 30, g: 120, b: 200 } },
    })
      .composite([
        { input: Buffer.from('<svg width="320" height="240"><circle cx="90" cy="100" r="60" fill="#f80"/></svg>') },
      ])
      .png()
      .toBuffer();
    photo = await sharp(drawn).removeAlpha().png().toBuffer(); // compositing added alpha; keep a plain RGB PNG
  });

  it('returns a CHW tensor of 3 x size x size', async () => {
    expect(await preprocessImage(photo, OPENAI_CLIP_IMAGE_CONFIG)).toHaveLength(TENSOR_LENGTH);
    const small = { ...OPENAI_CLIP_IMAGE_CONFIG, imageSize: 64 };
    expect(await preprocessImage(photo, small)).toHaveLength(3 * 64 * 64);
  });

  it('writes into a batch tensor at the given offset and nowhere else', async () => {
    const single = await preprocessImage(photo, OPENAI_CLIP_IMAGE_CONFIG);
    const batch = new Float32Array(3 * TENSOR_LENGTH).fill(7);
    await preprocessInto(photo, OPENAI_CLIP_IMAGE_CONFIG, batch, TENSOR_LENGTH);
    expect(diff(batch.subarray(TENSOR_LENGTH, 2 * TENSOR_LENGTH), single).maxAbs).toBe(0);
    expect(batch.subarray(0, TENSOR_LENGTH).every((v) => v === 7)).toBe(true);
    expect(batch.subarray(2 * TENSOR_LENGTH).every((v) => v === 7)).toBe(true);
  });

  it('rejects an offset that does not fit', async () => {
    const batch = new Float32Array(TENSOR_LENGTH);
    await expect(preprocessInto(photo, OPENAI_CLIP_IMAGE_CONFIG, batch, 1)).rejects.toThrow(RangeError);
  });

  it('rejects corrupt and truncated input with an Error', async () => {
    await expect(preprocessImage(Buffer.from('definitely not an image'), OPENAI_CLIP_IMAGE_CONFIG)).rejects.toThrow(
      Error,
    );
    await expect(preprocessImage(Buffer.alloc(0), OPENAI_CLIP_IMAGE_CONFIG)).rejects.toThrow(Error);
    const jpeg = await sharp(photo).jpeg().toBuffer();
    await expect(preprocessImage(jpeg.subarray(0, jpeg.length >> 1), OPENAI_CLIP_IMAGE_CONFIG)).rejects.toThrow(
      /cannot decode image/,
    );
  });

  it('ignores a PNG tRNS colour key, as Pillow does for RGB images', async () => {
    // Mark the background colour transparent with a tRNS chunk right after IHDR (8 + 25 bytes).
    // sharp then decodes RGBA, but Pillow keeps mode RGB: no premultiply, alpha simply dropped.
    const body = Buffer.from([0, 30, 0, 120, 0, 200]);
    const type = Buffer.from('tRNS', 'latin1');
    const chunk = Buffer.alloc(12 + body.length);
    chunk.writeUInt32BE(body.length, 0);
    type.copy(chunk, 4);
    body.copy(chunk, 8);
    chunk.writeUInt32BE(zlib.crc32(Buffer.concat([type, body])), 8 + body.length);
    expect(readPngHeader(photo)).toEqual({ bitDepth: 8, colourType: 2 });
    const keyed = Buffer.concat([photo.subarray(0, 33), chunk, photo.subarray(33)]);
    const decoded = await sharp(keyed).raw().toBuffer({ resolveWithObject: true });
    expect([decoded.info.channels, decoded.data[3]]).toEqual([4, 0]); // sharp: background pixel fully transparent
    const plain = await preprocessImage(photo, OPENAI_CLIP_IMAGE_CONFIG);
    expect(diff(await preprocessImage(keyed, OPENAI_CLIP_IMAGE_CONFIG), plain).maxAbs).toBe(0);
  });

  it('applies EXIF orientation 6 only when autoOrient is on', async () => {
    const jpeg = fs.existsSync(path.join(REFERENCE_DIR, 'preprocess', 'exif6_2016x1512.jpg'))
      ? fs.readFileSync(path.join(REFERENCE_DIR, 'preprocess', 'exif6_2016x1512.jpg'))
      : await sharp(photo).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const stored = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    // Rotate the stored pixels 90 degrees clockwise by hand (what orientation 6 asks for), losslessly.
    const { width: w, height: h, channels } = stored.info;
    const rotated = Buffer.alloc(stored.data.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = (y * w + x) * channels;
        const to = (x * h + (h - 1 - y)) * channels;
        for (let c = 0; c < channels; c++) rotated[to + c] = stored.data[from + c];
      }
    }
    const rotatedPng = await sharp(rotated, { raw: { width: h, height: w, channels } })
      .png()
      .toBuffer();

    const oriented = await preprocessImage(jpeg, OPENAI_CLIP_IMAGE_CONFIG);
    const unrotated = await preprocessImage(jpeg, OPENAI_CLIP_IMAGE_CONFIG, { autoOrient: false });
    const byHand = await preprocessImage(rotatedPng, OPENAI_CLIP_IMAGE_CONFIG, { autoOrient: false });
    expect(diff(oriented, byHand).maxAbs).toBe(0);
    expect(diff(oriented, unrotated).meanAbs).toBeGreaterThan(0.1);
  }, 30_000);

  it('measures the time for a 1024x768 JPEG', async () => {
    const noise = Buffer.alloc(1024 * 768 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    const jpeg = await sharp(noise, { raw: { width: 1024, height: 768, channels: 3 } })
      .blur(2)
      .jpeg({ quality: 85 })
      .toBuffer();
    for (let i = 0; i < 3; i++) await preprocessImage(jpeg, OPENAI_CLIP_IMAGE_CONFIG); // JIT warm-up
    const runs = 20;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) await preprocessImage(jpeg, OPENAI_CLIP_IMAGE_CONFIG);
    const ms = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    console.log(`preprocessImage 1024x768 JPEG: ${ms.toFixed(1)} ms/image (mean of ${runs})`);
    expect(ms).toBeLessThan(1000); // a sanity bound only; the number above is the measurement
  }, 60_000);
});

describe('Pillow resampler port', () => {
  it('leaves an image unchanged when the size does not change', () => {
    const rgb = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) & 255);
    expect(resizeBicubicPil(rgb, 5, 4, 5, 4)).toEqual(rgb);
  });

  it('keeps a flat colour flat when shrinking and enlarging', () => {
    const rgb = new Uint8Array(40 * 30 * 3);
    for (let i = 0; i < rgb.length; i += 3) rgb.set([12, 200, 255], i);
    for (const [w, h] of [
      [13, 7],
      [97, 61],
    ]) {
      const out = resizeBicubicPil(rgb, 40, 30, w, h);
      expect(out).toHaveLength(w * h * 3);
      const offColour = out.findIndex((v, i) => v !== [12, 200, 255][i % 3]);
      expect(offColour).toBe(-1);
    }
  });

  it('gives the same pixels for a window as for the full resize then crop', () => {
    const w = 53;
    const h = 41;
    const rgba = Uint8Array.from({ length: w * h * 4 }, (_, i) => (i * 7919) % 251);
    const full = resizeBicubicWindow(rgba, w, h, 4, 29, 67, { x: 0, y: 0, width: 29, height: 67 });
    const win = resizeBicubicWindow(rgba, w, h, 4, 29, 67, { x: 5, y: 11, width: 17, height: 23 });
    for (let y = 0; y < 23; y++) {
      const fromFull = full.subarray(((y + 11) * 29 + 5) * 4, ((y + 11) * 29 + 22) * 4);
      expect(win.subarray(y * 17 * 4, (y + 1) * 17 * 4)).toEqual(fromFull);
    }
  });

  it('normalises coefficients so each output position sums to about 2^22', () => {
    const c = computeAxisCoefficients(2016, 298);
    expect(c.ksize).toBe(Math.ceil(2 * (2016 / 298)) * 2 + 1);
    for (let i = 0; i < 298; i++) {
      let sum = 0;
      for (let j = 0; j < c.count[i]; j++) sum += c.weights[i * c.ksize + j];
      expect(Math.abs(sum - (1 << 22))).toBeLessThanOrEqual(c.count[i]);
    }
  });

  it('maps nearest-neighbour positions like Pillow (floor((i + 0.5) * in / out) away from exact hits)', () => {
    const expected = Array.from({ length: 336 }, (_, i) => Math.floor(((i + 0.5) * 300) / 336));
    expect(Array.from(nearestIndices(300, 336))).toEqual(expected);
    expect(Array.from(nearestIndices(4, 2))).toEqual([1, 3]);
  });

  it('reads the PNG header that decides palette / tRNS / alpha handling', async () => {
    const png = await sharp({ create: { width: 2, height: 2, channels: 4, background: '#0008' } })
      .png()
      .toBuffer();
    expect(readPngHeader(png)).toEqual({ bitDepth: 8, colourType: 6 });
    expect(readPngHeader(Buffer.from('nope'))).toBeNull();
  });
});
