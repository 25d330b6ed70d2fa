import { PayloadTooLargeException, UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import exifr from 'exifr';
import sharp from '../common/sharp';
import { PHOTO_MIME, SHARP_FORMAT, polyglotReason, sniffImage, type PhotoKind } from './image-sniffer';
import { cropHashes, differenceHash } from './perceptual-hash';
import type { PhotoExif } from '../claims/photo.entity';

export interface PhotoLimits {
  readonly maxBytes: number;
  readonly maxPixels: number;
  readonly minSide: number;
}

export interface GpsPosition {
  latitude: number;
  longitude: number;
  altitude?: number;
}

/** A photo that passed every check, with what is stored of it (nothing here is written yet). */
export interface InspectedPhoto {
  readonly fileName: string;
  readonly kind: PhotoKind;
  readonly mime: string;
  readonly byteSize: number;
  readonly sha256: string;
  readonly perceptualHash: string;
  /** dHashes of crops, to recognise cropped copies (see cropHashes). */
  readonly cropHashes: string[];
  /** After EXIF orientation. */
  readonly width: number;
  readonly height: number;
  readonly exif: PhotoExif;
  /** Personal data: only ever stored sealed with the photo's data key. */
  readonly gps: GpsPosition | null;
  readonly original: Buffer;
  /** Auto-oriented JPEG, longest side at most 1024, no metadata. */
  readonly preview: Buffer;
  /** Auto-oriented JPEG, longest side at most 256, no metadata. */
  readonly thumbnail: Buffer;
}

export const PREVIEW_SIDE = 1024;
export const THUMBNAIL_SIDE = 256;
export const DERIVED_MIME = 'image/jpeg';

/** A refused photo: 422 `photo "<name>": <reason>`. */
export class PhotoRejected extends UnprocessableEntityException {
  constructor(
    readonly fileName: string,
    readonly reason: string,
  ) {
    super(`photo "${fileName}": ${reason}`);
  }
}

/** A photo over PHOTO_MAX_BYTES: 413 `photo "<name>": ...`. */
export class PhotoTooLarge extends PayloadTooLargeException {
  constructor(fileName: string, maxBytes: number) {
    super(`photo "${fileName}": is larger than the limit of ${maxBytes} bytes (PHOTO_MAX_BYTES)`);
  }
}

const TEXT_FIELD_MAX = 100;

function cleanText(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // eslint-disable-next-line no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim();
  return text ? text.slice(0, TEXT_FIELD_MAX) : undefined;
}

function captureTimeOf(raw: unknown, offset: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const match = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(raw.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const local = `${year}-${month}-${day}T${hour}:${minute}:${second}`;
  if (Number.isNaN(Date.parse(`${local}Z`))) return undefined;
  return typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? `${local}${offset.trim()}` : local;
}

async function readExif(buffer: Buffer): Promise<{ exif: PhotoExif; gps: GpsPosition | null }> {
  let tags: Record<string, unknown> | undefined;
  try {
    tags = (await exifr.parse(buffer, {
      tiff: true,
      ifd0: true,
      exif: true,
      gps: true,
      ifd1: false,
      interop: false,
      xmp: false,
      icc: false,
      iptc: false,
      jfif: false,
      ihdr: false,
      makerNote: false,
      userComment: false,
      reviveValues: false,
      translateValues: false,
      mergeOutput: true,
    } as never)) as Record<string, unknown> | undefined;
  } catch {
    tags = undefined; // unreadable EXIF is not a reason to refuse a photo that decodes; it simply has none
  }
  let gps: GpsPosition | null = null;
  try {
    const position = (await exifr.gps(buffer)) as { latitude?: unknown; longitude?: unknown } | undefined;
    if (
      position &&
      typeof position.latitude === 'number' &&
      typeof position.longitude === 'number' &&
      Number.isFinite(position.latitude) &&
      Number.isFinite(position.longitude)
    ) {
      gps = { latitude: position.latitude, longitude: position.longitude };
      const altitude = tags?.GPSAltitude;
      if (typeof altitude === 'number' && Number.isFinite(altitude)) gps.altitude = altitude;
    }
  } catch {
    gps = null;
  }
  const exif: PhotoExif = {};
  const captureTime = captureTimeOf(tags?.DateTimeOriginal ?? tags?.CreateDate, tags?.OffsetTimeOriginal);
  if (captureTime) exif.captureTime = captureTime;
  const make = cleanText(tags?.Make);
  if (make) exif.make = make;
  const model = cleanText(tags?.Model);
  if (model) exif.model = model;
  const software = cleanText(tags?.Software);
  if (software) exif.software = software;
  exif.hasGps = gps !== null;
  return { exif, gps };
}

function decodeFailure(error: unknown): string {
  const message = error instanceof Error ? error.message.toLowerCase() : '';
  if (message.includes('pixel limit')) return 'has more pixels than PHOTO_MAX_PIXELS allows';
  if (
    message.includes('truncat') ||
    message.includes('premature end') ||
    message.includes('unexpected end') ||
    message.includes('not enough data')
  )
    return 'is truncated: the image data ends early';
  if (message.includes('unsupported') || message.includes('no decoder') || message.includes('compression format'))
    return 'uses an encoding this service cannot decode';
  return 'is corrupt: it cannot be decoded as an image';
}

/** A photo whose header passed every check: its kind and declared size, before any pixel is decoded. */
export interface PreflightedPhoto {
  readonly fileName: string;
  readonly buffer: Buffer;
  readonly kind: PhotoKind;
  readonly rawWidth: number;
  readonly rawHeight: number;
  readonly orientation: number;
}

/**
 * The cheap checks, from bytes and header only: kind by magic bytes, structure (polyglots, no image
 * data), dimensions against the limits (before any decoding, against decompression bombs).
 */
export async function preflightPhoto(fileName: string, buffer: Buffer, limits: PhotoLimits): Promise<PreflightedPhoto> {
  if (buffer.length > limits.maxBytes) throw new PhotoTooLarge(fileName, limits.maxBytes);
  const sniffed = sniffImage(buffer);
  if (!sniffed.ok) throw new PhotoRejected(fileName, sniffed.reason);
  const kind = sniffed.kind;
  const polyglot = polyglotReason(buffer, kind);
  if (polyglot) throw new PhotoRejected(fileName, polyglot);

  let metadata: sharp.Metadata;
  try {
    // Header only (no pixels decoded), so the dimensions can be judged and named before any decoding.
    metadata = await sharp(buffer, { failOn: 'error', limitInputPixels: false }).metadata();
  } catch (error) {
    throw new PhotoRejected(fileName, decodeFailure(error));
  }
  if (metadata.format !== SHARP_FORMAT[kind])
    throw new PhotoRejected(
      fileName,
      `starts like ${kind.toUpperCase()} but its content is not (${String(metadata.format)})`,
    );
  const rawWidth = metadata.width ?? 0;
  const rawHeight = metadata.height ?? 0;
  if (rawWidth <= 0 || rawHeight <= 0) throw new PhotoRejected(fileName, 'has no readable dimensions');
  if (rawWidth * rawHeight > limits.maxPixels) {
    throw new PhotoRejected(
      fileName,
      `is ${rawWidth}×${rawHeight} pixels, more than the limit of ${limits.maxPixels} pixels (PHOTO_MAX_PIXELS)`,
    );
  }
  if (Math.min(rawWidth, rawHeight) < limits.minSide) {
    throw new PhotoRejected(
      fileName,
      `is ${rawWidth}×${rawHeight} pixels; the smallest accepted side is ${limits.minSide} pixels (PHOTO_MIN_SIDE)`,
    );
  }
  return { fileName, buffer, kind, rawWidth, rawHeight, orientation: metadata.orientation ?? 1 };
}

/** A decoder warning that means image data is missing: refused, never filled in with grey. */
const MISSING_DATA = /premature end|truncat|unexpected end|not enough data|missing|incomplete/i;

/**
 * Decodes every pixel once with the strictest setting (`failOn: 'warning'`), which also stops early
 * on a file that holds less data than its header declares. A warning that means missing data refuses
 * the photo; any other warning (e.g. extraneous bytes, common in camera files) falls back to
 * `failOn: 'error'`, as before.
 */
async function decodeStrictly(fileName: string, buffer: Buffer, limits: PhotoLimits): Promise<void> {
  try {
    await sharp(buffer, { limitInputPixels: limits.maxPixels, failOn: 'warning', sequentialRead: true }).stats();
    return;
  } catch (error) {
    const message = error instanceof Error ? error.message : '';
    if (MISSING_DATA.test(message)) throw new PhotoRejected(fileName, 'is truncated: the image data ends early');
  }
  try {
    await sharp(buffer, { limitInputPixels: limits.maxPixels, failOn: 'error', sequentialRead: true }).stats();
  } catch (error) {
    throw new PhotoRejected(fileName, decodeFailure(error));
  }
}

/**
 * Everything that decides whether bytes are an acceptable photo, in memory: the preflight checks,
 * then a full decode with sharp (see decodeStrictly, `limitInputPixels`), then the hashes, EXIF, and
 * the metadata-free auto-oriented preview and thumbnail.
 */
export async function inspectPhoto(fileName: string, buffer: Buffer, limits: PhotoLimits): Promise<InspectedPhoto> {
  return decodePhoto(await preflightPhoto(fileName, buffer, limits), limits);
}

/** The costly part (decode, hashes, derived images) of a preflighted photo. */
export async function decodePhoto(photo: PreflightedPhoto, limits: PhotoLimits): Promise<InspectedPhoto> {
  const { fileName, buffer, kind, rawWidth, rawHeight } = photo;
  const options: sharp.SharpOptions = { limitInputPixels: limits.maxPixels, failOn: 'error', sequentialRead: true };
  const swapped = photo.orientation >= 5;
  const width = swapped ? rawHeight : rawWidth;
  const height = swapped ? rawWidth : rawHeight;
  // A full decode of every pixel: truncation or corruption anywhere in the file fails here.
  await decodeStrictly(fileName, buffer, limits);

  let preview: Buffer;
  let thumbnail: Buffer;
  let perceptualHash: string;
  let crops: string[];
  try {
    const base = sharp(buffer, options);
    const oriented = base.clone().rotate();
    perceptualHash = await differenceHash(oriented);
    crops = await cropHashes(oriented);
    preview = await oriented
      .clone()
      .resize({ width: PREVIEW_SIDE, height: PREVIEW_SIDE, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 85 })
      .toBuffer();
    thumbnail = await sharp(preview, { failOn: 'error' })
      .resize({ width: THUMBNAIL_SIDE, height: THUMBNAIL_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 80 })
      .toBuffer();
  } catch (error) {
    throw new PhotoRejected(fileName, decodeFailure(error));
  }
  const { exif, gps } = await readExif(buffer);
  return {
    fileName,
    kind,
    mime: PHOTO_MIME[kind],
    byteSize: buffer.length,
    sha256: createHash('sha256').update(buffer).digest('hex'),
    perceptualHash,
    cropHashes: crops,
    width,
    height,
    exif,
    gps,
    original: buffer,
    preview,
    thumbnail,
  };
}
