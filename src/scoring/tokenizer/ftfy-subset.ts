/**
 * The part of ftfy 6.x `fix_text` (default settings) that CLIP's `basic_clean` depends on, written
 * from ftfy's documented behaviour. Fixes run per line in ftfy's order, repeated until the line
 * stops changing:
 *   unescape_html (only while no '<' has been seen) -> fix_encoding -> fix_c1_controls ->
 *   fix_latin_ligatures -> fix_character_width -> uncurl_quotes -> fix_line_breaks ->
 *   fix_surrogates -> remove_terminal_escapes -> remove_control_chars -> NFC
 */
import { ftfyUnescapeHtml } from './html-unescape';
import { repairUtf8Mojibake } from './mojibake';
import { windows1252CharForC1Byte } from './windows-1252';

/** C1 controls are almost always Windows-1252 bytes read as Latin-1: U+0085 -> `…`. */
function fixC1Controls(text: string): string {
  return text.replace(/[\x80-\x9f]/g, (control) => windows1252CharForC1Byte(control.charCodeAt(0)));
}

/** Latin ligatures and legacy digraphs are copy/paste artefacts (`ﬁre` -> `fire`); `æ`, `œ` are real letters. */
const LATIN_LIGATURES: ReadonlyMap<string, string> = new Map([
  ['Ĳ', 'IJ'],
  ['ĳ', 'ij'],
  ['ŉ', 'ʼn'],
  ['Ǳ', 'DZ'],
  ['ǲ', 'Dz'],
  ['ǳ', 'dz'],
  ['Ǆ', 'DŽ'],
  ['ǅ', 'Dž'],
  ['ǆ', 'dž'],
  ['Ǉ', 'LJ'],
  ['ǈ', 'Lj'],
  ['ǉ', 'lj'],
  ['Ǌ', 'NJ'],
  ['ǋ', 'Nj'],
  ['ǌ', 'nj'],
  ['ﬀ', 'ff'],
  ['ﬁ', 'fi'],
  ['ﬂ', 'fl'],
  ['ﬃ', 'ffi'],
  ['ﬄ', 'ffl'],
  ['ﬅ', 'ſt'],
  ['ﬆ', 'st'],
]);
const LATIN_LIGATURE = new RegExp(`[${[...LATIN_LIGATURES.keys()].join('')}]`, 'g');

function fixLatinLigatures(text: string): string {
  return text.replace(LATIN_LIGATURE, (ligature) => LATIN_LIGATURES.get(ligature) ?? ligature);
}

/**
 * Halfwidth and fullwidth forms (U+FF01–U+FFEF) become their NFKC form (`ＡＢＣ１２３` -> `ABC123`,
 * `ｶ` -> `カ`), and the ideographic space U+3000 becomes a plain space.
 */
const WIDTH_VARIANTS: ReadonlyMap<string, string> = (() => {
  const map = new Map<string, string>([['\u3000', ' ']]);
  for (let codePoint = 0xff01; codePoint < 0xfff0; codePoint++) {
    const variant = String.fromCharCode(codePoint);
    const standard = variant.normalize('NFKC');
    if (standard !== variant) map.set(variant, standard);
  }
  return map;
})();

function fixCharacterWidth(text: string): string {
  return text.replace(/[\u3000\uff01-\uffef]/g, (variant) => WIDTH_VARIANTS.get(variant) ?? variant);
}

/** Curly quotes (and U+02BC, the modifier-letter apostrophe) become ASCII, so `’s` reaches CLIP's `'s` rule. */
function uncurlQuotes(text: string): string {
  return text.replace(/[\u02bc\u2018-\u201b]/g, "'").replace(/[\u201c-\u201f]/g, '"');
}

function fixLineBreaks(text: string): string {
  return text.replace(/\r\n|[\r\u2028\u2029\x85]/g, '\n');
}

/** JS strings can hold unpaired surrogates; ftfy turns them into U+FFFD (paired ones are already one character here). */
function fixSurrogates(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/** ANSI colour/cursor codes such as `ESC[31m`; Python's `\d` there means any Unicode decimal digit. */
function removeTerminalEscapes(text: string): string {
  // eslint-disable-next-line no-control-regex -- ESC is exactly what this removes
  return text.replace(/\x1b\[(?:\p{Nd}|;)*[a-zA-Z]/gu, '');
}

/**
 * Controls nobody means to keep: C0 except tab, LF, FF, CR; DEL; deprecated Arabic format
 * controls; interlinear annotation marks; the object replacement character; BOM / ZWNBSP.
 * C1 controls are left to `fixC1Controls`, joiners and bidi marks are kept.
 */
function removeControlChars(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
  return text.replace(/[\x00-\x08\x0b\x0e-\x1f\x7f\u206a-\u206f\ufeff\ufff9-\ufffc]/g, '');
}

/** One pass of every fixer over one line, in ftfy's order. */
function fixLineOnce(line: string, unescapeHtml: boolean): string {
  let text = unescapeHtml ? ftfyUnescapeHtml(line) : line;
  text = repairUtf8Mojibake(text);
  text = fixC1Controls(text);
  text = fixLatinLigatures(text);
  text = fixCharacterWidth(text);
  text = uncurlQuotes(text);
  text = fixLineBreaks(text);
  text = fixSurrogates(text);
  text = removeTerminalEscapes(text);
  text = removeControlChars(text);
  return text.normalize('NFC');
}

/**
 * ftfy repeats its fixers until the text is stable (`&amp;amp;` needs two rounds). Each round
 * only ever shortens or canonicalises, so this ends quickly; the cap is a guard, not a behaviour.
 */
const MAX_ROUNDS_PER_LINE = 1000;

function fixLine(line: string, unescapeHtml: boolean): string {
  let current = line;
  for (let round = 0; round < MAX_ROUNDS_PER_LINE; round++) {
    const next = fixLineOnce(current, unescapeHtml);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** Each line keeps its '\n'; ftfy fixes lines independently. */
function splitLinesKeepingBreaks(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * ftfy 6 `fix_text(text)` with default settings, restricted to the fixes described above.
 * HTML entities are decoded only until the first line that contains '<' (from then on ftfy
 * assumes the text is HTML and leaves entities alone; CLIP's own `html.unescape` follows).
 */
export function fixText(text: string): string {
  let unescapeHtml = true;
  let fixed = '';
  for (const line of splitLinesKeepingBreaks(text)) {
    if (line.includes('<')) unescapeHtml = false;
    fixed += fixLine(line, unescapeHtml);
  }
  return fixed;
}
