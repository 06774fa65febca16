import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { KeyRing } from '../keys/key-ring';

/**
 * The backup file: a header in clear, then the snapshot in AES-256-GCM frames, then the manifest
 * in a last frame.
 *
 *   "KPACBAK1" | u32 header length | header JSON | frames…
 *   frame: u8 kind (0 data, 1 manifest) | u32 ciphertext length | ciphertext | 16-byte tag
 *
 * The header names the key (a random id and its check value: which configured secret opens the
 * file) and a random salt; the file's key is HKDF(backup key, salt), so frame nonces are simply
 * the frame's number. Every frame authenticates the whole header and its own kind, so a header
 * cannot be edited, frames cannot be reordered or dropped, and a file cut short lacks the
 * manifest frame and is refused. Without APP_SECRET nothing but the header's time and database
 * kind can be read.
 */
const MAGIC = Buffer.from('KPACBAK1', 'ascii');
const TAG_BYTES = 16;
export const CHUNK_BYTES = 1 << 20;
const DATA = 0;
const MANIFEST = 1;

export type BackupDialect = 'sqlite' | 'postgres';

export interface BackupHeader {
  format: 1;
  kid: string;
  check: string;
  salt: string;
  createdAt: string;
  dialect: BackupDialect;
}

/** What the last frame says (encrypted: row counts are not for whoever finds the file). */
export interface BackupManifest {
  createdAt: string;
  dialect: BackupDialect;
  /** The last migration applied in the snapshot. */
  schemaVersion: string;
  rowCounts: Record<string, number>;
  plaintextSha256: string;
  plaintextBytes: number;
}

/** A refusal to restore: the message says why, in one line. */
export class BackupFileError extends Error {
  override name = 'BackupFileError';
}

function fileKey(key: Buffer, header: BackupHeader): Buffer {
  return Buffer.from(hkdfSync('sha256', key, Buffer.from(header.salt, 'base64url'), Buffer.from(`kpac-backup-file:${header.kid}`, 'utf8'), 32));
}

function nonce(n: number): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(n), 4);
  return iv;
}

function aad(headerBytes: Buffer, kind: number): Buffer {
  return Buffer.concat([headerBytes, Buffer.from([kind])]);
}

/** Cuts a stream of buffers of any size into CHUNK_BYTES pieces. */
async function* rechunk(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let size = 0;
  for await (const part of source) {
    parts.push(part);
    size += part.length;
    while (size >= CHUNK_BYTES) {
      const all = Buffer.concat(parts);
      yield all.subarray(0, CHUNK_BYTES);
      parts = [all.subarray(CHUNK_BYTES)];
      size = parts[0].length;
    }
  }
  if (size) yield Buffer.concat(parts);
}

/**
 * Encrypts `source` into `path` (written as `path.partial`, synced, then renamed, so a file under
 * the final name is always complete). `manifestOf` is called once the plaintext's digest is known.
 */
export async function writeBackupFile(
  path: string,
  ring: KeyRing,
  meta: { createdAt: Date; dialect: BackupDialect },
  source: AsyncIterable<Buffer>,
  manifestOf: (digest: { plaintextSha256: string; plaintextBytes: number }) => BackupManifest,
): Promise<{ fileSha256: string; fileBytes: number; manifest: BackupManifest }> {
  const { kid, checkValue, key } = ring.newFileKey('backup');
  const header: BackupHeader = { format: 1, kid, check: checkValue, salt: randomBytes(16).toString('base64url'), createdAt: meta.createdAt.toISOString(), dialect: meta.dialect };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const k = fileKey(key, header);
  const partial = `${path}.partial`;
  const out = await open(partial, 'wx', 0o600);
  const fileHash = createHash('sha256');
  let fileBytes = 0;
  const write = async (...bufs: Buffer[]) => {
    for (const b of bufs) {
      fileHash.update(b);
      fileBytes += b.length;
      for (let at = 0; at < b.length; ) at += (await out.write(b, at)).bytesWritten;
    }
  };
  try {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(headerBytes.length);
    await write(MAGIC, len, headerBytes);
    const plainHash = createHash('sha256');
    let plaintextBytes = 0;
    let n = 0;
    const frame = async (kind: number, plain: Buffer) => {
      const cipher = createCipheriv('aes-256-gcm', k, nonce(n++));
      cipher.setAAD(aad(headerBytes, kind));
      const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
      const head = Buffer.alloc(5);
      head.writeUInt8(kind, 0);
      head.writeUInt32BE(ct.length, 1);
      await write(head, ct, cipher.getAuthTag());
    };
    for await (const chunk of rechunk(source)) {
      plainHash.update(chunk);
      plaintextBytes += chunk.length;
      await frame(DATA, chunk);
    }
    const manifest = manifestOf({ plaintextSha256: plainHash.digest('hex'), plaintextBytes });
    await frame(MANIFEST, Buffer.from(JSON.stringify(manifest), 'utf8'));
    await out.sync();
    await out.close();
    await rename(partial, path);
    return { fileSha256: fileHash.digest('hex'), fileBytes, manifest };
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  }
}

async function readExactly(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  if (bytesRead !== length) throw new BackupFileError('The backup file is cut short (incomplete copy?)');
  return buf;
}

/** The header of a backup file (in clear), checked for shape only. */
export async function readBackupHeader(path: string): Promise<BackupHeader> {
  const fh = await open(path, 'r');
  try {
    return (await readHeader(fh)).header;
  } finally {
    await fh.close();
  }
}

async function readHeader(fh: FileHandle): Promise<{ header: BackupHeader; headerBytes: Buffer; offset: number; raw: Buffer[] }> {
  const start = Buffer.alloc(MAGIC.length + 4);
  const { bytesRead } = await fh.read(start, 0, start.length, 0);
  if (bytesRead !== start.length || !start.subarray(0, MAGIC.length).equals(MAGIC)) throw new BackupFileError('This is not a KPAC backup file');
  const length = start.readUInt32BE(MAGIC.length);
  if (length > 64 * 1024) throw new BackupFileError('The backup file header is damaged');
  const headerBytes = await readExactly(fh, start.length, length);
  let header: BackupHeader;
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as BackupHeader;
  } catch {
    throw new BackupFileError('The backup file header is damaged');
  }
  if (header.format !== 1 || typeof header.kid !== 'string' || typeof header.check !== 'string' || (header.dialect !== 'sqlite' && header.dialect !== 'postgres')) {
    throw new BackupFileError('The backup file header is damaged or of an unknown format');
  }
  return { header, headerBytes, offset: start.length + length, raw: [start, headerBytes] };
}

/**
 * Reads and authenticates a backup file. `sink` receives the plaintext chunk by chunk (each one
 * already authenticated); the manifest is returned only when every frame, the manifest frame
 * and the plaintext's SHA-256 check out, otherwise BackupFileError. A caller that must not act
 * on a partial plaintext writes it somewhere temporary, or reads the file twice.
 */
export async function readBackupFile(
  path: string,
  ring: KeyRing,
  sink: (chunk: Buffer) => Promise<void> | void,
): Promise<{ header: BackupHeader; manifest: BackupManifest; fileSha256: string }> {
  const fh = await open(path, 'r');
  try {
    const { header, headerBytes, offset: start, raw } = await readHeader(fh);
    const fileHash = createHash('sha256');
    for (const r of raw) fileHash.update(r);
    const key = ring.fileKey('backup', header.kid, header.check);
    if (!key) throw new BackupFileError('No configured secret opens this backup: set APP_SECRET (or APP_SECRET_PREVIOUS) to the secret of the service that wrote it');
    const k = fileKey(key, header);
    const size = (await fh.stat()).size;
    const plainHash = createHash('sha256');
    let plaintextBytes = 0;
    let offset = start;
    for (let n = 0; ; n++) {
      if (offset >= size) throw new BackupFileError('The backup file is cut short: its manifest is missing');
      const head = await readExactly(fh, offset, 5);
      const kind = head.readUInt8(0);
      const length = head.readUInt32BE(1);
      if ((kind !== DATA && kind !== MANIFEST) || length > CHUNK_BYTES) throw new BackupFileError('The backup file is damaged (bad frame)');
      const body = await readExactly(fh, offset + 5, length + TAG_BYTES);
      offset += 5 + length + TAG_BYTES;
      fileHash.update(head).update(body);
      const decipher = createDecipheriv('aes-256-gcm', k, nonce(n));
      decipher.setAAD(aad(headerBytes, kind));
      decipher.setAuthTag(body.subarray(length));
      let plain: Buffer;
      try {
        plain = Buffer.concat([decipher.update(body.subarray(0, length)), decipher.final()]);
      } catch {
        throw new BackupFileError('The backup file does not authenticate: it was altered or damaged');
      }
      if (kind === DATA) {
        plainHash.update(plain);
        plaintextBytes += plain.length;
        await sink(plain);
        continue;
      }
      if (offset !== size) throw new BackupFileError('The backup file has data after its manifest');
      const manifest = JSON.parse(plain.toString('utf8')) as BackupManifest;
      if (manifest.plaintextSha256 !== plainHash.digest('hex') || manifest.plaintextBytes !== plaintextBytes) {
        throw new BackupFileError('The backup does not match its manifest (SHA-256)');
      }
      return { header, manifest, fileSha256: fileHash.digest('hex') };
    }
  } finally {
    await fh.close();
  }
}
