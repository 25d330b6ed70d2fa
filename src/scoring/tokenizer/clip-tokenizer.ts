/**
 * OpenAI CLIP's text tokenizer (`clip.tokenize`, `simple_tokenizer.py`), reproduced id for id.
 *
 *   text -> ftfy subset -> html.unescape x2 -> strip -> collapse whitespace -> lower()
 *        -> CLIP's regex split -> UTF-8 bytes as GPT-2 byte symbols -> BPE -> ids
 *   tokenize: [SOT] + first (contextLength - 2) ids + [EOT], zero padded (open_clip / truncate=True).
 */
import { BytePairEncoder, bytesToUnicode, END_OF_WORD, LruCache } from './byte-pair-encoding';
import { fixText } from './ftfy-subset';
import { pythonHtmlUnescape } from './html-unescape';
import { type Merge, mergeLines, parseMerges, readMergesText } from './merges-file';
import { REGEX_MODULE_WHITESPACE, collapseWhitespace, pythonLower, pythonStrip } from './python-text';

export { bytesToUnicode } from './byte-pair-encoding';

export const CLIP_CONTEXT_LENGTH = 77;

const SPECIAL_TOKEN_COUNT = 2;
/**
 * OpenAI's code keeps `lines[1:49152-256-2+1]` of its merges file: 48,894 merges. With 512 byte
 * symbols and the 2 special tokens that makes 49,408 ids.
 */
export const OPENAI_MERGE_COUNT = 49152 - 256 - SPECIAL_TOKEN_COUNT;

const START_OF_TEXT = '<|startoftext|>';
const END_OF_TEXT = '<|endoftext|>';
const PADDING_ID = 0;
const BPE_CACHE_CAPACITY = 50_000;

/**
 * CLIP's pre-tokenizer `<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`,
 * compiled by Python's `regex` with IGNORECASE, written out so JS matches exactly the same pieces:
 * - after lower(), the only extra match IGNORECASE allows is `ſ` (long s) for `s` (a matched
 *   `<|ſtartoftext|>` is still BPE-encoded as plain text: only the exact strings get special ids);
 * - `\s` is the `regex` module's whitespace (see python-text.ts), not JS `\s`;
 * - U+0345 (combining ypogegrammeni) folds to a letter, so under IGNORECASE Python's negated class
 *   rejects it while `[\p{L}]` does not accept it: Python drops it, and so must we.
 * Digits are one token each.
 */
const CLIP_PRE_TOKEN = new RegExp(
  [
    '<\\|[sſ]tartoftext\\|>',
    '<\\|endoftext\\|>',
    "'[sſ]",
    "'t",
    "'re",
    "'ve",
    "'m",
    "'ll",
    "'d",
    '\\p{L}+',
    '\\p{N}',
    `[^${REGEX_MODULE_WHITESPACE}\\u0345\\p{L}\\p{N}]+`,
  ].join('|'),
  'gu',
);

/**
 * CLIP's `basic_clean` + `whitespace_clean`, before lowercasing: the ftfy subset, HTML unescape
 * twice (Python semantics), strip, whitespace runs -> one space, strip.
 */
export function normalizeText(text: string): string {
  const cleaned = pythonStrip(pythonHtmlUnescape(pythonHtmlUnescape(fixText(text))));
  return collapseWhitespace(cleaned);
}

/** CLIP's regex split alone, for text that is already normalized and lowercased. */
export function splitPreTokens(loweredText: string): string[] {
  return loweredText.match(CLIP_PRE_TOKEN) ?? [];
}

/** The pieces BPE runs on, before byte encoding: normalizeText, Python lower(), CLIP's regex. */
export function preTokenize(text: string): string[] {
  return splitPreTokens(pythonLower(normalizeText(text)));
}

export interface ClipTokenizerOptions {
  /** Merges used, from the top of the list. Default: all available, at most OpenAI's 48,894. */
  mergeCount?: number;
  /** Ids per tokenized text, SOT and EOT included. Default 77. */
  contextLength?: number;
}

/** A BPE result remembered per pre-token: the symbols (for debugging) and their ids. */
interface EncodedWord {
  symbols: readonly string[];
  ids: readonly number[];
}

export class ClipTokenizer {
  readonly vocabSize: number;
  readonly sotToken: number;
  readonly eotToken: number;
  readonly contextLength: number;

  private readonly bpe: BytePairEncoder;
  private readonly encoder: Map<string, number>;
  /** Indexed by byte value. */
  private readonly byteSymbolOf: string[];
  private readonly cache = new LruCache<string, EncodedWord>(BPE_CACHE_CAPACITY);
  private readonly utf8 = new TextEncoder();

  /** Reads OpenAI's `bpe_simple_vocab_16e6.txt.gz` or a project's own merges file (gzip or plain). */
  static fromMergesFile(path: string, opts: ClipTokenizerOptions = {}): ClipTokenizer {
    const lines = mergeLines(readMergesText(path));
    const mergeCount = resolveMergeCount(lines.length, opts.mergeCount);
    return new ClipTokenizer(parseMerges(lines, mergeCount), opts.contextLength);
  }

  /** Builds from merges already in memory; `merges` excludes the header line. */
  static fromMerges(merges: Array<[string, string]>, opts: ClipTokenizerOptions = {}): ClipTokenizer {
    const mergeCount = resolveMergeCount(merges.length, opts.mergeCount);
    return new ClipTokenizer(merges.slice(0, mergeCount), opts.contextLength);
  }

  private constructor(merges: readonly Merge[], contextLength: number = CLIP_CONTEXT_LENGTH) {
    if (!Number.isInteger(contextLength) || contextLength < 2) {
      throw new RangeError(`contextLength must be an integer >= 2 (room for SOT and EOT), got ${contextLength}`);
    }
    this.contextLength = contextLength;
    this.bpe = new BytePairEncoder(merges);
    const byteToSymbol = bytesToUnicode();
    this.byteSymbolOf = Array.from({ length: 256 }, (_unused, byte) => byteToSymbol.get(byte) as string);
    const byteSymbolsInVocabularyOrder = [...byteToSymbol.values()];
    this.encoder = buildEncoder(byteSymbolsInVocabularyOrder, merges);
    this.vocabSize = byteSymbolsInVocabularyOrder.length * 2 + merges.length + SPECIAL_TOKEN_COUNT;
    this.sotToken = this.vocabSize - 2;
    this.eotToken = this.vocabSize - 1;
  }

  /** BPE ids of the text: no SOT/EOT, no truncation. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const word of preTokenize(text)) for (const id of this.encodeWord(word).ids) ids.push(id);
    return ids;
  }

  /** Exactly `contextLength` ids: SOT, the first `contextLength - 2` BPE ids, EOT, then zeros. */
  tokenize(text: string): number[] {
    const content = this.encode(text).slice(0, this.contextLength - 2);
    const row = [this.sotToken, ...content, this.eotToken];
    while (row.length < this.contextLength) row.push(PADDING_ID);
    return row;
  }

  /** Row-major `[texts.length, contextLength]` int64, ready for an ONNX text encoder input. */
  tokenizeBatch(texts: string[]): BigInt64Array {
    const batch = new BigInt64Array(texts.length * this.contextLength);
    texts.forEach((text, row) => {
      this.tokenize(text).forEach((id, column) => {
        batch[row * this.contextLength + column] = BigInt(id);
      });
    });
    return batch;
  }

  /** The BPE symbols of the whole text (e.g. `hail</w>`), untruncated; for debugging. */
  bpeTokens(text: string): string[] {
    return preTokenize(text).flatMap((word) => [...this.encodeWord(word).symbols]);
  }

  private encodeWord(word: string): EncodedWord {
    // OpenAI's cache is seeded with the two special tokens, so their exact text maps to their ids.
    if (word === START_OF_TEXT) return { symbols: [START_OF_TEXT], ids: [this.sotToken] };
    if (word === END_OF_TEXT) return { symbols: [END_OF_TEXT], ids: [this.eotToken] };
    // Keyed by the word itself: its byte-symbol spelling is a bijection of it, so hits skip UTF-8 encoding.
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const symbols = this.bpe.encodeWord(this.toByteSymbols(word));
    const encoded: EncodedWord = { symbols, ids: symbols.map((symbol) => this.idOf(symbol)) };
    this.cache.set(word, encoded);
    return encoded;
  }

  private toByteSymbols(word: string): string {
    let symbols = '';
    for (const byte of this.utf8.encode(word)) symbols += this.byteSymbolOf[byte];
    return symbols;
  }

  private idOf(symbol: string): number {
    const id = this.encoder.get(symbol);
    if (id === undefined) throw new Error(`BPE produced ${JSON.stringify(symbol)}, which is not in the vocabulary`);
    return id;
  }
}

function resolveMergeCount(available: number, requested: number | undefined): number {
  if (requested === undefined) return Math.min(available, OPENAI_MERGE_COUNT);
  if (!Number.isInteger(requested) || requested < 0 || requested > available) {
    throw new RangeError(`mergeCount must be an integer in [0, ${available}], got ${requested}`);
  }
  return requested;
}

/**
 * OpenAI's vocabulary order: byte symbols, the same with `</w>`, each merge joined, then the two
 * special tokens. A string listed twice keeps its later id, as Python's dict construction does.
 */
function buildEncoder(byteSymbols: readonly string[], merges: readonly Merge[]): Map<string, number> {
  const vocabulary = [
    ...byteSymbols,
    ...byteSymbols.map((symbol) => symbol + END_OF_WORD),
    ...merges.map(([first, second]) => first + second),
    START_OF_TEXT,
    END_OF_TEXT,
  ];
  return new Map(vocabulary.map((entry, id) => [entry, id]));
}
