import { structuralProblem } from './image-structure';

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

/**
 * Polyglot checks on a file whose magic bytes name an image kind, by walking its structure (see
 * image-structure.ts): markup or archive signatures in comments, metadata and text chunks or after
 * the image's end marker; never in compressed image data. Also refuses a JPEG that holds no scan data.
 */
export function polyglotReason(buffer: Buffer, kind: PhotoKind): string | undefined {
  return structuralProblem(buffer, kind);
}
