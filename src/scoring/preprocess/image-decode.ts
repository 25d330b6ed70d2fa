/**
 * Decoding with sharp into raw pixels, plus the facts about the image that decide how Pillow would
 * treat it (which resize filter, whether alpha is premultiplied). sharp only decodes here: no
 * resizing, no colour management, so the pixels equal what Pillow's decoders produce.
 */
import sharp from '../../common/sharp';

/** How Pillow resizes an image of this kind (it depends on the mode Pillow opens it in). */
export type ResampleKind =
  /** L / RGB: bicubic on the stored values; any alpha channel here is a PNG tRNS key Pillow ignores. */
  | 'bicubic'
  /** LA / RGBA: premultiply, bicubic on all channels, un-premultiply. */
  | 'bicubic-premultiplied'
  /** P (palette) and 1 (bilevel): Pillow forces NEAREST whatever filter was asked for. */
  | 'nearest';

export interface DecodedImage {
  /** Interleaved uint8 pixels, `channels` per pixel. */
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA. */
  readonly channels: number;
  readonly kind: ResampleKind;
}

export interface DecodeOptions {
  /** Apply the EXIF orientation. Pillow's `Image.open` (and so OpenAI's reference) does not. */
  readonly autoOrient: boolean;
}

/** PNG colour types from the IHDR chunk. */
const PNG_GREY = 0;
const PNG_PALETTE = 3;
const PNG_GREY_ALPHA = 4;
const PNG_RGB_ALPHA = 6;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngHeader {
  readonly bitDepth: number;
  readonly colourType: number;
}

/**
 * IHDR is always the first chunk, at a fixed offset. Needed because sharp reports a tRNS key as a
 * real alpha channel, while Pillow opens such PNGs as plain L/RGB (and never premultiplies them).
 */
export function readPngHeader(input: Buffer): PngHeader | null {
  if (input.length < 26 || !input.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (input.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { bitDepth: input[24], colourType: input[25] };
}

/** Mirror Pillow's mode choice: palette/bilevel images resize NEAREST, LA/RGBA premultiply. */
function resampleKindFor(input: Buffer, meta: sharp.Metadata): ResampleKind {
  const png = meta.format === 'png' ? readPngHeader(input) : null;
  if (png) {
    if (png.colourType === PNG_PALETTE) return 'nearest';
    if (png.colourType === PNG_GREY && png.bitDepth === 1) return 'nearest'; // Pillow mode "1"
    if (png.colourType === PNG_GREY_ALPHA || png.colourType === PNG_RGB_ALPHA) return 'bicubic-premultiplied';
    return 'bicubic';
  }
  if (meta.isPalette) return 'nearest'; // GIF and other palette formats open as "P" in Pillow
  return meta.hasAlpha ? 'bicubic-premultiplied' : 'bicubic';
}

/**
 * Decode to raw interleaved pixels.
 *
 * - `ignoreIcc`: Pillow does not colour-manage, so an embedded profile (Display P3 on phones) must
 *   not be applied either.
 * - `failOn: 'truncated'`: reject truncated files as Pillow does, but accept the minor libjpeg
 *   warnings that Pillow also accepts.
 * - `sequentialRead`: the whole image is decoded top to bottom once, so libvips needs no random
 *   access cache (~20% less decode time on a 1024x768 JPEG).
 * - Grey images without alpha are kept as one channel (3x less resampling work); grey with alpha
 *   comes out as RGBA with equal colour channels, which resamples to the same values as LA.
 */
export async function decodeImage(input: Buffer, options: DecodeOptions): Promise<DecodedImage> {
  const image = sharp(input, {
    ignoreIcc: true,
    failOn: 'truncated',
    autoOrient: options.autoOrient,
    sequentialRead: true,
  });
  const meta = await image.metadata();
  const pilKind = resampleKindFor(input, meta);
  if (meta.space === 'b-w' && !meta.hasAlpha) image.toColourspace('b-w');
  const { data, info } = await image.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const channels = info.channels;
  if (channels < 1 || channels > 4 || data.length !== info.width * info.height * channels) {
    throw new Error(`unexpected decoded layout: ${info.width}x${info.height}x${channels}, ${data.length} bytes`);
  }
  // Premultiplying needs an alpha channel to be there (defensive: it always is when sharp reports alpha).
  const kind = pilKind === 'bicubic-premultiplied' && channels % 2 === 1 ? 'bicubic' : pilKind;
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  return { data: pixels, width: info.width, height: info.height, channels, kind };
}
