/**
 * Repair of the most common mojibake: UTF-8 bytes that were decoded as Latin-1 or Windows-1252
 * (`cafÃ©` -> `café`, `â€™` -> `’`, `ðŸš—` -> `🚗`).
 *
 * This follows ftfy's approach (re-encode the suspicious characters as single bytes, decode those
 * as UTF-8, only when the text looks broken) but with a smaller evidence rule of our own instead
 * of ftfy's large "badness" table, and without its rarer repairs (other code pages, lost 0xA0
 * bytes, lossy sequences). See README.md for what that means for exactness.
 */
import { singleByteOf } from './windows-1252';

/** One place where consecutive characters spell a complete, valid UTF-8 multi-byte sequence. */
interface Utf8Sequence {
  start: number;
  length: number;
  decoded: string;
  convincing: boolean;
}

/**
 * Characters that real text often puts right after an accented capital or a lowercase letter:
 * closing quotes, dashes, ellipsis, no-break space, middle dot, soft hyphen, trademark signs.
 * A "sequence" made only of these after its lead (`CAFÉ”`, `blasé…”`, `Fuß“`) is weak evidence.
 */
const CHARACTERS_THAT_FOLLOW_WORDS = new Set('’”»›™®…–—‘“„‚\u00a0´·\u00ad');

/** `Â` and `Ã` (bytes C2, C3) lead the UTF-8 of U+0080–U+00FF and are rare in real text before symbols. */
const STRONG_LEAD_BYTES = new Set([0xc2, 0xc3]);

/** The number of bytes a lead byte announces, and the range its first continuation byte may take. */
function utf8LeadShape(lead: number): { length: number; secondMin: number; secondMax: number } | undefined {
  if (lead >= 0xc2 && lead <= 0xdf) return { length: 2, secondMin: 0x80, secondMax: 0xbf };
  if (lead === 0xe0) return { length: 3, secondMin: 0xa0, secondMax: 0xbf }; // no overlong forms
  if (lead === 0xed) return { length: 3, secondMin: 0x80, secondMax: 0x9f }; // no surrogates
  if (lead >= 0xe1 && lead <= 0xef) return { length: 3, secondMin: 0x80, secondMax: 0xbf };
  if (lead === 0xf0) return { length: 4, secondMin: 0x90, secondMax: 0xbf };
  if (lead >= 0xf1 && lead <= 0xf3) return { length: 4, secondMin: 0x80, secondMax: 0xbf };
  if (lead === 0xf4) return { length: 4, secondMin: 0x80, secondMax: 0x8f }; // nothing past U+10FFFF
  return undefined;
}

function readUtf8Sequence(text: string, bytes: readonly number[], start: number): Utf8Sequence | undefined {
  const shape = utf8LeadShape(bytes[start]);
  if (shape === undefined || start + shape.length > bytes.length) return undefined;
  const second = bytes[start + 1];
  if (second < shape.secondMin || second > shape.secondMax) return undefined;
  let codePoint = bytes[start] & (0xff >> (shape.length + 1));
  for (let offset = 1; offset < shape.length; offset++) {
    const continuation = bytes[start + offset];
    if (continuation < 0x80 || continuation > 0xbf) return undefined;
    codePoint = (codePoint << 6) | (continuation & 0x3f);
  }
  const continuationChars = text.slice(start + 1, start + shape.length);
  const convincing =
    STRONG_LEAD_BYTES.has(bytes[start]) ||
    [...continuationChars].some((char) => !CHARACTERS_THAT_FOLLOW_WORDS.has(char));
  return { start, length: shape.length, decoded: String.fromCodePoint(codePoint), convincing };
}

/** Finds the UTF-8 sequences, and whether every non-ASCII character belongs to one. */
function findUtf8Sequences(text: string): { sequences: Utf8Sequence[]; everythingDecodes: boolean } {
  const bytes = Array.from({ length: text.length }, (_unused, index) => singleByteOf(text.charCodeAt(index)));
  const sequences: Utf8Sequence[] = [];
  let everythingDecodes = true;
  for (let index = 0; index < text.length;) {
    if (bytes[index] >= 0 && bytes[index] < 0x80) {
      index++;
      continue;
    }
    const sequence = bytes[index] < 0 ? undefined : readUtf8Sequence(text, bytes, index);
    if (sequence === undefined) {
      everythingDecodes = false;
      index++;
    } else {
      sequences.push(sequence);
      index += sequence.length;
    }
  }
  return { sequences, everythingDecodes };
}

/**
 * One round of repair on one line. When the whole line re-decodes as UTF-8 and some sequence is
 * convincing, the line as a whole is taken to be mojibake (ftfy's main path). Otherwise only the
 * convincing sequences are repaired, in place (ftfy's "inconsistent UTF-8" path).
 */
function repairOnce(text: string): string {
  const { sequences, everythingDecodes } = findUtf8Sequences(text);
  if (!sequences.some((sequence) => sequence.convincing)) return text;
  const repaired = everythingDecodes ? sequences : sequences.filter((sequence) => sequence.convincing);
  let result = '';
  let position = 0;
  for (const sequence of repaired) {
    result += text.slice(position, sequence.start) + sequence.decoded;
    position = sequence.start + sequence.length;
  }
  return result + text.slice(position);
}

/** Text that was mis-decoded twice needs two rounds; each round strictly shortens the text. */
export function repairUtf8Mojibake(text: string): string {
  // eslint-disable-next-line no-control-regex -- "all ASCII" includes the controls
  if (/^[\x00-\x7f]*$/.test(text)) return text;
  let current = text;
  for (;;) {
    const repaired = repairOnce(current);
    if (repaired === current) return current;
    current = repaired;
  }
}
