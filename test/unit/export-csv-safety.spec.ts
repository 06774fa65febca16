import { stringify } from 'csv-stringify/sync';
import { safeCell } from '../../src/exports/csv-safety';

describe('CSV formula-injection safety', () => {
  it.each(['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1:A2)', '\t=1', '\r=1'])('neutralises %j', (v) => {
    const out = safeCell(v);
    expect(out).toBe(`'${v}`);
  });

  it('leaves ordinary text, numbers and empty values alone', () => {
    expect(safeCell('The site closes at noon')).toBe('The site closes at noon');
    expect(safeCell('a=b')).toBe('a=b');
    expect(safeCell(-5)).toBe(-5);
    expect(safeCell(null)).toBe('');
    expect(safeCell(true)).toBe('true');
  });

  it('survives CSV quoting: the cell never starts with = once written', () => {
    const line = stringify([[safeCell('=cmd|"/C calc"!A0'), safeCell('line\nbreak, comma')]]);
    expect(line).toBe(`"'=cmd|""/C calc""!A0","line\nbreak, comma"\n`);
  });
});
