import sharp from 'sharp';

/** A small deterministic PRNG (xorshift32), so generated files are the same on every run. */
export function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

/** The JPEG's segments up to and including its (first) start-of-scan header, and where they end. */
export function jpegHeaderThroughSos(jpeg: Buffer): Buffer {
  let offset = 2;
  while (offset + 4 <= jpeg.length) {
    const marker = jpeg[offset + 1];
    const length = jpeg.readUInt16BE(offset + 2);
    offset += 2 + length;
    if (marker === 0xda) return Buffer.from(jpeg.subarray(0, offset));
  }
  throw new Error('no start-of-scan');
}

/** Sets the dimensions declared in a baseline/progressive JPEG's SOF segment (in place). */
export function declareJpegSize(header: Buffer, width: number, height: number): Buffer {
  let offset = 2;
  while (offset + 4 <= header.length) {
    const marker = header[offset + 1];
    if (marker === 0xc0 || marker === 0xc2) {
      header.writeUInt16BE(height, offset + 5);
      header.writeUInt16BE(width, offset + 7);
      return header;
    }
    offset += 2 + header.readUInt16BE(offset + 2);
  }
  throw new Error('no SOF');
}

/**
 * The attack file of finding 2/3: a JPEG of a few hundred bytes whose header declares 7000×7000 and
 * which holds no scan data (start-of-scan, then end-of-image). libjpeg fills it with grey.
 */
export async function hollowJpeg(width = 7000, height = 7000): Promise<Buffer> {
  const small = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#808080' } })
    .jpeg({ quality: 50 })
    .toBuffer();
  const header = declareJpegSize(jpegHeaderThroughSos(small), width, height);
  return Buffer.concat([header, Buffer.from([0xff, 0xd9])]);
}

/**
 * A JPEG-structured file of `size` bytes whose scan data is random noise (0xFF bytes stuffed as the
 * format requires), as compressed data looks to any byte-level scan. Written into `target` (reused).
 */
export function noiseJpeg(header: Buffer, size: number, next: () => number, target?: Buffer): Buffer {
  const backing = target && target.length >= size ? target : Buffer.alloc(size);
  const words = new Uint32Array(backing.buffer, backing.byteOffset, Math.floor(size / 4));
  for (let index = 0; index < words.length; index += 1) words[index] = next();
  const out = backing.subarray(0, size);
  header.copy(out, 0);
  const end = size - 2;
  // Byte stuffing: every 0xFF in scan data is followed by 0x00.
  for (let index = out.indexOf(0xff, header.length); index >= 0 && index < end; index = out.indexOf(0xff, index + 2)) {
    if (index + 1 < end) out[index + 1] = 0x00;
    else out[index] = 0x00;
  }
  out[end] = 0xff;
  out[end + 1] = 0xd9;
  return out;
}

/** A real, decodable JPEG of random pixels (compressed data is noise-like). */
export async function noisePhoto(width: number, height: number, seed: number): Promise<Buffer> {
  const next = prng(seed);
  const pixels = Buffer.allocUnsafe(width * height * 3);
  for (let index = 0; index < pixels.length; index += 1) pixels[index] = next() & 0xff;
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 92 })
    .toBuffer();
}

/** Where a JPEG's first scan's entropy-coded data starts and ends (EOI excluded). */
export function scanRange(jpeg: Buffer): { start: number; end: number } {
  const start = jpegHeaderThroughSos(jpeg).length;
  return { start, end: jpeg.lastIndexOf(Buffer.from([0xff, 0xd9])) };
}
