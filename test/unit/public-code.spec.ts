import { canonicalPublicCode, normaliseReference, normaliseTrackingCode } from '../../src/complaints/public-code';
import { REFERENCE_RE } from '../../src/complaints/dto/track-complaint.dto';

/** What people type (read off a screen, a photo, a note; on Tajik or Russian keyboards) and what it means. */
describe('public codes as people type them', () => {
  const references: [string, string | null][] = [
    ['BKH-26-0002', 'BKH-26-0002'],
    ['bkh-26-0002', 'BKH-26-0002'],
    // Cyrillic В, К, Н: looks exactly like BKH.
    ['ВКН-26-0002', 'BKH-26-0002'],
    ['вкн-26-0002', 'BKH-26-0002'],
    // Tajik Қ for K.
    ['BҚH-26-0002', 'BKH-26-0002'],
    ['BKH 26 0002', 'BKH-26-0002'],
    ['  BKH  -  26 -- 0002 ', 'BKH-26-0002'],
    ['BKH.26.0002', 'BKH-26-0002'],
    ['BKH_26_0002', 'BKH-26-0002'],
    ['BKH–26—0002', 'BKH-26-0002'],
    ['BKH\u00A026\u00A00002', 'BKH-26-0002'],
    ['bkh260002', 'BKH-26-0002'],
    // O, I, L in the digit parts are 0 and 1 (Cyrillic О too); the city's letters stay letters.
    ['BKH-26-OOO2', 'BKH-26-0002'],
    ['BKH-26-ОООI', 'BKH-26-0001'],
    ['DSH-2l-0042', 'DSH-21-0042'],
    ['KLB-26-0042', 'KLB-26-0042'],
    ['KOL-26-123456', 'KOL-26-123456'],
    ['BKH-26-000', null],
    ['BKH-26-1234567', null],
    ['BK-26-0002', null],
    ['B1H-26-0002', null],
    ['BKH-26-00X2', null],
    ['', null],
  ];
  it.each(references)('reference %j → %j', (typed, expected) => {
    expect(normaliseReference(typed)).toBe(expected);
    if (expected) expect(expected).toMatch(REFERENCE_RE);
  });

  const codes: [string, string | null][] = [
    ['7KQ4-M2XR-9TDF-H3WP', '7KQ4M2XR9TDFH3WP'],
    ['7kq4 m2xr 9tdf h3wp', '7KQ4M2XR9TDFH3WP'],
    ['7KQ4M2XR9TDFH3WP', '7KQ4M2XR9TDFH3WP'],
    ['7KQ4.M2XR.9TDF.H3WP', '7KQ4M2XR9TDFH3WP'],
    ['7KQ4 — M2XR – 9TDF _ H3WP', '7KQ4M2XR9TDFH3WP'],
    // Cyrillic К, М, Х, Т, Н, Р, Е, С, В, А typed for their Latin twins.
    ['7КQ4-М2ХR-9ТDF-Н3WР', '7KQ4M2XR9TDFH3WP'],
    ['ЕСВА-ЕСВА-ЕСВА-ЕСВА', 'ECBAECBAECBAECBA'],
    ['есва-есва-есва-есва', 'ECBAECBAECBAECBA'],
    // Crockford: O → 0, I and L → 1 everywhere in a code (Cyrillic О too).
    ['IOOO-oooo-OOOO-LOOl', '1000000000001001'],
    ['ОООО-0000-0000-0000', '0000000000000000'],
    // Cyrillic З drawn as 3, Ҳ and Х as X, У as Y.
    ['ЗЗЗЗ-ҲҲҲҲ-УУУУ-XXXX', '3333XXXXYYYYXXXX'],
    ['short', null],
    ['UUUU-UUUU-UUUU-UUUU', null],
    ['7KQ4-M2XR-9TDF-H3W', null],
    ['7KQ4-M2XR-9TDF-H3WPP', null],
    ['7KQ4-M2XR-9TDF-H3W!', null],
  ];
  it.each(codes)('tracking code %j → %j', (typed, expected) => {
    expect(normaliseTrackingCode(typed)).toBe(expected);
  });

  it('leaves a correct code as it is and never joins or splits letters', () => {
    expect(canonicalPublicCode('BKH-26-0002')).toBe('BKH-26-0002');
    expect(canonicalPublicCode('-- a b --')).toBe('A-B');
  });
});
