import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BackupManifest, CHUNK_BYTES, readBackupFile, writeBackupFile } from '../../src/backup/backup-file';
import { KeyRing } from '../../src/keys/key-ring';

/** The backup file's framing (issue 14, item 3): what a changed byte, frame or header does. */
describe('backup file format', () => {
  const ring = new KeyRing(['s'.repeat(40)]);
  let dir: string;
  let plain: Buffer;
  let file: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpac-backup-'));
    plain = randomBytes(Math.floor(CHUNK_BYTES * 2.5));
    file = join(dir, 'a.kpacbak');
    async function* source() {
      // Pieces of odd sizes, as pg_dump's pipe gives them.
      for (let at = 0; at < plain.length; at += 70_001) yield plain.subarray(at, at + 70_001);
    }
    await writeBackupFile(file, ring, { createdAt: new Date('2026-03-02T09:00:00Z'), dialect: 'sqlite' }, source(), (d) => ({
      createdAt: '2026-03-02T09:00:00.000Z',
      dialect: 'sqlite',
      schemaVersion: 'Tidy1764000007000',
      rowCounts: { complaints: 3 },
      ...d,
    }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const readInto = async (path: string, keyRing = ring) => {
    const parts: Buffer[] = [];
    const { manifest } = await readBackupFile(path, keyRing, (c) => void parts.push(c));
    return { manifest, plain: Buffer.concat(parts) };
  };
  const variant = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };
  /** Offsets of the frames after the header. */
  const frames = (bytes: Buffer) => {
    const out: { at: number; end: number }[] = [];
    let at = 12 + bytes.readUInt32BE(8);
    while (at < bytes.length) {
      const end = at + 5 + bytes.readUInt32BE(at + 1) + 16;
      out.push({ at, end });
      at = end;
    }
    return out;
  };

  it('gives back the plaintext and its manifest, in 1 MiB frames', async () => {
    const { manifest, plain: back } = await readInto(file);
    expect(back.equals(plain)).toBe(true);
    expect(manifest).toMatchObject<Partial<BackupManifest>>({ schemaVersion: 'Tidy1764000007000', rowCounts: { complaints: 3 }, plaintextBytes: plain.length });
    expect(frames(readFileSync(file))).toHaveLength(4);
  });

  it('refuses an edited header, swapped frames, a missing manifest frame and trailing bytes', async () => {
    const bytes = readFileSync(file);
    const edited = Buffer.from(bytes);
    const at = edited.indexOf('2026-03-02');
    edited.write('2025', at);
    await expect(readInto(variant('edited', edited))).rejects.toThrow('The backup file does not authenticate');

    const f = frames(bytes);
    const swapped = Buffer.concat([bytes.subarray(0, f[0].at), bytes.subarray(f[1].at, f[1].end), bytes.subarray(f[0].at, f[0].end), bytes.subarray(f[2].at)]);
    await expect(readInto(variant('swapped', swapped))).rejects.toThrow('The backup file does not authenticate');

    await expect(readInto(variant('cut', bytes.subarray(0, f[3].at)))).rejects.toThrow('The backup file is cut short: its manifest is missing');
    await expect(readInto(variant('long', Buffer.concat([bytes, Buffer.from('x')])))).rejects.toThrow('The backup file has data after its manifest');
    await expect(readInto(variant('other', Buffer.from('SQLite format 3\0')))).rejects.toThrow('This is not a KPAC backup file');
  });

  it('opens only with the secret it was written under (current or previous)', async () => {
    await expect(readInto(file, new KeyRing(['t'.repeat(40)]))).rejects.toThrow('No configured secret opens this backup');
    expect((await readInto(file, new KeyRing(['t'.repeat(40), 's'.repeat(40)]))).plain.equals(plain)).toBe(true);
  });
});
