/**
 * HTML character references decoded two ways, both as Python does them:
 * - `pythonHtmlUnescape`: Python's `html.unescape`, which CLIP applies twice after ftfy.
 * - `ftfyUnescapeHtml`: ftfy's stricter fixer (only `&...;` forms), which ftfy runs first when a
 *   line holds no '<'.
 */
import { HTML5_NAMED_REFERENCES } from './html-entities';
import { windows1252CharForC1Byte } from './windows-1252';

/**
 * Python's `html._charref`. The `u` flag makes `{1,32}` count code points as Python does.
 * Named references may be any run of characters except `\t \n \f space < & # ;`.
 */
const PYTHON_CHARACTER_REFERENCE = /&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)/gu;

const REPLACEMENT_CHARACTER = '\ufffd';

/** Code points that HTML says a numeric reference must not produce; Python drops them. */
function isForbiddenCodePoint(codePoint: number): boolean {
  return (
    (codePoint >= 0x01 && codePoint <= 0x08) ||
    codePoint === 0x0b ||
    (codePoint >= 0x0e && codePoint <= 0x1f) ||
    (codePoint >= 0x7f && codePoint <= 0x9f) ||
    (codePoint >= 0xfdd0 && codePoint <= 0xfdef) ||
    (codePoint & 0xfffe) === 0xfffe // U+xFFFE and U+xFFFF in every plane
  );
}

/** Python's `_replace_charref` for `&#...`: HTML's rules, including the Windows-1252 remap of 0x80–0x9F. */
function decodeNumericReference(body: string): string {
  const digits = body.replace(/;$/, '');
  const codePoint =
    digits[1] === 'x' || digits[1] === 'X' ? parseInt(digits.slice(2), 16) : parseInt(digits.slice(1), 10);
  if (codePoint === 0x00) return REPLACEMENT_CHARACTER;
  if (codePoint === 0x0d) return '\r';
  if (codePoint >= 0x80 && codePoint <= 0x9f) return windows1252CharForC1Byte(codePoint);
  if ((codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint > 0x10ffff) return REPLACEMENT_CHARACTER;
  if (isForbiddenCodePoint(codePoint)) return '';
  return String.fromCodePoint(codePoint);
}

/**
 * Python's `_replace_charref` for names: the exact name, else the longest legacy name that is a
 * proper prefix of at least 2 characters (`&notit;` -> `¬it;`), else unchanged.
 */
function decodeNamedReference(body: string): string {
  const exact = HTML5_NAMED_REFERENCES.get(body);
  if (exact !== undefined) return exact;
  for (let length = body.length - 1; length > 1; length--) {
    const prefixValue = HTML5_NAMED_REFERENCES.get(body.slice(0, length));
    if (prefixValue !== undefined) return prefixValue + body.slice(length);
  }
  return `&${body}`;
}

/** Python's `html.unescape` (3.4+ semantics). */
export function pythonHtmlUnescape(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(PYTHON_CHARACTER_REFERENCE, (_match, body: string) =>
    body[0] === '#' ? decodeNumericReference(body) : decodeNamedReference(body),
  );
}

/** ftfy only looks at references that end in ';' and are at most 24 characters long. */
const FTFY_ENTITY = /&#?[0-9A-Za-z]{1,24};/g;

/**
 * ftfy's entity table: every HTML5 name that ends in ';', plus an all-caps spelling of the
 * all-lowercase names (`&EACUTE;` -> `É`) as long as Python itself would not decode that
 * spelling some other way (`&LTDOT;` stays, because Python reads it as `<DOT;`).
 */
const FTFY_ENTITIES: ReadonlyMap<string, string> = (() => {
  const entities = new Map<string, string>();
  for (const [name, value] of HTML5_NAMED_REFERENCES) {
    if (!name.endsWith(';')) continue;
    entities.set(`&${name}`, value);
    if (name !== name.toLowerCase()) continue;
    const upperReference = `&${name.toUpperCase()}`;
    if (pythonHtmlUnescape(upperReference) === upperReference) entities.set(upperReference, value.toUpperCase());
  }
  return entities;
})();

function ftfyDecodeEntity(reference: string): string {
  const named = FTFY_ENTITIES.get(reference);
  if (named !== undefined) return named;
  if (!reference.startsWith('&#')) return reference;
  // A numeric reference counts only when Python consumes it whole, ';' included.
  const decoded = pythonHtmlUnescape(reference);
  return decoded.includes(';') ? reference : decoded;
}

/** ftfy's `unescape_html` fixer. */
export function ftfyUnescapeHtml(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(FTFY_ENTITY, ftfyDecodeEntity);
}
