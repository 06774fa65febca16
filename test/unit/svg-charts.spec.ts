import en from '../../src/i18n/en/web.json';
import ru from '../../src/i18n/ru/web.json';
import tg from '../../src/i18n/tg/web.json';
import { quarterLabel } from '../../src/web/dashboard-views.service';
import { CHART_WIDTH, horizontalBars } from '../../src/web/svg-charts';

const translator = (words: { stats: Record<string, string> }) => (key: string, args: Record<string, unknown> = {}) =>
  words.stats[key.replace(/^stats\./, '')].replace(/\{(\w+)\}/g, (_, n: string) => String(args[n]));

describe('charts for phones', () => {
  it.each([
    [ru, '2026-Q4', 'IV кв. 2026'],
    [tg, '2026-Q4', 'Семоҳаи IV 2026'],
    [en, '2026-Q4', 'Q4 2026'],
    [ru, '2025-Q1', 'I кв. 2025'],
    [tg, '2025-Q2', 'Семоҳаи II 2025'],
  ])('quarter %#: %s → %s', (words, key, expected) => {
    expect(quarterLabel(key, translator(words))).toBe(expected);
  });

  it('draws 328 units wide (1 unit = 1 px at 360 px), text of 14 units, labels above their bars, long texts wrapped', () => {
    const svg = horizontalBars('By facility', [
      { label: 'Пункт заместительной терапии при городской больнице №1 города Бохтар', value: 0.6, display: '60%', words: 'решено положительно: 3 из 5 жалоб' },
      { label: 'Другие (малые группы вместе)', value: null, display: 'скрыто', words: 'скрыто: меньше 5, чтобы никого нельзя было узнать' },
    ], 1);
    expect(svg).toMatch(new RegExp(`^<svg [^>]*viewBox="0 0 ${CHART_WIDTH} \\d+" width="${CHART_WIDTH}"`));
    const sizes = [...svg.matchAll(/font-size="(\d+)"/g)].map((m) => Number(m[1]));
    expect(sizes.length).toBeGreaterThan(6);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(14);
    const texts = [...svg.matchAll(/<text x="(\d+)" y="(\d+)"[^>]*>([^<]*)<\/text>/g)].map((m) => ({ x: Number(m[1]), y: Number(m[2]), s: m[3] }));
    // At most 42 characters a line (≈ 7.5 px each at 14 px): nothing runs past 328 px.
    expect(Math.max(...texts.map((x) => x.s.length))).toBeLessThanOrEqual(42);
    expect(texts.map((x) => x.s)).toEqual(expect.arrayContaining(['Пункт заместительной терапии при городской', 'больнице №1 города Бохтар', 'решено положительно: 3 из 5 жалоб', '60%']));
    // The label is above its bar.
    const firstBar = Number(/<rect x="0" y="(\d+)"/.exec(svg)![1]);
    expect(texts[0].y).toBeLessThan(firstBar);
    // The whole label and the words are in the description for screen readers.
    expect(svg).toContain('<desc>Пункт заместительной терапии при городской больнице №1 города Бохтар: 60%, решено положительно: 3 из 5 жалоб;');
  });
});
