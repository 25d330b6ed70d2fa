import sharp from '../common/sharp';

/**
 * 64-bit difference hash (dHash) as 16 hex digits: the auto-oriented image in greyscale, resized to
 * 9×8, one bit per horizontally adjacent pixel pair (left brighter than right). Robust to scaling,
 * recompression and small colour changes; the Hamming distance between two hashes measures how alike
 * two photos look (≤ 10 of 64 bits: near-duplicates).
 */
export async function differenceHash(image: sharp.Sharp): Promise<string> {
  const pixels = await image.clone().greyscale().resize(9, 8, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  return hashOfGrey(pixels);
}

/** Bits that differ between two 64-bit hex hashes. */
export function hammingDistance(a: string, b: string): number {
  let diff = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (diff > 0n) {
    bits += Number(diff & 1n);
    diff >>= 1n;
  }
  return bits;
}

/** Crop windows (fraction of each side) and anchors whose dHashes are kept to recognise cropped copies. */
const CROP_SCALES = [0.9, 0.8];
const CROP_ANCHORS = [0, 0.5, 1];
const CROP_BASE_SIDE = 288;

function hashOfGrey(pixels: Buffer): string {
  let hash = 0n;
  for (let row = 0; row < 8; row += 1) {
    for (let column = 0; column < 8; column += 1) {
      hash = (hash << 1n) | (pixels[row * 9 + column] > pixels[row * 9 + column + 1] ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
}

/**
 * dHashes of 18 crops of the photo (90% and 80% of each side, at the corners, edge middles and
 * centre). A copy cropped by up to ~20% hashes close to one of them, which a single full-frame hash
 * cannot recognise (a 10% corner crop moves the full-frame dHash by ~18 of 64 bits, as far as two
 * different photos of the same scene type). Hashes are not image content: they are stored in clear.
 */
export async function cropHashes(image: sharp.Sharp): Promise<string[]> {
  const { data, info } = await image
    .clone()
    .greyscale()
    .resize(CROP_BASE_SIDE, CROP_BASE_SIDE, { fit: 'inside' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const hashes: string[] = [];
  for (const scale of CROP_SCALES) {
    const width = Math.max(9, Math.round(info.width * scale));
    const height = Math.max(8, Math.round(info.height * scale));
    for (const anchorY of CROP_ANCHORS) {
      for (const anchorX of CROP_ANCHORS) {
        const left = Math.round((info.width - width) * anchorX);
        const top = Math.round((info.height - height) * anchorY);
        const pixels = await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } })
          .extract({ left, top, width, height })
          .resize(9, 8, { fit: 'fill', kernel: 'lanczos3' })
          // Raw single-channel input comes out as sRGB unless told otherwise.
          .greyscale()
          .raw()
          .toBuffer();
        hashes.push(hashOfGrey(pixels));
      }
    }
  }
  return hashes;
}
