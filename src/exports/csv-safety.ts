/**
 * Spreadsheet formula injection: a cell starting with = + - @ (or a tab / carriage return that a
 * spreadsheet strips before them) is run as a formula when the CSV is opened. Such cells get a
 * leading apostrophe, which spreadsheets show as text. Numbers are left alone.
 */
const DANGEROUS_START = /^[=+\-@\t\r]/;

export function safeCell(value: unknown): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const s = String(value);
  return DANGEROUS_START.test(s) ? `'${s}` : s;
}
