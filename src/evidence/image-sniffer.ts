/** Image kinds accepted as photo evidence, decided by magic bytes only. */
export type PhotoKind = 'jpeg' | 'png' | 'webp' | 'heic' | 'avif';

export const PHOTO_MIME: Record<PhotoKind, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heic: 'image/heic',
  avif: 'image/avif',
};

/** The sharp `format` each kind must decode as. */
export const SHARP_FORMAT: Record<PhotoKind, string> = {
  jpeg: 'jpeg',
  png: 'png',
  webp: 'webp',
  heic: 'heif',
  avif: 'heif',
};

export type SniffResult = { ok: true; kind: PhotoKind } | { ok: false; reason: string };

const ACCEPTED = 'photos must be JPEG, PNG, WebP, HEIC or AVIF';

function startsWith(buffer: Buffer, bytes: number[], offset = 0): boolean {
  if (buffer.length < offset + bytes.length) return false;
  return bytes.every((byte, index) => buffer[offset + index] === byte);
}

function ascii(buffer: Buffer, start: number, end: number): string {
  return buffer.subarray(start, Math.min(end, buffer.length)).toString('latin1');
}

const HEIC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

function sniffFtyp(buffer: Buffer): SniffResult | undefined {
  if (ascii(buffer, 4, 8) !== 'ftyp') return undefined;
  const boxSize = buffer.readUInt32BE(0);
  const end = Math.min(buffer.length, boxSize >= 16 ? boxSize : 16, 4096);
  const brands = [ascii(buffer, 8, 12)];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(buffer, offset, offset + 4));
  if (brands.some((brand) => AVIF_BRANDS.has(brand))) return { ok: true, kind: 'avif' };
  if (brands.some((brand) => HEIC_BRANDS.has(brand))) return { ok: true, kind: 'heic' };
  if (brands.includes('mif1') || brands.includes('msf1')) return { ok: true, kind: 'heic' };
  return {
    ok: false,
    reason: `is an ISO media file (brand "${brands[0].replace(/[^\x20-\x7e]/g, '?')}") that is not an image; ${ACCEPTED}`,
  };
}

/**
 * The file's kind from its first bytes (never its name or declared type), or why it is refused,
 * naming what it looks like where that is known (GIF, SVG, HTML, PDF, ZIP, ...).
 */
export function sniffImage(buffer: Buffer): SniffResult {
  if (buffer.length === 0) return { ok: false, reason: 'is empty (0 bytes)' };
  if (startsWith(buffer, [0xff, 0xd8, 0xff])) return { ok: true, kind: 'jpeg' };
  if (startsWith(buffer, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { ok: true, kind: 'png' };
  if (ascii(buffer, 0, 4) === 'RIFF' && ascii(buffer, 8, 12) === 'WEBP') return { ok: true, kind: 'webp' };
  const ftyp = buffer.length >= 12 ? sniffFtyp(buffer) : undefined;
  if (ftyp) return ftyp;
  const head = ascii(buffer, 0, 6);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a'))
    return { ok: false, reason: `is a GIF, which is not accepted; ${ACCEPTED}` };
  if (head.startsWith('BM')) return { ok: false, reason: `is a BMP, which is not accepted; ${ACCEPTED}` };
  if (startsWith(buffer, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buffer, [0x4d, 0x4d, 0x00, 0x2a]))
    return { ok: false, reason: `is a TIFF, which is not accepted; ${ACCEPTED}` };
  if (head.startsWith('%PDF')) return { ok: false, reason: `is a PDF, not an image; ${ACCEPTED}` };
  if (startsWith(buffer, [0x50, 0x4b, 0x03, 0x04]) || startsWith(buffer, [0x50, 0x4b, 0x05, 0x06]))
    return { ok: false, reason: `is a ZIP archive, not an image; ${ACCEPTED}` };
  if (startsWith(buffer, [0x00, 0x00, 0x01, 0x00]))
    return { ok: false, reason: `is an icon (ICO), which is not accepted; ${ACCEPTED}` };
  const text = ascii(buffer, 0, 512)
    .replace(/^\ufeff|^\xef\xbb\xbf/, '')
    .trimStart()
    .toLowerCase();
  if (text.startsWith('<svg') || (text.startsWith('<?xml') && text.includes('<svg')))
    return { ok: false, reason: `is an SVG (markup, may carry scripts), which is not accepted; ${ACCEPTED}` };
  if (text.startsWith('<!doctype html') || text.startsWith('<html') || text.startsWith('<script'))
    return { ok: false, reason: `is HTML, not an image; ${ACCEPTED}` };
  if (text.startsWith('<')) return { ok: false, reason: `is markup (XML or HTML), not an image; ${ACCEPTED}` };
  const sample = buffer.subarray(0, 512);
  const printable = sample.filter(
    (byte) => byte === 0x09 || byte === 0x0a || byte === 0x0d || (byte >= 0x20 && byte < 0x7f),
  ).length;
  if (printable / sample.length > 0.95) return { ok: false, reason: `is text, not an image; ${ACCEPTED}` };
  return { ok: false, reason: `is not a recognised image (unknown content); ${ACCEPTED}` };
}

const MARKUP = ['<script', '<html', '<?php', '<svg', '<!doctype html', '<iframe', '<object', '<embed', 'javascript:'];
const ZIP_END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const ZIP_LOCAL_FILE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OTHER_CONTAINERS: Array<[Buffer, string]> = [
  [ZIP_LOCAL_FILE, 'a ZIP archive'],
  [Buffer.from('%PDF'), 'a PDF'],
  [Buffer.from('Rar!'), 'a RAR archive'],
  [Buffer.from([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]), 'a 7z archive'],
  [Buffer.from([0x7f, 0x45, 0x4c, 0x46]), 'an ELF executable'],
];

/**
 * Polyglot checks on a file that decodes as an image: embedded markup anywhere (an image that is
 * also an HTML page or an SVG), a ZIP end-of-central-directory record near the end (an image that
 * is also a ZIP/JAR/DOCX: ZIP readers look there), or another container right after the image ends.
 * Plain trailing bytes after the image (camera trailers) are tolerated.
 */
export function polyglotReason(buffer: Buffer, kind: PhotoKind): string | undefined {
  const lower = buffer.toString('latin1').toLowerCase();
  for (const marker of MARKUP) {
    if (lower.includes(marker))
      return `embeds markup ("${marker}"): it is also an HTML/SVG/script document (polyglot), which is not accepted`;
  }
  const tail = buffer.subarray(Math.max(0, buffer.length - 65_557));
  if (tail.includes(ZIP_END_OF_CENTRAL_DIRECTORY)) return 'is also a ZIP archive (polyglot), which is not accepted';
  const end = imageEnd(buffer, kind);
  if (end !== undefined && end < buffer.length) {
    const trailing = buffer.subarray(end, Math.min(buffer.length, end + 1024));
    for (const [signature, what] of OTHER_CONTAINERS) {
      if (trailing.includes(signature)) return `has ${what} appended after the image (polyglot), which is not accepted`;
    }
  }
  return undefined;
}

/** Where the image data ends (JPEG: after EOI; PNG: after IEND), when the format makes that clear. */
export function imageEnd(buffer: Buffer, kind: PhotoKind): number | undefined {
  if (kind === 'png') {
    let offset = 8;
    while (offset + 12 <= buffer.length) {
      const length = buffer.readUInt32BE(offset);
      const type = ascii(buffer, offset + 4, offset + 8);
      offset += 12 + length;
      if (type === 'IEND') return Math.min(offset, buffer.length);
    }
    return undefined;
  }
  if (kind === 'jpeg') {
    let offset = 2;
    // Marker segments up to the first start-of-scan.
    while (offset + 4 <= buffer.length) {
      if (buffer[offset] !== 0xff) return undefined;
      const marker = buffer[offset + 1];
      if (marker === 0xff) {
        offset += 1;
        continue;
      }
      if (marker === 0xd9) return offset + 2;
      const length = buffer.readUInt16BE(offset + 2);
      offset += 2 + length;
      if (marker === 0xda) break;
    }
    // Entropy-coded data: the first FF D9 that is not stuffed (FF 00) or a restart marker ends the image.
    for (let index = offset; index + 1 < buffer.length; index += 1) {
      if (buffer[index] !== 0xff) continue;
      const next = buffer[index + 1];
      if (next === 0xd9) return index + 2;
      if (next === 0xda) {
        // Progressive JPEG: another scan header follows; skip its segment.
        if (index + 4 > buffer.length) return undefined;
        index += 1 + buffer.readUInt16BE(index + 2);
      }
    }
    return undefined;
  }
  return undefined;
}
