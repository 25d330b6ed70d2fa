/**
 * The few Python string semantics CLIP's tokenizer relies on, where JavaScript differs.
 */

/** Characters Python's `str.isspace()` accepts, i.e. what `str.strip()` removes (U+001C–U+001F included). */
const PYTHON_STRIP_CHARS =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/**
 * `\s` of the Python `regex` module that CLIP imports as `re`: Unicode White_Space. Unlike JS `\s`
 * it has U+0085 and lacks U+FEFF; unlike `str.isspace()` it lacks U+001C–U+001F.
 */
export const REGEX_MODULE_WHITESPACE =
  '\\t\\n\\v\\f\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

const LEADING_OR_TRAILING_PYTHON_SPACE = new RegExp(`^[${PYTHON_STRIP_CHARS}]+|[${PYTHON_STRIP_CHARS}]+$`, 'g');
const WHITESPACE_RUN = new RegExp(`[${REGEX_MODULE_WHITESPACE}]+`, 'g');

/** Python `str.strip()` with no argument. */
export function pythonStrip(text: string): string {
  return text.replace(LEADING_OR_TRAILING_PYTHON_SPACE, '');
}

/** CLIP's `whitespace_clean`: `re.sub(r'\s+', ' ', text).strip()` with the `regex` module's `\s`. */
export function collapseWhitespace(text: string): string {
  return pythonStrip(text.replace(WHITESPACE_RUN, ' '));
}

/**
 * Uppercase letters whose lowercase mapping arrived after Unicode 14.0, the version of the
 * Python (3.11) that produced the reference ids; Node's ICU lowercases them, Python 3.11 does not.
 * Measured by comparing `str.lower()` with `toLowerCase()` over every code point: these 55 are
 * the only differences.
 */
const UPPERCASE_NEWER_THAN_PYTHON_311 =
  /[\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]/u;
const RUNS_PYTHON_311_CAN_LOWER =
  /[^\u1c89\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\u{10d50}-\u{10d65}\u{16ea0}-\u{16eb8}]+/gu;

/**
 * Python 3.11 `str.lower()`: full Unicode lowercasing (`İ` -> `i̇`) with the final-sigma rule
 * (`ΟΔΟΣ` -> `οδος`). JS `toLowerCase()` implements the same rules, so only the characters newer
 * than Python's tables need care. Lowercasing the runs between them separately also reproduces
 * Python's final-sigma decision next to them, because Python sees them as uncased.
 */
export function pythonLower(text: string): string {
  if (!UPPERCASE_NEWER_THAN_PYTHON_311.test(text)) return text.toLowerCase();
  return text.replace(RUNS_PYTHON_311_CAN_LOWER, (run) => run.toLowerCase());
}
