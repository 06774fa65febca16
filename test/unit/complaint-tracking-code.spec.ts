import { generateTrackingCode, normaliseTrackingCode, TrackingCodeHasher } from '../../src/complaints/tracking-code';

describe('tracking codes', () => {
  it('are 16 symbols of Crockford base32 (80 bits) in four groups, without I, L, O, U', () => {
    for (let i = 0; i < 500; i++) {
      const code = generateTrackingCode();
      expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(code).not.toMatch(/[ILOU]/);
    }
  });

  it('use every symbol of the alphabet and do not repeat', () => {
    const codes = new Set<string>();
    const symbols = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = generateTrackingCode();
      codes.add(c);
      for (const ch of c.replace(/-/g, '')) symbols.add(ch);
    }
    expect(codes.size).toBe(2000);
    expect(symbols.size).toBe(32);
  });

  it('accept what people type: lower case, spaces, no dashes, O for 0 and I/L for 1', () => {
    expect(normaliseTrackingCode('7kq4 m2xr 9tdf h3wp')).toBe('7KQ4M2XR9TDFH3WP');
    expect(normaliseTrackingCode('IOOO-oooo-OOOO-LOOl')).toBe('1000000000001001');
    expect(normaliseTrackingCode('short')).toBeNull();
    expect(normaliseTrackingCode('UUUU-UUUU-UUUU-UUUU')).toBeNull();
  });

  it('hash bound to the reference and the secret', () => {
    const h = TrackingCodeHasher.fromSecret('s'.repeat(32));
    const code = generateTrackingCode();
    const stored = h.hash('BKH-26-0001', normaliseTrackingCode(code)!);
    expect(stored).toMatch(/^[0-9a-f]{64}$/);
    expect(stored).not.toContain(code.replace(/-/g, ''));
    expect(h.matches('BKH-26-0001', code.toLowerCase(), stored)).toBe(true);
    expect(h.matches('BKH-26-0002', code, stored)).toBe(false);
    expect(h.matches('BKH-26-0001', generateTrackingCode(), stored)).toBe(false);
    expect(TrackingCodeHasher.fromSecret('t'.repeat(32)).matches('BKH-26-0001', code, stored)).toBe(false);
  });
});
