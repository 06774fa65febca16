import { formatReference } from '../../src/complaints/complaint-reference';
import { REFERENCE_RE } from '../../src/complaints/dto/track-complaint.dto';

describe('formatReference', () => {
  it('writes city code, two-digit year and a number of four digits at least', () => {
    expect(formatReference('DSH', 2026, 42)).toBe('DSH-26-0042');
    expect(formatReference('BKH', 2031, 12345)).toBe('BKH-31-12345');
    expect(formatReference('KLB', 2100, 1)).toBe('KLB-00-0001');
  });

  it('writes what the tracking form accepts', () => {
    for (const n of [1, 9999, 10_000, 999_999]) expect(formatReference('KHJ', 2027, n)).toMatch(REFERENCE_RE);
  });
});
