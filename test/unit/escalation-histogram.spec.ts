import { addHistogram } from '../../src/statistics/escalation-rollup';

describe('escalation rollup histogram text', () => {
  it('reads back what the rollup writes, adding to what is there', () => {
    const written = new Map<number, number>([
      [0, 3],
      [7, 120],
      [-2, 1],
      [1234, 56],
    ]);
    const text = [...written.entries()].map(([b, n]) => `${b}:${n}`).join(',');
    const hist = new Map<number, number>([[7, 5]]);
    addHistogram(hist, text);
    expect([...hist.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [-2, 1],
      [0, 3],
      [7, 125],
      [1234, 56],
    ]);
    addHistogram(hist, '');
    expect(hist.size).toBe(4);
  });
});
