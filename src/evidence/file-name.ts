// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Bidirectional overrides and isolates ("photo\u202Egpj.exe") and zero-width characters. */
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;
const RISKY = /["<>|:*?`$\\]/g;
export const MAX_FILE_NAME_LENGTH = 120;

/**
 * A client's file name made safe to store, log and quote in messages: no control characters (NUL
 * included), no directory part (`../../etc/passwd.jpg` → `passwd.jpg`), no leading dots, no
 * quote or shell/markup characters, at most 120 characters (the extension kept). It is a label only:
 * never used as a path (blobs are keyed by ids) and never used to decide the file's type.
 */
export function sanitiseFileName(raw: string | undefined | null): string {
  let name = String(raw ?? '')
    .normalize('NFC')
    .replace(CONTROL, '')
    .replace(INVISIBLE, '');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name
    .replace(RISKY, '_')
    .replace(/^[.\s]+/, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (name.length > MAX_FILE_NAME_LENGTH) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : '';
    name = name.slice(0, MAX_FILE_NAME_LENGTH - extension.length) + extension;
  }
  return name || 'unnamed';
}
