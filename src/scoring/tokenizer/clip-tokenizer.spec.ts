import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CLIP_REFERENCE_DIR_ENV,
  type ClipTokenizerCase,
  OPENAI_MERGES_FILE,
  clipReferenceDir,
  loadClipTokenizerCases,
  requireClipReferenceDir,
} from '../../../test/support/clip-reference-data';
import { CLIP_CONTEXT_LENGTH, ClipTokenizer, bytesToUnicode, normalizeText, preTokenize } from './clip-tokenizer';
import { pythonLower } from './python-text';

/** Loaded while jest collects tests, so that each case becomes its own named test. */
function loadReference(): { dir: string; cases: ClipTokenizerCase[] } | { error: Error } {
  try {
    const dir = requireClipReferenceDir();
    return { dir, cases: loadClipTokenizerCases(dir) };
  } catch (error) {
    return { error: error as Error };
  }
}

describe('OpenAI CLIP reference cases (tokenizer-cases.json)', () => {
  const reference = loadReference();

  if ('error' in reference) {
    // Missing data must fail the run, never skip it silently.
    it('has the CLIP reference data', () => {
      throw reference.error;
    });
    return;
  }

  let tokenizer: ClipTokenizer;
  beforeAll(() => {
    tokenizer = ClipTokenizer.fromMergesFile(join(reference.dir, OPENAI_MERGES_FILE));
  });

  it('has the 51 cases the reference README describes', () => {
    expect(reference.cases).toHaveLength(51);
  });

  it('builds OpenAI’s vocabulary size and special ids', () => {
    expect(tokenizer.vocabSize).toBe(49408);
    expect(tokenizer.sotToken).toBe(49406);
    expect(tokenizer.eotToken).toBe(49407);
    expect(tokenizer.contextLength).toBe(77);
  });

  reference.cases.forEach((testCase, index) => {
    it(`case ${index}: ${testCase.description}`, () => {
      // Checked stage by stage, so a failure shows where the port diverged.
      expect(pythonLower(normalizeText(testCase.text))).toBe(testCase.normalized);
      expect(tokenizer.bpeTokens(testCase.text).slice(0, CLIP_CONTEXT_LENGTH - 2)).toEqual(testCase.bpe);
      expect(tokenizer.encode(testCase.text)).toHaveLength(testCase.n_content_tokens);
      expect(tokenizer.tokenize(testCase.text)).toEqual(testCase.ids);
    });
  });
});

describe('CLIP reference data location', () => {
  it('defaults to the copy vendored in test/fixtures/clip', () => {
    expect(clipReferenceDir({})).toBe(resolve(__dirname, '../../../test/fixtures/clip'));
  });

  it(`honours ${CLIP_REFERENCE_DIR_ENV}`, () => {
    expect(clipReferenceDir({ [CLIP_REFERENCE_DIR_ENV]: '/data/clip' })).toBe(resolve('/data/clip'));
  });

  it('fails with a clear message when the data is missing', () => {
    const missing = join(tmpdir(), 'no-such-clip-reference');
    expect(() => requireClipReferenceDir(missing)).toThrow(`CLIP reference data missing at ${missing}`);
  });
});

describe('bytesToUnicode', () => {
  const table = bytesToUnicode();

  it('maps all 256 bytes to distinct non-whitespace characters', () => {
    expect(table.size).toBe(256);
    expect(new Set(table.values()).size).toBe(256);
    for (const symbol of table.values()) expect(symbol).not.toMatch(/\s/);
  });

  it('keeps printable bytes and shifts the rest to U+0100 and up', () => {
    expect(table.get(0x21)).toBe('!');
    expect(table.get(0xe9)).toBe('é');
    expect(table.get(0x00)).toBe('\u0100');
    expect(table.get(0x20)).toBe('\u0120');
    expect(table.get(0xad)).toBe('\u0143');
  });

  it('lists symbols in vocabulary order (printable bytes first, so id 0 is "!")', () => {
    expect([...table.values()].slice(0, 3)).toEqual(['!', '"', '#']);
    expect([...table.values()][188]).toBe('\u0100');
  });
});

describe('ClipTokenizer with a tiny merges list', () => {
  // h a -> ha; i l</w> -> il</w>; ha il</w> -> hail</w>
  const merges: Array<[string, string]> = [
    ['h', 'a'],
    ['i', 'l</w>'],
    ['ha', 'il</w>'],
  ];
  const idOfByte = (char: string): number => char.charCodeAt(0) - 0x21; // printable ASCII ids start at '!'
  const idOfFinalByte = (char: string): number => 256 + idOfByte(char);
  const tokenizer = ClipTokenizer.fromMerges(merges);

  it('numbers byte symbols, merges, then SOT and EOT', () => {
    expect(tokenizer.vocabSize).toBe(512 + 3 + 2);
    expect(tokenizer.sotToken).toBe(515);
    expect(tokenizer.eotToken).toBe(516);
  });

  it('applies merges by rank, not by longest match', () => {
    expect(tokenizer.bpeTokens('Hail ha')).toEqual(['hail</w>', 'h', 'a</w>']);
    expect(tokenizer.encode('Hail ha')).toEqual([514, idOfByte('h'), idOfFinalByte('a')]);
  });

  it('uses only the first mergeCount merges', () => {
    const partial = ClipTokenizer.fromMerges(merges, { mergeCount: 1 });
    expect(partial.vocabSize).toBe(515);
    expect(partial.bpeTokens('hail')).toEqual(['ha', 'i', 'l</w>']);
    expect(partial.encode('hail')).toEqual([512, idOfByte('i'), idOfFinalByte('l')]);
    expect(() => ClipTokenizer.fromMerges(merges, { mergeCount: 4 })).toThrow(RangeError);
  });

  it('maps literal special-token text to this vocabulary’s SOT/EOT ids', () => {
    expect(tokenizer.encode('<|startoftext|>ha<|endoftext|>')).toEqual([515, idOfByte('h'), idOfFinalByte('a'), 516]);
  });

  it('pads short input with zeros after EOT', () => {
    const row = tokenizer.tokenize('hail');
    expect(row).toHaveLength(CLIP_CONTEXT_LENGTH);
    expect(row.slice(0, 4)).toEqual([515, 514, 516, 0]);
    expect(row.slice(3).every((id) => id === 0)).toBe(true);
    expect(tokenizer.tokenize('   ')).toEqual([515, 516, ...new Array(75).fill(0)]);
  });

  it('keeps exactly contextLength - 2 content ids when they fit', () => {
    const row = tokenizer.tokenize('hail '.repeat(75));
    expect(row).toEqual([515, ...new Array(75).fill(514), 516]);
  });

  it('truncates to the first contextLength - 2 ids and still ends with EOT', () => {
    const text = Array.from({ length: 80 }, (_unused, index) => String.fromCharCode(0x61 + (index % 26))).join(' ');
    const content = tokenizer.encode(text);
    expect(content).toHaveLength(80);
    expect(tokenizer.tokenize(text)).toEqual([515, ...content.slice(0, 75), 516]);
  });

  it('honours a custom contextLength', () => {
    const short = ClipTokenizer.fromMerges(merges, { contextLength: 5 });
    expect(short.tokenize('a b c d')).toEqual([515, idOfFinalByte('a'), idOfFinalByte('b'), idOfFinalByte('c'), 516]);
    expect(short.tokenize('a')).toEqual([515, idOfFinalByte('a'), 516, 0, 0]);
    expect(() => ClipTokenizer.fromMerges(merges, { contextLength: 1 })).toThrow(RangeError);
  });

  it('tokenizes a batch into a row-major int64 [N, contextLength] array', () => {
    const texts = ['hail', 'ha ha', ''];
    const batch = tokenizer.tokenizeBatch(texts);
    expect(batch).toBeInstanceOf(BigInt64Array);
    expect(batch).toHaveLength(texts.length * CLIP_CONTEXT_LENGTH);
    texts.forEach((text, row) => {
      const expected = tokenizer.tokenize(text).map((id) => BigInt(id));
      expect([...batch.subarray(row * CLIP_CONTEXT_LENGTH, (row + 1) * CLIP_CONTEXT_LENGTH)]).toEqual(expected);
    });
    expect(tokenizer.tokenizeBatch([])).toHaveLength(0);
  });
});

describe('ClipTokenizer.fromMergesFile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'clip-merges-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const fileText = '#version: 0.2\nh a\r\ni l</w>\nha il</w>\n\n';

  it('skips the header, ignores trailing blank lines, and uses every merge of a small file', () => {
    const path = join(dir, 'merges.txt');
    writeFileSync(path, fileText);
    const tokenizer = ClipTokenizer.fromMergesFile(path);
    expect(tokenizer.vocabSize).toBe(517);
    expect(tokenizer.bpeTokens('hail')).toEqual(['hail</w>']);
  });

  it('reads gzip-compressed files', () => {
    const path = join(dir, 'merges.txt.gz');
    writeFileSync(path, gzipSync(fileText));
    expect(ClipTokenizer.fromMergesFile(path).encode('hail')).toEqual([514]);
  });

  it('rejects a malformed merge line', () => {
    const path = join(dir, 'bad.txt');
    writeFileSync(path, '#version: 0.2\nh a b\n');
    expect(() => ClipTokenizer.fromMergesFile(path)).toThrow('merges line 2');
  });
});

describe('normalizeText and preTokenize', () => {
  it('unescapes HTML twice after ftfy, the way OpenAI’s basic_clean does', () => {
    expect(normalizeText('<b>water &amp;amp; mold</b>')).toBe('<b>water & mold</b>');
    expect(normalizeText('R&D &copy 2020 AT&T &amp')).toBe('R&D © 2020 AT&T &');
  });

  it('collapses Unicode whitespace and strips before lowercasing', () => {
    expect(normalizeText('  Hail\u00a0\u2003Damage \n')).toBe('Hail Damage');
  });

  it('splits like CLIP’s regex: contractions, letter runs, single digits, punctuation runs', () => {
    expect(preTokenize("Driver's 2019 Camry, isn't it?!")).toEqual([
      'driver',
      "'s",
      '2',
      '0',
      '1',
      '9',
      'camry',
      ',',
      'isn',
      "'t",
      'it',
      '?!',
    ]);
  });

  it('lowercases like Python: final sigma, dotted capital I', () => {
    // The combining dot (U+0307) is a mark, not a letter, so it is a piece of its own.
    expect(preTokenize('ΟΔΟΣ İstanbul')).toEqual(['οδος', 'i', '\u0307', 'stanbul']);
  });

  it('matches the IGNORECASE quirks of Python’s regex: long s contraction, U+0345 dropped', () => {
    expect(preTokenize("it'ſ")).toEqual(['it', "'ſ"]);
    expect(preTokenize('a\u0345b')).toEqual(['a', 'b']);
  });

  it('keeps characters lowercased only by newer Unicode as they are, like Python 3.11', () => {
    expect(pythonLower('\ua7cbΣ')).toBe('\ua7cbσ');
    expect(pythonLower('ΑΣ\ua7cb')).toBe('ας\ua7cb');
  });
});
