/**
 * Where the OpenAI CLIP reference data lives: `test/fixtures/clip` in this repository (vendored, with its
 * provenance in that folder's README), or the folder named by CLIP_REFERENCE_DIR.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CLIP_REFERENCE_DIR_ENV = 'CLIP_REFERENCE_DIR';
export const OPENAI_MERGES_FILE = 'bpe_simple_vocab_16e6.txt.gz';
export const TOKENIZER_CASES_FILE = 'tokenizer-cases.json';

/** One case of `tokenizer-cases.json`, as produced by OpenAI's `clip.tokenize(..., truncate=True)`. */
export interface ClipTokenizerCase {
  text: string;
  description: string;
  ids: number[];
  truncated: boolean;
  n_content_tokens: number;
  normalized: string;
  bpe: string[];
  ftfy_sensitive: boolean;
  ids_without_ftfy?: number[];
}

/** The vendored copy in this repository. */
export const VENDORED_CLIP_REFERENCE_DIR = resolve(__dirname, '..', 'fixtures', 'clip');

/** The env override, else the vendored copy. */
export function clipReferenceDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CLIP_REFERENCE_DIR_ENV];
  return override ? resolve(override) : VENDORED_CLIP_REFERENCE_DIR;
}

/** The folder, after checking the tokenizer files are there; fails loudly rather than letting tests skip. */
export function requireClipReferenceDir(dir: string = clipReferenceDir()): string {
  const needed = [OPENAI_MERGES_FILE, TOKENIZER_CASES_FILE];
  if (!needed.every((file) => existsSync(join(dir, file)))) {
    throw new Error(
      `CLIP reference data missing at ${dir} (expected ${needed.join(', ')}; set ${CLIP_REFERENCE_DIR_ENV} to override)`,
    );
  }
  return dir;
}

export function loadClipTokenizerCases(dir: string = requireClipReferenceDir()): ClipTokenizerCase[] {
  return JSON.parse(readFileSync(join(dir, TOKENIZER_CASES_FILE), 'utf8')) as ClipTokenizerCase[];
}
