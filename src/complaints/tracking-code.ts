import { randomBytes } from 'node:crypto';
import { deriveKey, hmacHex, safeEqualHex } from '../common/crypto';
import type { AppConfig } from '../config/app-config';
import { keyRingFor } from '../keys/key-ring';
import { groupTrackingCode, normaliseTrackingCode, TRACKING_ALPHABET, TRACKING_LENGTH } from './public-code';

/** A new tracking code grouped for reading aloud, e.g. `7KQ4-M2XR-9TDF-H3WP`. */
export function generateTrackingCode(): string {
  const bytes = randomBytes(TRACKING_LENGTH);
  let out = '';
  // 256 is a multiple of 32, so `byte % 32` is uniform.
  for (let i = 0; i < TRACKING_LENGTH; i++) out += TRACKING_ALPHABET[bytes[i] % 32];
  return groupTrackingCode(out);
}

// What the submitter typed is read by the public-code rule (look-alikes, separators, O/I/L).
export { normaliseTrackingCode };

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
