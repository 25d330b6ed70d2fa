/**
 * GPT-2 style byte-level BPE as OpenAI's CLIP `simple_tokenizer` runs it.
 */

export const END_OF_WORD = '</w>';

/**
 * GPT-2's reversible byte -> character table. Printable Latin-1 bytes stand for themselves; the
 * other 68 bytes (controls, space, NBSP, soft hyphen) are moved to U+0100 upwards so that no
 * symbol is whitespace. Insertion order matters: CLIP's vocabulary lists the characters in this
 * order (printable ones first, so id 0 is `!`).
 */
export function bytesToUnicode(): Map<number, string> {
  const table = new Map<number, string>();
  const isPrintable = (byte: number): boolean =>
    (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
  for (let byte = 0; byte < 256; byte++) if (isPrintable(byte)) table.set(byte, String.fromCharCode(byte));
  let shifted = 0;
  for (let byte = 0; byte < 256; byte++) if (!isPrintable(byte)) table.set(byte, String.fromCharCode(256 + shifted++));
  return table;
}

/** A Map used as a least-recently-used cache: re-inserting on a hit keeps the oldest entry first. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: K, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Merge ranks as a two-level map (first symbol -> second symbol -> rank), so a lookup needs no
 * string concatenation. A pair listed twice keeps its later rank, as Python's
 * `dict(zip(merges, range(len(merges))))` does.
 */
class MergeRanks {
  private readonly byFirst = new Map<string, Map<string, number>>();

  constructor(merges: ReadonlyArray<readonly [string, string]>) {
    merges.forEach(([first, second], rank) => {
      let bySecond = this.byFirst.get(first);
      if (bySecond === undefined) this.byFirst.set(first, (bySecond = new Map()));
      bySecond.set(second, rank);
    });
  }

  rankOf(first: string, second: string): number | undefined {
    return this.byFirst.get(first)?.get(second);
  }
}

/** Replaces every left-to-right, non-overlapping occurrence of the pair by its merge. */
function mergePair(symbols: string[], first: string, second: string): string[] {
  const merged: string[] = [];
  for (let index = 0; index < symbols.length; index++) {
    if (symbols[index] === first && index + 1 < symbols.length && symbols[index + 1] === second) {
      merged.push(first + second);
      index++;
    } else {
      merged.push(symbols[index]);
    }
  }
  return merged;
}

export class BytePairEncoder {
  private readonly ranks: MergeRanks;

  constructor(merges: ReadonlyArray<readonly [string, string]>) {
    this.ranks = new MergeRanks(merges);
  }

  /**
   * BPE of one pre-token, given in the byte-unicode alphabet. The last symbol carries `</w>`;
   * then the adjacent pair with the lowest merge rank is merged everywhere, until no adjacent
   * pair has a rank. (Not a longest-match vocabulary lookup: BPE often stops short of a word
   * that is in the vocabulary.)
   */
  encodeWord(word: string): string[] {
    let symbols = [...word];
    if (symbols.length === 0) return [];
    symbols[symbols.length - 1] += END_OF_WORD;
    while (symbols.length > 1) {
      const best = this.lowestRankedPair(symbols);
      if (best === undefined) break;
      symbols = mergePair(symbols, best.first, best.second);
    }
    return symbols;
  }

  private lowestRankedPair(symbols: readonly string[]): { first: string; second: string } | undefined {
    let bestRank = Infinity;
    let best: { first: string; second: string } | undefined;
    for (let index = 0; index + 1 < symbols.length; index++) {
      const rank = this.ranks.rankOf(symbols[index], symbols[index + 1]);
      if (rank !== undefined && rank < bestRank) {
        bestRank = rank;
        best = { first: symbols[index], second: symbols[index + 1] };
      }
    }
    return best;
  }
}
