import sharp from 'sharp';

/**
 * 64-bit difference hash (dHash) as 16 hex digits: the auto-oriented image in greyscale, resized to
 * 9×8, one bit per horizontally adjacent pixel pair (left brighter than right). Robust to scaling,
 * recompression and small colour changes; the Hamming distance between two hashes measures how alike
 * two photos look (≤ 10 of 64 bits: near-duplicates).
 */
export async function differenceHash(image: sharp.Sharp): Promise<string> {
  const pixels = await image.clone().greyscale().resize(9, 8, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
  let hash = 0n;
  for (let row = 0; row < 8; row += 1) {
    for (let column = 0; column < 8; column += 1) {
      hash = (hash << 1n) | (pixels[row * 9 + column] > pixels[row * 9 + column + 1] ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
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
