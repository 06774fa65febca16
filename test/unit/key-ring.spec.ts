import { sha256Hex } from '../../src/common/crypto';
import { clientNetwork } from '../../src/common/client-address';
import { CIPHER_PURPOSES, KeyRecord, KeyRing, keyCheckValue, KeyRingNotLoadedError } from '../../src/keys/key-ring';

/** A ring loaded the way KeyRingService loads it, with the table kept in memory. */
function loaded(secrets: string[], table: KeyRecord[] = []): { ring: KeyRing; table: KeyRecord[] } {
  const ring = new KeyRing(secrets);
  ring.apply(table);
  for (const p of ring.missingCipherPurposes()) table.push(ring.newCipherRecord(p, new Date(table.length)));
  ring.apply(table);
  for (const p of ring.missingDataKeys()) table.push(ring.newDataKeyRecord(p, new Date(table.length)));
  ring.apply(table);
  return { ring, table };
}

describe('key ring (issue 11, item 11)', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);

  it('uses random key ids, never a fingerprint of the secret', () => {
    const one = loaded([A]);
    const two = loaded([A]);
    const kid = (ring: KeyRing) => ring.cipher('contact').encrypt('x', 'aad').split(':')[1];
    expect(kid(one.ring)).not.toBe(kid(two.ring));
    expect(kid(one.ring)).not.toBe(sha256Hex(`kid:contact:${A}`).slice(0, 8));
    expect(kid(one.ring)).toMatch(/^[A-Za-z0-9_-]{12}$/);
    // The table holds check values under the derived keys, nothing derived from the secret alone.
    for (const r of one.table) expect(JSON.stringify(r)).not.toContain(sha256Hex(A).slice(0, 8));
  });

  it('tells which configured secret a key id belongs to from its check value', () => {
    const { ring, table } = loaded([A]);
    const next = new KeyRing([B, A]);
    for (const r of table.filter((r) => r.checkValue)) expect(next.secretIndexOf(r)).toBe(1);
    expect(new KeyRing([B]).secretIndexOf(table[0])).toBeNull();
    const forged = { ...table[0], checkValue: keyCheckValue(Buffer.alloc(32), table[0].purpose, table[0].kid) };
    expect(ring.secretIndexOf(forged)).toBeNull();
  });

  it('encrypts under the current secret and still decrypts under APP_SECRET_PREVIOUS', () => {
    const before = loaded([A]);
    const old = before.ring.cipher('contact').encrypt('{"phone":"1"}', 'complaints.contact_enc:7');
    const after = loaded([B, A], before.table);
    const cipher = after.ring.cipher('contact');
    expect(cipher.decrypt(old, 'complaints.contact_enc:7')).toBe('{"phone":"1"}');
    const fresh = cipher.encrypt('{"phone":"2"}', 'complaints.contact_enc:7');
    expect(after.ring.currentSecretKids('contact')).toContain(fresh.split(':')[1]);
    expect(() => cipher.decrypt(old, 'complaints.contact_enc:8')).toThrow();
    // Purposes have their own keys.
    expect(() => after.ring.cipher('response-link').decrypt(fresh, 'complaints.contact_enc:7')).toThrow();
    // Without the old secret the old envelope opens no more.
    expect(() => loaded([B], after.table).ring.cipher('contact').decrypt(old, 'complaints.contact_enc:7')).toThrow();
  });

  it('opens an envelope whose key id it has not loaded (another instance, or the old fingerprint format) by trying its keys', () => {
    const other = loaded([A]);
    const envelope = other.ring.cipher('contact').encrypt('hello', 'aad');
    const mine = loaded([A]); // its own table: it has never seen the other's key id
    expect(mine.ring.cipher('contact').decrypt(envelope, 'aad')).toBe('hello');
  });

  it('refuses to encrypt before it is loaded, and refuses unknown purposes', () => {
    const ring = new KeyRing([A]);
    expect(() => ring.cipher('contact').encrypt('x', 'y')).toThrow(KeyRingNotLoadedError);
    expect(() => ring.cipher('payroll' as never)).toThrow(/Unknown key purpose "payroll"/);
    expect(CIPHER_PURPOSES).toContain('key-wrap');
  });

  it('gives each backup file its own key id; the id and check value find the secret again, also as APP_SECRET_PREVIOUS', () => {
    const a = new KeyRing([A]);
    const one = a.newFileKey('backup');
    const two = a.newFileKey('backup');
    expect(one.kid).not.toBe(two.kid);
    expect(one.key.equals(two.key)).toBe(true);
    expect(a.fileKey('backup', one.kid, one.checkValue)!.equals(one.key)).toBe(true);
    expect(new KeyRing([B, A]).fileKey('backup', one.kid, one.checkValue)!.equals(one.key)).toBe(true);
    expect(new KeyRing([B]).fileKey('backup', one.kid, one.checkValue)).toBeNull();
    expect(a.fileKey('backup', two.kid, one.checkValue)).toBeNull();
    expect(one.key.equals(a.derivedKey('contact', 0))).toBe(false);
  });

  it('keeps the tracking-code key across secrets: stored wrapped, equal to the key earlier versions derived', () => {
    const first = loaded([A]);
    const key = first.ring.dataKey('tracking-code').current;
    const rotated = loaded([B, A], first.table);
    expect(rotated.ring.dataKey('tracking-code').current.equals(key)).toBe(true);
    // Re-wrapped under the new secret (as rotate-keys does), the old secret is no longer needed.
    // Every stored data key (tracking-code, telegram-chat) is re-wrapped.
    for (const record of rotated.table.filter((r) => r.keyEnc)) {
      const plain = rotated.ring.cipher('key-wrap').decrypt(record.keyEnc!, `encryption_keys.key_enc:${record.kid}`);
      record.keyEnc = rotated.ring.cipher('key-wrap').encrypt(plain, `encryption_keys.key_enc:${record.kid}`);
    }
    expect(loaded([B], rotated.table).ring.dataKey('tracking-code').current.equals(key)).toBe(true);
    // Not re-wrapped: starting on the new secret alone stops with a line saying what to do.
    const stale = loaded([A]);
    expect(() => loaded([B], stale.table)).toThrow(/wrapped under a secret that is not configured: set APP_SECRET_PREVIOUS/);
  });
});

describe('clientNetwork', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:1:2::1', '2001:db8:1:2::/64'],
    ['2001:db8:1:2:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s counts as %s', (ip, network) => {
    expect(clientNetwork(ip)).toBe(network);
  });
});
