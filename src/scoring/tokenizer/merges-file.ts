/**
 * Reading a BPE merges file in OpenAI's format: one header line (`#version: 0.2`), then one
 * merge per line, `first second`, most frequent first.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export type Merge = readonly [string, string];

/** Separators as Python's `str.split()` sees them (the merges never contain any in OpenAI's file). */
const PYTHON_WHITESPACE_RUN = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/; // eslint-disable-line no-control-regex -- Python counts U+001C–U+001F as whitespace

const GZIP_MAGIC = [0x1f, 0x8b];

function isGzip(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1];
}

/** Reads plain or gzip-compressed text (detected by content, so the file name does not matter). */
export function readMergesText(path: string): string {
  const raw = readFileSync(path);
  return (isGzip(raw) ? gunzipSync(raw) : raw).toString('utf8');
}

/**
 * The merge lines after the header, with trailing blank lines dropped (a file ending in '\n' has
 * one). Only these count as "available" merges.
 */
export function mergeLines(text: string): string[] {
  const lines = text.split('\n').slice(1);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return lines;
}

/** Parses the first `count` merge lines; each must hold exactly two symbols. */
export function parseMerges(lines: readonly string[], count: number): Merge[] {
  const merges: Merge[] = [];
  for (let index = 0; index < count; index++) {
    const symbols = lines[index].split(PYTHON_WHITESPACE_RUN).filter((symbol) => symbol !== '');
    if (symbols.length !== 2) {
      throw new Error(`merges line ${index + 2} is not "first second": ${JSON.stringify(lines[index])}`);
    }
    merges.push([symbols[0], symbols[1]]);
  }
  return merges;
}
