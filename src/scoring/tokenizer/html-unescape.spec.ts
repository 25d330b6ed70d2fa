import { ftfyUnescapeHtml, pythonHtmlUnescape } from './html-unescape';

describe('pythonHtmlUnescape (Python html.unescape)', () => {
  // Expected values were produced by Python 3.11's html.unescape.
  const pythonResults: Array<[string, string]> = [
    ['&copy 2020', '\u00a9 2020'],
    ['&notit;', '\u00acit;'],
    ['AT&T &amp', 'AT&T &'],
    ['&amp;amp;', '&amp;'],
    ['&#128;', '\u20ac'],
    ['&#x9d;', '\u009d'],
    ['&#0;', '\ufffd'],
    ['&#x110000;', '\ufffd'],
    ['&#xD800;', '\ufffd'],
    ['&#11;', ''],
    ['&#x7F;', ''],
    ['&#xFFFE;', ''],
    ['&#65', 'A'],
    ['&#X263a;', '\u263a'],
    ['&#59;', ';'],
    ['&LT;', '<'],
    ['&ltdot;', '\u22d6'],
    ['&LTDOT;', '<DOT;'],
    ['&EACUTE;', '&EACUTE;'],
    ['&Eacute;', '\u00c9'],
    ['&eacute', '\u00e9'],
    ['&#13;', '\r'],
    ['&#;', '&#;'],
    ['&zzz;', '&zzz;'],
    ['&NewLine;', '\n'],
    ['&copy2020', '\u00a92020'],
    ['&lt\u00e9', '<\u00e9'],
    ['&;', '&;'],
  ];

  it.each(pythonResults)('%j -> %j', (input, expected) => {
    expect(pythonHtmlUnescape(input)).toBe(expected);
  });

  it('decodes the astral-plane names', () => {
    expect(pythonHtmlUnescape('&Jscr;')).toBe('\u{1d4a5}');
  });
});

describe('ftfyUnescapeHtml (ftfy fixer)', () => {
  it('decodes only references that end in a semicolon', () => {
    expect(ftfyUnescapeHtml('&lt;tag&gt; &copy 2020 &amp')).toBe('<tag> &copy 2020 &amp');
  });

  it('decodes all-caps spellings of lowercase names, unless Python would read them differently', () => {
    expect(ftfyUnescapeHtml('P&EACUTE;REZ')).toBe('PÉREZ');
    expect(ftfyUnescapeHtml('BUNDESSTRA&SZLIG;E')).toBe('BUNDESSTRASSE');
    expect(ftfyUnescapeHtml('&ntilde; &Ntilde; &NTILDE; &nTILDE;')).toBe('ñ Ñ Ñ &nTILDE;');
    expect(ftfyUnescapeHtml('&LTDOT;')).toBe('&LTDOT;');
  });

  it('decodes numeric references only when the semicolon is consumed', () => {
    expect(ftfyUnescapeHtml('it&#x2019;s')).toBe('it\u2019s');
    expect(ftfyUnescapeHtml('&#59;')).toBe('&#59;');
  });

  it('decodes one level per call (ftfy repeats until stable)', () => {
    expect(ftfyUnescapeHtml('&amp;amp;')).toBe('&amp;');
  });
});
