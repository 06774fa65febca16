import { randomBytes } from 'node:crypto';
import { CipherKeys, deriveKey, FieldCipher, hmacHex, safeEqualHex } from '../common/crypto';
import type { AppConfig } from '../config/app-config';

/**
 * Purposes with a field cipher. Each has its own key per secret (HKDF, info `kpac:<purpose>`),
 * and each must have a rotation target in src/keys/key-rotation.service.ts (a test checks it).
 * `key-wrap` protects stored data keys (below).
 */
export const CIPHER_PURPOSES = ['contact', 'response-link', 'totp', 'key-wrap', 'telegram'] as const;
export type CipherPurpose = (typeof CIPHER_PURPOSES)[number];

/**
 * Purposes whose key must outlive the secret because what it protects cannot be re-encrypted:
 * tracking codes are kept only as keyed hashes, so their key is stored in the key table, wrapped
 * under `key-wrap`, and rotation re-wraps it. Its value is the one earlier versions derived from
 * APP_SECRET, so hashes written before the key table existed still match. `telegram-chat` keys
 * the hash of Telegram chat ids, so /forget still finds a chat after the secret changed.
 */
export const DATA_KEY_PURPOSES = ['tracking-code', 'telegram-chat'] as const;
export type DataKeyPurpose = (typeof DATA_KEY_PURPOSES)[number];

/**
 * Purposes whose ciphertexts live in files outside the database (backups). Restoring starts from
 * an empty database, so their key ids cannot come from the key table: each file carries a random
 * id and its check value (as a key-table row would), which tells which configured secret opens
 * it. A file cannot be re-encrypted: keep an old secret in APP_SECRET_PREVIOUS while backups
 * taken under it are kept.
 */
export const FILE_KEY_PURPOSES = ['backup'] as const;
export type FileKeyPurpose = (typeof FILE_KEY_PURPOSES)[number];

/** The key of one file: its random id, the check value written beside it, and the key. */
export interface FileKey {
  kid: string;
  checkValue: string;
  key: Buffer;
}

/** A row of the key table as the ring needs it. */
export interface KeyRecord {
  kid: string;
  purpose: string;
  checkValue: string | null;
  keyEnc: string | null;
  createdAt: Date;
  retiredAt: Date | null;
}

/** A new random key id: 72 bits, base64url (never a ':'), unrelated to any secret. */
export function newKid(): string {
  return randomBytes(9).toString('base64url');
}

export const wrapAad = (kid: string) => `encryption_keys.key_enc:${kid}`;

/**
 * Tells which configured secret a key id belongs to without storing anything derived from the
 * secret alone: an HMAC under the purpose's derived key, over the purpose and the random id.
 */
export function keyCheckValue(key: Buffer, purpose: string, kid: string): string {
  return hmacHex(key, `kpac-key-check:${purpose}:${kid}`);
}

export class KeyRingNotLoadedError extends Error {
  constructor(purpose: string) {
    super(`The key ring has no current key for "${purpose}" yet: it is loaded when the application starts (KeyRingService)`);
  }
}

/**
 * The encryption keys of this process: one per purpose and configured secret (APP_SECRET first,
 * then APP_SECRET_PREVIOUS), the random key ids the key table gives them, and the stored data
 * keys. Encryption always uses the current secret's key; decryption takes whichever configured
 * key the envelope's id names. Loaded once at start-up (KeyRingService); encrypt and decrypt
 * stay synchronous.
 */
export class KeyRing {
  /** APP_SECRET, then each APP_SECRET_PREVIOUS. */
  readonly secrets: readonly string[];
  private readonly derived = new Map<string, Buffer>();
  /** kid → the configured secret it belongs to. */
  private readonly kids = new Map<string, { purpose: string; secretIndex: number }>();
  private readonly currentKids = new Map<string, string>();
  private readonly dataKeys = new Map<string, { kid: string; key: Buffer }[]>();
  private records: KeyRecord[] = [];

  constructor(secrets: readonly string[]) {
    if (!secrets.length) throw new Error('A key ring needs at least one secret');
    this.secrets = secrets;
  }

  get loaded(): boolean {
    return CIPHER_PURPOSES.every((p) => this.currentKids.has(p)) && DATA_KEY_PURPOSES.every((p) => this.dataKeys.has(p));
  }

  /** The key of `purpose` derived from the configured secret at `secretIndex`. */
  derivedKey(purpose: string, secretIndex: number): Buffer {
    const id = `${secretIndex}:${purpose}`;
    let key = this.derived.get(id);
    if (!key) {
      key = deriveKey(this.secrets[secretIndex], purpose);
      this.derived.set(id, key);
    }
    return key;
  }

  /** Which configured secret a key-table row's check value belongs to, or null for none. */
  secretIndexOf(record: Pick<KeyRecord, 'kid' | 'purpose' | 'checkValue'>): number | null {
    if (!record.checkValue) return null;
    for (let i = 0; i < this.secrets.length; i++) {
      if (safeEqualHex(keyCheckValue(this.derivedKey(record.purpose, i), record.purpose, record.kid), record.checkValue)) return i;
    }
    return null;
  }

  /** A new key-table row for the current secret's key of this purpose. */
  newCipherRecord(purpose: CipherPurpose, now: Date): KeyRecord {
    const kid = newKid();
    return { kid, purpose, checkValue: keyCheckValue(this.derivedKey(purpose, 0), purpose, kid), keyEnc: null, createdAt: now, retiredAt: null };
  }

  /** A new stored data key, wrapped under the current key-wrap key (needs the ciphers applied first). */
  newDataKeyRecord(purpose: DataKeyPurpose, now: Date): KeyRecord {
    const kid = newKid();
    const value = this.derivedKey(purpose, 0);
    return { kid, purpose, checkValue: null, keyEnc: this.cipher('key-wrap').encrypt(value.toString('base64'), wrapAad(kid)), createdAt: now, retiredAt: null };
  }

  /**
   * Takes the key table's rows. Cipher purposes get their current kid (the oldest row of the
   * current secret); stored data keys are unwrapped, and one that no configured secret opens
   * stops start-up, since every tracking code would stop matching.
   */
  apply(records: KeyRecord[]): void {
    this.records = [...records].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || (a.kid < b.kid ? -1 : 1));
    this.kids.clear();
    this.currentKids.clear();
    for (const r of this.records) {
      if (!(CIPHER_PURPOSES as readonly string[]).includes(r.purpose)) continue;
      const secretIndex = this.secretIndexOf(r);
      if (secretIndex === null) continue;
      this.kids.set(r.kid, { purpose: r.purpose, secretIndex });
      if (secretIndex === 0 && !this.currentKids.has(r.purpose)) this.currentKids.set(r.purpose, r.kid);
    }
    this.dataKeys.clear();
    if (!this.currentKids.has('key-wrap')) return;
    const wrap = this.cipher('key-wrap');
    for (const r of this.records) {
      if (!(DATA_KEY_PURPOSES as readonly string[]).includes(r.purpose) || !r.keyEnc) continue;
      let value: string;
      try {
        value = wrap.decrypt(r.keyEnc, wrapAad(r.kid));
      } catch {
        throw new Error(
          `Stored key ${r.kid} (${r.purpose}) is wrapped under a secret that is not configured: set APP_SECRET_PREVIOUS to the earlier secret, then run npm run rotate-keys`,
        );
      }
      const list = this.dataKeys.get(r.purpose) ?? [];
      list.push({ kid: r.kid, key: Buffer.from(value, 'base64') });
      this.dataKeys.set(r.purpose, list);
    }
  }

  /** A fresh key id for a new file of this purpose, under the current secret. */
  newFileKey(purpose: FileKeyPurpose): FileKey {
    const kid = newKid();
    const key = this.derivedKey(purpose, 0);
    return { kid, checkValue: keyCheckValue(key, purpose, kid), key };
  }

  /** The key a file's id and check value name, from whichever configured secret matches; null for none. */
  fileKey(purpose: FileKeyPurpose, kid: string, checkValue: string): Buffer | null {
    const i = this.secretIndexOf({ kid, purpose, checkValue });
    return i === null ? null : this.derivedKey(purpose, i);
  }

  missingCipherPurposes(): CipherPurpose[] {
    return CIPHER_PURPOSES.filter((p) => !this.currentKids.has(p));
  }

  missingDataKeys(): DataKeyPurpose[] {
    return DATA_KEY_PURPOSES.filter((p) => !this.dataKeys.has(p));
  }

  /** Key ids (of rows the ring knows) that belong to the current secret, per purpose. */
  currentSecretKids(purpose: string): string[] {
    return [...this.kids].filter(([, v]) => v.purpose === purpose && v.secretIndex === 0).map(([kid]) => kid);
  }

  /** Rows whose check value matches no secret configured now, or an earlier one. */
  recordsNotOfCurrentSecret(): KeyRecord[] {
    return this.records.filter((r) => r.checkValue !== null && this.kids.get(r.kid)?.secretIndex !== 0);
  }

  cipher(purpose: CipherPurpose): FieldCipher {
    if (!(CIPHER_PURPOSES as readonly string[]).includes(purpose)) {
      throw new Error(`Unknown key purpose "${purpose}": declare it in CIPHER_PURPOSES (src/keys/key-ring.ts) with a rotation target`);
    }
    const keys: CipherKeys = {
      current: () => {
        const kid = this.currentKids.get(purpose);
        if (!kid) throw new KeyRingNotLoadedError(purpose);
        return { kid, key: this.derivedKey(purpose, 0) };
      },
      byKid: (kid) => {
        const known = this.kids.get(kid);
        return known && known.purpose === purpose ? this.derivedKey(purpose, known.secretIndex) : undefined;
      },
      all: () => this.secrets.map((_, i) => this.derivedKey(purpose, i)),
    };
    return new FieldCipher(keys);
  }

  /**
   * The stored key of a data-key purpose (new hashes) and every key a stored hash may have been
   * made with: the stored keys, and, for hashes older than the key table, the derived keys of the
   * configured secrets.
   */
  dataKey(purpose: DataKeyPurpose): { current: Buffer; all: Buffer[] } {
    const stored = this.dataKeys.get(purpose);
    if (!stored?.length) throw new KeyRingNotLoadedError(purpose);
    const all = [...stored.map((s) => s.key)];
    for (let i = 0; i < this.secrets.length; i++) {
      const key = this.derivedKey(purpose, i);
      if (!all.some((k) => k.equals(key))) all.push(key);
    }
    return { current: stored[0].key, all };
  }
}

type SecretsConfig = Pick<AppConfig, 'appSecret' | 'appSecretPrevious'>;
const rings = new WeakMap<SecretsConfig, KeyRing>();

/**
 * The key ring of one application (one configuration object): every FieldCipher and the tracking
 * code hasher come from here, so the services keep building them in their constructors.
 */
export function keyRingFor(config: SecretsConfig): KeyRing {
  let ring = rings.get(config);
  if (!ring) {
    ring = new KeyRing([config.appSecret, ...(config.appSecretPrevious ?? [])]);
    rings.set(config, ring);
  }
  return ring;
}
