import { SLIP_WORDS, slipLanguages } from '../../src/slips/slip-pdf';

describe('slip words (issue 15)', () => {
  it('has every key in Tajik, Russian and English, none empty', () => {
    const keys = Object.keys(SLIP_WORDS.en).sort();
    for (const lang of ['tg', 'ru'] as const) expect(Object.keys(SLIP_WORDS[lang]).sort()).toEqual(keys);
    for (const words of Object.values(SLIP_WORDS)) for (const v of Object.values(words)) expect(v.trim()).not.toBe('');
  });

  it('always prints Tajik and Russian, the chosen language first', () => {
    expect(slipLanguages('en')).toEqual(['en', 'tg', 'ru']);
    expect(slipLanguages('ru')).toEqual(['ru', 'tg']);
    expect(slipLanguages('tg')).toEqual(['tg', 'ru']);
  });
});
