import { randomBytes } from 'node:crypto';
import { deriveKey, hmacHex, safeEqualHex } from '../common/crypto';
import type { AppConfig } from '../config/app-config';
import { keyRingFor } from '../keys/key-ring';

/** Crockford base32 without I, L, O, U: nothing that reads aloud or looks like another symbol. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 16 symbols × 5 bits = 80 bits of entropy. */
const LENGTH = 16;

/** A new tracking code grouped for reading aloud, e.g. `7KQ4-M2XR-9TDF-H3WP`. */
export function generateTrackingCode(): string {
  const bytes = randomBytes(LENGTH);
  let out = '';
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  for (let i = 0; i < LENGTH; i++) out += ALPHABET[bytes[i] % 32];
  return out.match(/.{4}/g)!.join('-');
}

/**
 * What the submitter typed, in canonical form: case, spaces and dashes ignored, and the
 * look-alikes Crockford maps (I, L → 1; O → 0) accepted. Null when it cannot be a code.
 */
export function normaliseTrackingCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (s.length !== LENGTH) return null;
  for (const ch of s) if (!ALPHABET.includes(ch)) return null;
  return s;
}

/**
 * Keyed hash of the code bound to its reference. An HMAC rather than a bare SHA-256 so a copy of
 * the database alone does not let anyone test guesses offline. The key outlives APP_SECRET
 * rotations (it is stored wrapped in the key table), since a hash cannot be re-encrypted.
 */
export class TrackingCodeHasher {
  constructor(private readonly keys: () => { current: Buffer; all: Buffer[] }) {}

  /** A hasher on one key derived from a secret (tests, tools). */
  static fromSecret(secret: string): TrackingCodeHasher {
    const key = deriveKey(secret, 'tracking-code');
    return new TrackingCodeHasher(() => ({ current: key, all: [key] }));
  }

  hash(reference: string, normalisedCode: string): string {
    return hmacHex(this.keys().current, `${reference}:${normalisedCode}`);
  }

  matches(reference: string, input: string, storedHash: string): boolean {
    const code = normaliseTrackingCode(input);
    if (code === null) return false;
    // Every key is tried (no early exit), so the time taken says nothing about which matched.
    let found = false;
    for (const key of this.keys().all) found = safeEqualHex(hmacHex(key, `${reference}:${code}`), storedHash) || found;
    return found;
  }
}

/** The hasher of one application: its key comes from the key ring (loaded at start-up). */
export const trackingCodeHasher = (config: Pick<AppConfig, 'appSecret' | 'appSecretPrevious'>) => {
  const ring = keyRingFor(config);
  return new TrackingCodeHasher(() => ring.dataKey('tracking-code'));
};
