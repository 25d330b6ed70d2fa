/**
 * CLIP image preprocessing, matching OpenAI CLIP's `_transform(n_px)` on PIL images:
 *   Resize(n_px, BICUBIC) -> CenterCrop(n_px) -> convert('RGB') -> ToTensor() -> Normalize(mean, std)
 *
 * sharp only decodes; the resize is a port of Pillow's resampler (./pil-resample.ts, run as WebAssembly
 * SIMD by ./pil-resample-wasm.ts), so the output is bit-identical to the PyTorch reference (see README.md in this folder for measurements).
 */
import { decodeImage, DecodedImage } from './image-decode';
import { OutputWindow, premultiplyAlpha, resizeNearestWindow, unpremultiplyAlpha } from './pil-resample';
import { resizeBicubicWindowFast } from './pil-resample-wasm';

export interface ClipImageConfig {
  imageSize: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** OpenAI CLIP (ViT-B/32, ViT-B/16, ViT-L/14): 224 px and the per-channel statistics of CLIP's training data. */
export const OPENAI_CLIP_IMAGE_CONFIG: ClipImageConfig = {
  imageSize: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

export interface PreprocessOptions {
  /**
   * Apply the EXIF orientation before preprocessing (default true: a phone photo should be
   * scored upright). OpenAI's reference pipeline does not rotate; pass false to match it.
   */
  autoOrient?: boolean;
}

/** Decode, resize, crop and normalise one image into a new CHW float32 tensor [3, size, size]. */
export async function preprocessImage(
  input: Buffer,
  config: ClipImageConfig,
  opts?: PreprocessOptions,
): Promise<Float32Array> {
  const size = checkedSize(config);
  const out = new Float32Array(3 * size * size);
  await preprocessInto(input, config, out, 0, opts);
  return out;
}

/** Same as `preprocessImage`, writing into `target` (e.g. a [N, 3, size, size] batch) at `offset` elements. */
export async function preprocessInto(
  input: Buffer,
  config: ClipImageConfig,
  target: Float32Array,
  offset: number,
  opts?: PreprocessOptions,
): Promise<void> {
  checkTarget(config, target, offset);
  writeCropTensor(await preprocessToCrop(input, config, opts), config, target, offset);
}

/**
 * The resized and centre-cropped pixels, before `convert('RGB')`, ToTensor and Normalize: a quarter of
 * the tensor's bytes. The micro-batcher holds photos in this form while they wait for a batch and
 * writes the floats straight into the batch tensor (`writeCropTensor`), so no per-photo tensor is made.
 */
export interface ClipCrop {
  /** size x size interleaved pixels, `channels` bytes each. */
  readonly pixels: Uint8Array;
  readonly channels: number;
  readonly size: number;
}

/** Decode, resize and crop one image (everything but the float conversion). */
export async function preprocessToCrop(
  input: Buffer,
  config: ClipImageConfig,
  opts?: PreprocessOptions,
): Promise<ClipCrop> {
  const size = checkedSize(config);
  let decoded: DecodedImage;
  try {
    decoded = await decodeImage(input, { autoOrient: opts?.autoOrient ?? true });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot decode image for CLIP preprocessing: ${reason}`, { cause: err });
  }
  return { pixels: resizeAndCrop(decoded, size), channels: decoded.channels, size };
}

/** Writes a crop as the normalised CHW float32 tensor [3, size, size] into `target` at `offset` elements. */
export function writeCropTensor(crop: ClipCrop, config: ClipImageConfig, target: Float32Array, offset: number): void {
  checkTarget(config, target, offset);
  if (crop.size !== config.imageSize)
    throw new RangeError(`a ${crop.size}px crop does not fit a ${config.imageSize}px model input`);
  writeNormalizedChw(crop.pixels, crop.channels, crop.size, normalizationTable(config), target, offset);
}

function checkTarget(config: ClipImageConfig, target: Float32Array, offset: number): void {
  const length = 3 * checkedSize(config) ** 2;
  if (!Number.isInteger(offset) || offset < 0 || offset + length > target.length) {
    throw new RangeError(`offset ${offset} + ${length} does not fit in a target of length ${target.length}`);
  }
}

/**
 * Interleaved RGB bicubic resize, bit-exact with Pillow's `Image.resize((newWidth, newHeight), BICUBIC)`
 * for an RGB image.
 */
export function resizeBicubicPil(
  rgb: Uint8Array,
  width: number,
  height: number,
  newWidth: number,
  newHeight: number,
): Uint8Array {
  if (rgb.length !== width * height * 3) {
    throw new RangeError(`expected ${width * height * 3} bytes for ${width}x${height} RGB, got ${rgb.length}`);
  }
  if (!(newWidth > 0 && newHeight > 0 && Number.isInteger(newWidth) && Number.isInteger(newHeight))) {
    throw new RangeError(`invalid target size ${newWidth}x${newHeight}`);
  }
  return resizeBicubicWindowFast(rgb, width, height, 3, newWidth, newHeight, {
    x: 0,
    y: 0,
    width: newWidth,
    height: newHeight,
  });
}

/**
 * torchvision `Resize(int)`: the shorter side becomes `size`, the longer one `int(size * long / short)`
 * (multiply first, then divide, then truncate: 640x480 -> 298x224, not 299).
 */
export function resizedDimensions(width: number, height: number, size: number): { width: number; height: number } {
  if (width <= height) return { width: size, height: Math.trunc((size * height) / width) };
  return { width: Math.trunc((size * width) / height), height: size };
}

/** torchvision `CenterCrop` offset: Python's round(), which rounds halves to even (262.5 -> 262). */
export function centerCropOffset(length: number, size: number): number {
  const twice = length - size; // the offset is twice / 2, so the only possible fraction is .5
  const half = Math.floor(twice / 2);
  if (twice % 2 === 0) return half;
  return half % 2 === 0 ? half : half + 1;
}

/**
 * Resize as Pillow would for this image's mode, computing only the centre crop window.
 * Returns size x size interleaved pixels with the decoded channel count.
 */
function resizeAndCrop(image: DecodedImage, size: number): Uint8Array {
  const { data, width, height, channels, kind } = image;
  const target = resizedDimensions(width, height, size);
  const window: OutputWindow = {
    x: centerCropOffset(target.width, size),
    y: centerCropOffset(target.height, size),
    width: size,
    height: size,
  };
  // Pillow returns a plain copy when the size is unchanged: no resampling and no premultiply round trip.
  if (target.width === width && target.height === height) {
    return resizeBicubicWindowFast(data, width, height, channels, width, height, window);
  }
  if (kind === 'nearest') {
    return resizeNearestWindow(data, width, height, channels, target.width, target.height, window);
  }
  if (kind === 'bicubic-premultiplied') {
    premultiplyAlpha(data, channels); // in place: `data` is our own decode buffer
    const crop = resizeBicubicWindowFast(data, width, height, channels, target.width, target.height, window);
    unpremultiplyAlpha(crop, channels);
    return crop;
  }
  return resizeBicubicWindowFast(data, width, height, channels, target.width, target.height, window);
}

/**
 * Per channel, the float32 value for each of the 256 byte values, computed as torch does in float32:
 * (float32(v / 255) - float32(mean)) / float32(std). With doubles rounded to float32 after every
 * operation this is exact float32 arithmetic (double has more than 2*24+2 bits, so no double rounding).
 */
function buildNormalizationTable(config: ClipImageConfig): Float32Array {
  const table = new Float32Array(3 * 256);
  for (let c = 0; c < 3; c++) {
    const mean = Math.fround(config.mean[c]);
    const std = Math.fround(config.std[c]);
    for (let v = 0; v < 256; v++) {
      const x = Math.fround(v / 255);
      table[c * 256 + v] = Math.fround(Math.fround(x - mean) / std);
    }
  }
  return table;
}

/** Keyed by the statistics themselves (not the config object), so a mutated config is never stale. */
const normalizationTables = new Map<string, Float32Array>();

function normalizationTable(config: ClipImageConfig): Float32Array {
  const key = [...config.mean, ...config.std].join(',');
  let table = normalizationTables.get(key);
  if (!table) {
    table = buildNormalizationTable(config);
    normalizationTables.set(key, table);
  }
  return table;
}

/**
 * HWC uint8 crop -> CHW normalised float32. `convert('RGB')` happens here: grey is replicated to
 * all three channels and alpha is dropped without compositing, as Pillow does.
 */
function writeNormalizedChw(
  crop: Uint8Array,
  channels: number,
  size: number,
  table: Float32Array,
  target: Float32Array,
  offset: number,
): void {
  const plane = size * size;
  const grey = channels < 3;
  for (let c = 0; c < 3; c++) {
    const lut = table.subarray(c * 256, c * 256 + 256);
    const src = grey ? 0 : c;
    const out = offset + c * plane;
    for (let i = 0, p = src; i < plane; i++, p += channels) target[out + i] = lut[crop[p]];
  }
}

function checkedSize(config: ClipImageConfig): number {
  const size = config.imageSize;
  if (!Number.isInteger(size) || size <= 0) throw new RangeError(`invalid imageSize ${size}`);
  return size;
}
