/**
 * The 0x80–0x9F block of Windows-1252, in the "sloppy" form ftfy and Python's html module use:
 * the five bytes Windows leaves unassigned (81, 8D, 8F, 90, 9D) stand for the C1 control
 * character with the same number instead of being an error. Bytes 0x00–0x7F and 0xA0–0xFF
 * are the same as Latin-1 and are not listed.
 */
const WINDOWS_1252_HIGH_CONTROL_BLOCK: readonly number[] = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
];

const BYTE_OF_WINDOWS_1252_SYMBOL = new Map<number, number>(
  WINDOWS_1252_HIGH_CONTROL_BLOCK.map((codePoint, offset) => [codePoint, 0x80 + offset]),
);

/** The character a byte 0x80–0x9F stands for in sloppy Windows-1252 (a C1 control stays itself). */
export function windows1252CharForC1Byte(byte: number): string {
  return String.fromCharCode(WINDOWS_1252_HIGH_CONTROL_BLOCK[byte - 0x80]);
}

/**
 * The single byte that a mis-decoder would have turned into this UTF-16 code unit, reading the
 * bytes as Latin-1 or as sloppy Windows-1252 (ftfy tries both), or -1 when neither could have
 * produced it.
 */
export function singleByteOf(codeUnit: number): number {
  if (codeUnit < 0x100) return codeUnit;
  return BYTE_OF_WINDOWS_1252_SYMBOL.get(codeUnit) ?? -1;
}
