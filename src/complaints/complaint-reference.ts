/**
 * A complaint's public reference: the city's code, the two-digit year of receipt (local calendar)
 * and the complaint's number within that city and year, four digits at least: `DSH-26-0042`.
 * REFERENCE_RE (dto/track-complaint.dto.ts) accepts what this writes, up to number 999999.
 */
export function formatReference(cityCode: string, year: number, n: number): string {
  return `${cityCode}-${String(year % 100).padStart(2, '0')}-${String(n).padStart(4, '0')}`;
}
