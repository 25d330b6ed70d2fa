/**
 * Learns byte-level BPE merges (OpenAI CLIP format) from the fixture caption corpus.
 *
 *   npx tsc -p tsconfig.build.json && node dist/models/train/learn-merges.js [--out models/fixture/merges.txt]
 *
 * Classic BPE (Sennrich et al.), the way CLIP's vocabulary was built: every pre-token (the project
 * tokenizer's `preTokenize`) becomes its UTF-8 bytes mapped through `bytesToUnicode`, with '</w>'
 * glued to the last symbol; then the most frequent adjacent pair is merged, repeatedly. Ties go to
 * the lexicographically smallest pair (by code units), so the output is deterministic. Learning
 * stops when no pair occurs `--min-count` times (default 1: every corpus word becomes one token).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { bytesToUnicode, preTokenize } from '../../src/scoring/tokenizer/clip-tokenizer';
import { captionCorpus } from './captions';

export interface LearnOptions {
  /** Stop when the most frequent pair occurs fewer times than this. */
  minCount?: number;
  /** Upper bound on the number of merges. */
  maxMerges?: number;
}

/** Learns merges from texts; returns them in rank order as [left, right] pairs. */
export function learnMerges(texts: readonly string[], opts: LearnOptions = {}): Array<[string, string]> {
  const minCount = opts.minCount ?? 1;
  const maxMerges = opts.maxMerges ?? 48894;
  const byteMap = bytesToUnicode();
  const wordFreq = new Map<string, number>();
  for (const text of texts) {
    for (const token of preTokenize(text)) wordFreq.set(token, (wordFreq.get(token) ?? 0) + 1);
  }
  // words as symbol sequences
  const words: Array<{ symbols: string[]; freq: number }> = [];
  for (const [token, freq] of [...wordFreq.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))) {
    const chars = [...Buffer.from(token, 'utf8')].map((b) => {
      const u = byteMap.get(b);
      if (u === undefined) throw new Error(`bytesToUnicode has no entry for byte ${b}`);
      return u;
    });
    chars[chars.length - 1] += '</w>';
    words.push({ symbols: chars, freq });
  }
  // the base vocabulary: every byte symbol, with and without '</w>'
  const vocab = new Set<string>();
  for (const u of byteMap.values()) {
    vocab.add(u);
    vocab.add(`${u}</w>`);
  }
  const merges: Array<[string, string]> = [];
  while (merges.length < maxMerges) {
    const counts = new Map<string, number>();
    for (const w of words) {
      for (let i = 0; i + 1 < w.symbols.length; i++) {
        const key = `${w.symbols[i]} ${w.symbols[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + w.freq);
      }
    }
    let best: string | null = null;
    let bestCount = 0;
    for (const [key, count] of counts) {
      const [l, r] = key.split(' ');
      if (vocab.has(l + r)) continue; // would duplicate a vocabulary entry: skip (never happens in practice)
      if (count > bestCount || (count === bestCount && best !== null && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === null || bestCount < minCount) break;
    const [left, right] = best.split(' ');
    merges.push([left, right]);
    vocab.add(left + right);
    for (const w of words) {
      const s = w.symbols;
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === left && s[i + 1] === right) {
          out.push(left + right);
          i++;
        } else {
          out.push(s[i]);
        }
      }
      w.symbols = out;
    }
  }
  return merges;
}

/** The merges file text: a header line, then one "left right" pair per line (OpenAI's format). */
export function formatMerges(merges: ReadonlyArray<[string, string]>, header: string): string {
  return `#version: ${header}\n${merges.map(([l, r]) => `${l} ${r}`).join('\n')}\n`;
}

function main(): void {
  const args = process.argv.slice(2);
  const arg = (name: string, def: string): string => {
    const i = args.indexOf(name);
    return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
  };
  const out = resolve(arg('--out', 'models/fixture/merges.txt'));
  const minCount = Number(arg('--min-count', '1'));
  const corpus = captionCorpus();
  const t0 = Date.now();
  const merges = learnMerges(corpus, { minCount });
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(
    out,
    formatMerges(
      merges,
      `fixture (byte-level BPE learned by models/train/learn-merges.ts from ${corpus.length} captions)`,
    ),
  );
  console.log(`learned ${merges.length} merges from ${corpus.length} captions in ${Date.now() - t0} ms -> ${out}`);
}

if (require.main === module) main();
