import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** A 32-byte key for one purpose, derived from the master secret (HKDF-SHA-256). */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.alloc(0), Buffer.from(`kpac:${purpose}`, 'utf8'), 32));
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export function hmacHex(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

export function safeEqualHex(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && ab.length > 0 && timingSafeEqual(ab, bb);
}

/** ≥128-bit random token, URL-safe. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The keys one FieldCipher works with; the key ring (src/keys/key-ring.ts) provides them. */
export interface CipherKeys {
  /** The key new ciphertexts are written under, with its id. */
  current(): { kid: string; key: Buffer };
  /** The key with this id, when the ring knows which configured secret it comes from. */
  byKid(kid: string): Buffer | undefined;
  /** Every configured key of this purpose, current first. */
  all(): Buffer[];
}

/**
 * AES-256-GCM envelope `v1:<kid>:<iv>:<tag>:<ct>` (base64url parts). The key id is a random
 * identifier from the key table, so a stored value says which key wrote it but nothing about the
 * secret; associated data binds a ciphertext to its table, column and row so it cannot be moved.
 */
export class FieldCipher {
  constructor(private readonly keys: CipherKeys) {}

  encrypt(plaintext: string, aad: string): string {
    const { kid, key } = this.keys.current();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', kid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(envelope: string, aad: string): string {
    const [v, kid, iv, tag, ct] = envelope.split(':');
    if (v !== 'v1' || !kid || !iv || !tag || ct === undefined) throw new Error('Unknown ciphertext format');
    const known = this.keys.byKid(kid);
    // An id this process does not know (written by another instance that created a key after
    // this one started, or an id from before ids were random): every configured key is tried;
    // GCM's tag tells the right one.
    for (const key of known ? [known] : this.keys.all()) {
      const plain = openEnvelope(key, iv, tag, ct, aad);
      if (plain !== null) return plain;
    }
    throw new Error(known ? 'Ciphertext does not authenticate' : 'Ciphertext key is not available: was it written under a secret that is no longer configured?');
  }

  /** The key id of an envelope, or null when it is not one. */
  static kidOf(envelope: string): string | null {
    const [v, kid] = envelope.split(':');
    return v === 'v1' && kid ? kid : null;
  }
}

function openEnvelope(key: Buffer, iv: string, tag: string, ct: string, aad: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
