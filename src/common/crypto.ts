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

/**
 * AES-256-GCM envelope `v1:<kid>:<iv>:<tag>:<ct>` (base64url parts). The key id lets keys rotate;
 * associated data binds a ciphertext to its table, column and row so it cannot be moved.
 */
export class FieldCipher {
  constructor(
    private readonly keys: Map<string, Buffer>,
    private readonly currentKid: string,
  ) {}

  static fromSecret(secret: string, purpose: string, oldSecrets: string[] = []): FieldCipher {
    const keys = new Map<string, Buffer>();
    const kidOf = (s: string) => sha256Hex(`kid:${purpose}:${s}`).slice(0, 8);
    for (const s of oldSecrets) keys.set(kidOf(s), deriveKey(s, purpose));
    keys.set(kidOf(secret), deriveKey(secret, purpose));
    return new FieldCipher(keys, kidOf(secret));
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKid)!, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', this.currentKid, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(envelope: string, aad: string): string {
    const [v, kid, iv, tag, ct] = envelope.split(':');
    if (v !== 'v1' || !kid || !iv || !tag || ct === undefined) throw new Error('Unknown ciphertext format');
    const key = this.keys.get(kid);
    if (!key) throw new Error('Ciphertext key is not available');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}
