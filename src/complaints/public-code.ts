/**
 * The one rule for what people type as a reference or a tracking code. Codes are read off a
 * screen, a photo or a note and typed on Tajik or Russian keyboards, so what arrives is often
 * Cyrillic letters that look Latin, lower case, spaces instead of dashes, or O for 0.
 */

/**
 * Cyrillic letters drawn like a Latin letter or digit (Russian and Tajik keyboards; Қ and Ҳ are
 * К and Х with a tail, З is drawn like 3). Upper case only: input is upper-cased first.
 */
const LOOKALIKES: Record<string, string> = {
  А: 'A',
  В: 'B',
  Е: 'E',
  Ё: 'E',
  З: '3',
  К: 'K',
  Қ: 'K',
  М: 'M',
  Н: 'H',
  О: 'O',
  Р: 'P',
  С: 'C',
  Т: 'T',
  У: 'Y',
  Х: 'X',
  Ҳ: 'X',
  І: 'I',
};
const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');

/** Spaces, dashes of every width, dots, underscores and slashes: any run of them is one separator. */
const SEPARATORS = /[\s\u00A0\u2000-\u200B\u202F\u205F\u3000\-\u2010-\u2015\u2212._/]+/g;

/**
 * Upper case Latin, look-alikes mapped, every run of separators one dash, none at either end.
 * The shared first step of both codes; it changes nothing a correct code contains.
 */
export function canonicalPublicCode(input: string): string {
  return input
    .normalize('NFC')
    .toUpperCase()
    .replace(LOOKALIKE_RE, (ch) => LOOKALIKES[ch])
    .replace(SEPARATORS, '-')
    .replace(/^-+|-+$/g, '');
}

/** Crockford's reading of the look-alike letters: O is 0, I and L are 1. Only where digits belong. */
export const crockfordDigits = (s: string): string => s.replace(/O/g, '0').replace(/[IL]/g, '1');

/**
 * A reference `BKH-26-0042` as typed, in canonical form, or null when it cannot be one. The city
 * part stays letters (a city code may hold O, I or L); the year and the number are digits, so O,
 * I and L there are read as 0 and 1. Separators may be missing (`bkh260042`).
 */
export function normaliseReference(input: string): string | null {
  const s = canonicalPublicCode(input);
  const m = /^([A-Z]{3})-?([0-9OIL]{2})-?([0-9OIL]{4,6})$/.exec(s);
  if (!m) return null;
  return `${m[1]}-${crockfordDigits(m[2])}-${crockfordDigits(m[3])}`;
}

/** Crockford base32 without I, L, O, U: nothing that reads aloud or looks like another symbol. */
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 symbols × 5 bits = 80 bits of entropy. */
export const TRACKING_LENGTH = 16;

/**
 * A tracking code as typed, in canonical form (16 symbols, no separators), or null when it cannot
 * be one. Every symbol is Crockford base32, so O, I and L are read as 0, 1, 1 everywhere.
 */
export function normaliseTrackingCode(input: string): string | null {
  const s = crockfordDigits(canonicalPublicCode(input).replace(/-/g, ''));
  if (s.length !== TRACKING_LENGTH) return null;
  for (const ch of s) if (!TRACKING_ALPHABET.includes(ch)) return null;
  return s;
}

/** A canonical tracking code grouped by four for reading aloud: `7KQ4-M2XR-9TDF-H3WP`. */
export const groupTrackingCode = (code: string): string => code.match(/.{1,4}/g)!.join('-');
