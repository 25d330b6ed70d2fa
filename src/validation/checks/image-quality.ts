import sharp from '../../common/sharp';
import type { CheckResult } from './check-result';

export interface ImageQualityThresholds {
  /** Shorter side below this many pixels: too small to judge. */
  minSide: number;
  /** Mean luminance (0–255) below this: too dark. */
  minBrightness: number;
  /** Standard deviation of the Laplacian (on a 512 px greyscale copy) below this: too blurry. */
  minSharpness: number;
}

export const DEFAULT_IMAGE_QUALITY: ImageQualityThresholds = { minSide: 200, minBrightness: 35, minSharpness: 6 };

export interface ImageQualityMeasures {
  width: number;
  height: number;
  brightness: number;
  sharpness: number;
}

const ANALYSIS_SIDE = 512;

/**
 * Measures what decides whether a person (or the model) can judge a photo: size, brightness and
 * sharpness. Sharpness is the spread of a Laplacian filter's response, the usual focus measure:
 * edges answer strongly, a blurred image hardly at all. Measured on a fixed-size greyscale copy so
 * the numbers do not depend on the upload's resolution.
 */
export async function measureImageQuality(image: Buffer): Promise<ImageQualityMeasures> {
  const oriented = sharp(image, { failOn: 'error' }).rotate();
  const { width = 0, height = 0, orientation } = await sharp(image).metadata();
  const [w, h] = orientation && orientation >= 5 ? [height, width] : [width, height];
  const { data, info } = await oriented
    .clone()
    .greyscale()
    .resize(ANALYSIS_SIDE, ANALYSIS_SIDE, { fit: 'inside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    width: w,
    height: h,
    brightness: mean(data),
    sharpness: laplacianSpread(data, info.width, info.height, info.channels),
  };
}

function mean(pixels: Uint8Array): number {
  let sum = 0;
  for (const value of pixels) sum += value;
  return pixels.length === 0 ? 0 : sum / pixels.length;
}

/** Standard deviation of the 4-neighbour Laplacian over the interior pixels of a greyscale image. */
function laplacianSpread(pixels: Uint8Array, width: number, height: number, channels: number): number {
  let sum = 0;
  let sumOfSquares = 0;
  let count = 0;
  const at = (x: number, y: number) => pixels[(y * width + x) * channels];
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const response = at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4 * at(x, y);
      sum += response;
      sumOfSquares += response * response;
      count += 1;
    }
  }
  if (count === 0) return 0;
  const average = sum / count;
  return Math.sqrt(Math.max(0, sumOfSquares / count - average * average));
}

export function judgeImageQuality(
  photoId: string,
  measures: ImageQualityMeasures,
  thresholds: ImageQualityThresholds = DEFAULT_IMAGE_QUALITY,
): CheckResult {
  const problems: string[] = [];
  const ratios: number[] = [];
  const shortSide = Math.min(measures.width, measures.height);
  if (shortSide < thresholds.minSide) {
    problems.push(`too small (${measures.width}×${measures.height} px)`);
    ratios.push(shortSide / thresholds.minSide);
  }
  if (measures.brightness < thresholds.minBrightness) {
    problems.push(`too dark (mean brightness ${Math.round(measures.brightness)} of 255)`);
    ratios.push(measures.brightness / thresholds.minBrightness);
  }
  if (measures.sharpness < thresholds.minSharpness) {
    problems.push(`too blurry (sharpness ${measures.sharpness.toFixed(1)})`);
    ratios.push(measures.sharpness / thresholds.minSharpness);
  }
  const flagged = problems.length > 0;
  // Score: how far below the worst threshold the photo is (1 = nothing to see, 0 = fine).
  const score = flagged ? Math.min(1, Math.max(0, 1 - Math.min(...ratios))) : 0;
  return {
    kind: 'unusable_image',
    photoId,
    score,
    confidence: 1,
    flagged,
    uncertain: false,
    severity: flagged ? 'medium' : 'info',
    reason: flagged ? `The photo cannot be judged: ${problems.join(', ')}.` : 'The photo is usable.',
    evidence: { ...measures, thresholds },
  };
}
