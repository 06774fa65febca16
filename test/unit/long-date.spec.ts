import { longDate } from '../../src/common/long-date';

describe('dates as a reader of mail writes them', () => {
  it.each([
    ['2026-12-12', 'ru', '12 декабря 2026 г.'],
    ['2026-03-01', 'ru', '1 марта 2026 г.'],
    ['2026-12-12', 'tg', '12 декабри 2026'],
    ['2026-01-05', 'tg', '5 январи 2026'],
    ['2026-05-31', 'tg', '31 майи 2026'],
    ['2026-12-12', 'en', '12 December 2026'],
  ] as const)('%s in %s: %s', (day, lang, expected) => {
    expect(longDate(day, lang)).toBe(expected);
  });

  it('Tajik has a genitive month for every month, none the same', () => {
    const months = Array.from({ length: 12 }, (_, i) => longDate(`2026-${String(i + 1).padStart(2, '0')}-10`, 'tg').split(' ')[1]);
    expect(new Set(months).size).toBe(12);
    expect(months.every((m) => /^[а-яӣӯҳҷқғ]+и$/.test(m))).toBe(true);
  });
});
