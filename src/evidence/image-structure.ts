import { inflateSync } from 'node:zlib';
import type { PhotoKind } from './image-sniffer';

/**
 * Polyglot detection by structure: the container is walked (JPEG segments, PNG chunks, WebP RIFF
 * chunks, HEIF/AVIF boxes) and only the places where text can hide are searched — comments, APPn
 * segments, text and metadata chunks, and whatever follows the image's end. Entropy-coded image
 * data (JPEG scans, IDAT, VP8, mdat) is never searched: compressed bytes are random-looking and
 * contain any short string by chance (a 20 MB photo holds "<svg" a few percent of the time).
 * One pass over the file, linear in its size.
 */
export interface StructureReport {
  /** Why the file is refused, when it is. */
  readonly problem?: string;
}

const MARKUP = ['<script', '<html', '<?php', '<svg', '<!doctype html', '<iframe', '<object', '<embed', 'javascript:'];
const CONTAINERS: Array<[Buffer, string]> = [
  [Buffer.from([0x50, 0x4b, 0x03, 0x04]), 'a ZIP archive'],
  [Buffer.from([0x50, 0x4b, 0x05, 0x06]), 'a ZIP archive'],
  [Buffer.from('%PDF'), 'a PDF'],
  [Buffer.from('Rar!'), 'a RAR archive'],
  [Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), 'a 7z archive'],
  [Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'an ELF executable'],
];

/** Markup or another container's signature in `region` (metadata or trailing bytes), named. */
export function foreignContent(region: Buffer): string | undefined {
  if (region.length === 0) return undefined;
  const lower = region.toString('latin1').toLowerCase();
  for (const marker of MARKUP) if (lower.includes(marker)) return `markup ("${marker}")`;
  for (const [signature, what] of CONTAINERS) if (region.includes(signature)) return what;
  return undefined;
}

function inSegment(what: string, where: string): string {
  return `embeds ${what} in its ${where} (polyglot), which is not accepted`;
}

function appended(what: string): string {
  return `has ${what} appended after the end of the image (polyglot), which is not accepted`;
}

interface Walk {
  /** Offset just past the image (EOI, IEND, RIFF end, last box); undefined when the file ends first. */
  readonly end: number | undefined;
  readonly problem?: string;
}

const SOI = Buffer.from([0xff, 0xd8, 0xff]);

/** An EXIF APP1 segment without its embedded thumbnail (a small JPEG: entropy-coded data). */
function exifWithoutThumbnail(payload: Buffer): Buffer[] {
  const start = payload.indexOf(SOI);
  if (start < 0) return [payload];
  const end = payload.lastIndexOf(Buffer.from([0xff, 0xd9]));
  return end > start ? [payload.subarray(0, start), payload.subarray(end + 2)] : [payload.subarray(0, start)];
}

function walkJpeg(buffer: Buffer, base = 0): Walk {
  let offset = base + 2;
  let scans = 0;
  let entropyBytes = 0;
  for (;;) {
    if (offset + 2 > buffer.length) return { end: undefined };
    if (buffer[offset] !== 0xff) return { end: undefined };
    const marker = buffer[offset + 1];
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0xd9) {
      if (scans === 0 || entropyBytes === 0)
        return { end: offset + 2, problem: 'is truncated: it holds no image data (no scan data before its end)' };
      return { end: offset + 2 };
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      offset += 2;
      continue;
    }
    if (offset + 4 > buffer.length) return { end: undefined };
    const length = buffer.readUInt16BE(offset + 2);
    const segmentEnd = offset + 2 + length;
    if (length < 2 || segmentEnd > buffer.length) return { end: undefined };
    const payload = buffer.subarray(offset + 4, segmentEnd);
    if (marker === 0xfe || (marker >= 0xe0 && marker <= 0xef)) {
      const where = marker === 0xfe ? 'JPEG comment (COM) segment' : `JPEG APP${marker - 0xe0} segment`;
      const isExif = marker === 0xe1 && payload.subarray(0, 6).toString('latin1') === 'Exif\0\0';
      for (const part of isExif ? exifWithoutThumbnail(payload) : [payload]) {
        const found = foreignContent(part);
        if (found) return { end: undefined, problem: inSegment(found, where) };
      }
    }
    offset = segmentEnd;
    if (marker !== 0xda) continue;
    // Entropy-coded data after start-of-scan: jump from 0xFF to 0xFF, never reading the bytes between.
    scans += 1;
    let index = offset;
    for (;;) {
      index = buffer.indexOf(0xff, index);
      if (index < 0 || index + 1 >= buffer.length) return { end: undefined };
      const next = buffer[index + 1];
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7) || next === 0xff) {
        index += next === 0xff ? 1 : 2;
        continue;
      }
      break; // a marker: EOI, or the segments before the next scan (progressive JPEG)
    }
    entropyBytes += index - offset;
    offset = index;
  }
}

function walkPng(buffer: Buffer): Walk {
  let offset = 8;
  while (offset + 12 <= buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.subarray(offset + 4, offset + 8).toString('latin1');
    const dataEnd = offset + 8 + length;
    if (dataEnd + 4 > buffer.length) return { end: undefined };
    if (type === 'IEND') return { end: dataEnd + 4 };
    if (type !== 'IDAT' && type !== 'fdAT') {
      const data = buffer.subarray(offset + 8, dataEnd);
      const regions = [data];
      if (type === 'zTXt' || type === 'iTXt') {
        const inflated = inflateText(type, data);
        if (inflated) regions.push(inflated);
      }
      for (const region of regions) {
        const found = foreignContent(region);
        if (found) return { end: undefined, problem: inSegment(found, `PNG ${type} chunk`) };
      }
    }
    offset = dataEnd + 4;
  }
  return { end: undefined };
}

const TEXT_INFLATE_LIMIT = 1024 * 1024;

/** The compressed text of a zTXt / compressed iTXt chunk (capped: a text bomb is not inflated further). */
function inflateText(type: string, data: Buffer): Buffer | undefined {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 0) return undefined;
  let start: number;
  if (type === 'zTXt') start = keywordEnd + 2;
  else {
    if (data[keywordEnd + 1] !== 1) return undefined; // iTXt, uncompressed: already searched raw
    const languageEnd = data.indexOf(0, keywordEnd + 3);
    const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
    if (translatedEnd < 0) return undefined;
    start = translatedEnd + 1;
  }
  try {
    return inflateSync(data.subarray(start), { maxOutputLength: TEXT_INFLATE_LIMIT });
  } catch {
    return undefined;
  }
}

const WEBP_IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'ALPH', 'ANMF']);

function walkWebp(buffer: Buffer): Walk {
  const riffEnd = 8 + buffer.readUInt32LE(4);
  if (riffEnd > buffer.length) return { end: undefined };
  let offset = 12;
  while (offset + 8 <= riffEnd) {
    const type = buffer.subarray(offset, offset + 4).toString('latin1');
    const size = buffer.readUInt32LE(offset + 4);
    const dataEnd = offset + 8 + size;
    if (dataEnd > riffEnd) return { end: undefined };
    if (!WEBP_IMAGE_CHUNKS.has(type)) {
      const found = foreignContent(buffer.subarray(offset + 8, dataEnd));
      if (found) return { end: undefined, problem: inSegment(found, `WebP ${type.trim()} chunk`) };
    }
    offset = dataEnd + (size % 2);
  }
  return { end: riffEnd };
}

/** ISO BMFF boxes (HEIC, AVIF; also an MP4 after a motion photo): media data is not searched. */
function walkBoxes(buffer: Buffer, start: number, limit: number, depth = 0): Walk {
  let offset = start;
  while (offset + 8 <= limit) {
    let size = buffer.readUInt32BE(offset);
    const type = buffer.subarray(offset + 4, offset + 8).toString('latin1');
    let header = 8;
    if (size === 1) {
      if (offset + 16 > limit) return { end: undefined };
      const large = buffer.readBigUInt64BE(offset + 8);
      if (large > BigInt(limit - offset)) return { end: undefined };
      size = Number(large);
      header = 16;
    } else if (size === 0) size = limit - offset;
    if (size < header || offset + size > limit) return { end: undefined };
    const boxEnd = offset + size;
    if (type === 'meta' && depth === 0) {
      // A full box (version and flags), then child boxes; its idat child holds image data.
      const inner = walkBoxes(buffer, offset + header + 4, boxEnd, depth + 1);
      if (inner.problem) return inner;
    } else if (type !== 'mdat' && type !== 'idat' && type !== 'moof' && type !== 'moov') {
      const found = foreignContent(buffer.subarray(offset + header, boxEnd));
      if (found) return { end: undefined, problem: inSegment(found, `"${type.replace(/[^\x20-\x7e]/g, '?')}" box`) };
    }
    offset = boxEnd;
  }
  return { end: offset === limit ? limit : undefined };
}

/** Bytes after the image: further embedded JPEGs (MPF, gain maps) and MP4s (motion photos) are walked too. */
function checkTrailing(buffer: Buffer, end: number): string | undefined {
  let offset = end;
  for (let guard = 0; guard < 64 && offset < buffer.length; guard += 1) {
    const rest = buffer.subarray(offset);
    if (rest.subarray(0, 3).equals(SOI)) {
      const inner = walkJpeg(rest);
      if (inner.problem && !inner.problem.startsWith('is truncated')) return inner.problem;
      if (inner.end === undefined) break;
      offset += inner.end;
      continue;
    }
    if (rest.length >= 8 && rest.subarray(4, 8).toString('latin1') === 'ftyp') {
      const inner = walkBoxes(rest, 0, rest.length);
      if (inner.problem) return inner.problem;
      if (inner.end === undefined) break;
      offset += inner.end;
      continue;
    }
    break;
  }
  const found = foreignContent(buffer.subarray(offset));
  return found ? appended(found) : undefined;
}

/** Why a file whose magic bytes say `kind` is refused on structure (polyglot, no image data), or nothing. */
export function structuralProblem(buffer: Buffer, kind: PhotoKind): string | undefined {
  let walk: Walk;
  switch (kind) {
    case 'jpeg':
      walk = walkJpeg(buffer);
      break;
    case 'png':
      walk = walkPng(buffer);
      break;
    case 'webp':
      walk = buffer.length >= 12 ? walkWebp(buffer) : { end: undefined };
      break;
    case 'heic':
    case 'avif':
      walk = walkBoxes(buffer, 0, buffer.length);
      break;
  }
  if (walk.problem) return walk.problem;
  // A file that ends before its structure does is for the decoder to judge (truncated).
  if (walk.end === undefined || walk.end >= buffer.length) return undefined;
  return checkTrailing(buffer, walk.end);
}
