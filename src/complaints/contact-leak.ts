import type { ContactDetails } from './contact-cipher';

const digits = (s: string) => s.replace(/\D+/g, '');

/**
 * Whether a text written by staff contains the complainant's contact details: her phone (its last
 * six digits, in any digit run written with separators such as `+992 90 123-45-67`, never joined
 * across words), her e-mail or other contact as written. Used for every text that leaves the
 * council: the summary for a facility and the public note on an outcome.
 */
export function containsContact(text: string, contact: ContactDetails | null): boolean {
  if (!contact) return false;
  const plain = text.toLowerCase();
  const runs = (text.match(/\d[\d\s().+-]*\d/g) ?? []).map(digits);
  return (['phone', 'email', 'other'] as const).some((k) => {
    const v = contact[k]?.trim();
    if (!v) return false;
    if (k === 'phone' && digits(v).length >= 6) return runs.some((r) => r.includes(digits(v).slice(-6)));
    return v.length >= 4 && plain.includes(v.toLowerCase());
  });
}
