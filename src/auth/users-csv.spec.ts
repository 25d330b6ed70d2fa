import { toCsv } from './users.service';

describe('access review CSV', () => {
  it('quotes every cell, doubles quotes, ends lines with CRLF and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x"y', null],
          ['=SUM(A1)', true],
          ['-1', 3],
        ],
      ),
    ).toBe('"a","b"\r\n"x""y",""\r\n"\'=SUM(A1)","true"\r\n"\'-1","3"\r\n');
  });
});
