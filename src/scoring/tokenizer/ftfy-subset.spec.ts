import { fixText } from './ftfy-subset';
import { repairUtf8Mojibake } from './mojibake';

// Expected values are ftfy 6's documented behaviour (its docstrings and the CLIP reference README).
describe('fixText (ftfy subset)', () => {
  it.each<[string, string, string]>([
    ['uncurls quotes', '\u201chere\u2019s a test\u201d', '"here\'s a test"'],
    ['splits Latin ligatures', 'ﬂuﬃeﬆ', 'fluffiest'],
    ['maps full width to ASCII and U+3000 to a space', 'ＬＯＵＤ\u3000ＮＯＩＳＥＳ', 'LOUD NOISES'],
    ['maps half-width katakana to standard width', 'Ｕﾀｰﾝ', 'Uターン'],
    ['removes ANSI terminal escapes', "\x1b[36;44mI'm blue\x1b[0m", "I'm blue"],
    ['removes control characters and the BOM', 'tab\x00null\x07bell\ufeff', 'tabnullbell'],
    ['keeps tab, LF, FF and CR-as-LF', 'a\tb\x0cc\r\nd', 'a\tb\x0cc\nd'],
    ['reads C1 controls as Windows-1252', 'a\x85b', 'a…b'],
    ['normalizes to NFC', 'cafe\u0301', 'café'],
    ['replaces unpaired surrogates', 'a\ud800b', 'a\ufffdb'],
    ['unescapes entities repeatedly when there is no markup', 'water &amp;amp; mold', 'water & mold'],
    ['leaves entities alone once a line has "<"', '<b>water &amp; mold</b>', '<b>water &amp; mold</b>'],
    ['stops unescaping for the lines after markup too', '<p>\n&amp;', '<p>\n&amp;'],
    ['still unescapes lines before markup', '&amp;\n<p>', '&\n<p>'],
    ['repairs UTF-8 read as Latin-1', 'cafÃ© faÃ§ade', 'café façade'],
    ['repairs UTF-8 read as Windows-1252', 'This â€” should be an em dash', 'This — should be an em dash'],
    ['repairs mojibake that contains C1 controls', 'sad .â\x81\u201d.', 'sad .⁔.'],
    ['repairs emoji mojibake', 'car ðŸš—', 'car 🚗'],
    ['repairs mojibake next to text that is fine', 'naïve cafÃ©', 'naïve café'],
    ['repairs mojibake of mojibake', 'cafÃƒÂ©', 'café'],
    ['keeps real accented text', 'naïve résumé über straße', 'naïve résumé über straße'],
    ['keeps an accented capital before a closing quote', 'CAFÉ\u201d', 'CAFÉ"'],
    ['keeps an ellipsis and quote after an accented letter', 'Brontë…\u201d', 'Brontë…"'],
    ['keeps ambiguous text with no other evidence', 'AHÅ™, the new sofa from IKEA®', 'AHÅ™, the new sofa from IKEA®'],
  ])('%s', (_name, input, expected) => {
    expect(fixText(input)).toBe(expected);
  });

  it('leaves ASCII text untouched', () => {
    expect(fixText('hail damage to the roof')).toBe('hail damage to the roof');
    expect(fixText('')).toBe('');
  });
});

describe('repairUtf8Mojibake', () => {
  it.each<[string, string, string]>([
    ['decodes a single sequence', 'Ãºnico', 'único'],
    ['decodes a single sequence', 'sÃ³', 'só'],
    ['does not decode a lone lead character', 'SÃO PAULO', 'SÃO PAULO'],
  ])('%s: %s', (_name, input, expected) => {
    expect(repairUtf8Mojibake(input)).toBe(expected);
  });
});
