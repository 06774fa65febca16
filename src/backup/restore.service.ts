import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppConfig } from '../config/app-config';
import { MIGRATIONS } from '../database/migrations';
import { keyRingFor } from '../keys/key-ring';
import { BackupFileError, BackupManifest, readBackupFile, readBackupHeader } from './backup-file';
import { postgresEmpty, postgresFacts, postgresRestore, postgresTableCount } from './postgres-dump';
import { sqliteFacts } from './sqlite-snapshot';

export interface RestoreOptions {
  /** Replace a database that is not empty. */
  force?: boolean;
  /** Only verify the file (and say what it holds); restore nothing. */
  verifyOnly?: boolean;
}

/**
 * `npm run restore`: verifies a backup (every frame's tag, the manifest, the SHA-256 of the
 * plaintext), then restores it into the configured database, which must be empty (a data
 * directory without a database file, or a PostgreSQL database without tables) unless `force`.
 * Nothing is replaced until the whole file has been verified: SQLite is decrypted beside the
 * target and renamed into place; PostgreSQL is verified in a first pass, then fed to pg_restore
 * in one transaction. Afterwards the restored row counts are compared with the manifest's.
 * Start the service on it afterwards: newer migrations, if any, run then.
 */
export class RestoreService {
  constructor(private readonly config: AppConfig) {}

  async restore(file: string, opts: RestoreOptions = {}): Promise<BackupManifest> {
    if (!existsSync(file)) throw new BackupFileError(`No such file: ${file}`);
    const header = await readBackupHeader(file);
    const db = this.config.database;
    if (!opts.verifyOnly && header.dialect !== db.type) {
      throw new BackupFileError(`This is a ${header.dialect} backup but DATABASE_URL names a ${db.type} database`);
    }
    const ring = keyRingFor(this.config);
    const read = async (sink: (chunk: Buffer) => Promise<void> | void) => {
      const result = await readBackupFile(file, ring, sink);
      this.checkSidecar(file, result.fileSha256);
      return this.checkVersion(result.manifest);
    };
    if (opts.verifyOnly) return read(() => undefined);
    if (db.type === 'sqlite') {
      if (db.path === ':memory:') throw new BackupFileError('Cannot restore into an in-memory database');
      const files = ['', '-wal', '-shm'].map((s) => db.path + s);
      const inUse = files.some((f) => existsSync(f) && statSync(f).size > 0);
      if (inUse && !opts.force) throw new BackupFileError(`${db.path} is not empty: restore into an empty data directory, or add --force (with the service stopped) to replace it`);
      await mkdir(dirname(db.path), { recursive: true, mode: 0o700 });
      const temp = `${db.path}.restoring`;
      await rm(temp, { force: true });
      const out = await open(temp, 'wx', 0o600);
      let manifest: BackupManifest;
      try {
        manifest = await read(async (chunk) => {
          for (let at = 0; at < chunk.length; ) at += (await out.write(chunk, at)).bytesWritten;
        });
        await out.sync();
      } catch (err) {
        await out.close();
        await rm(temp, { force: true });
        throw err;
      }
      await out.close();
      try {
        this.checkCounts(manifest, (await sqliteFacts(temp)).rowCounts);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      for (const f of files) await rm(f, { force: true });
      await rename(temp, db.path);
      return manifest;
    }
    const tables = await postgresTableCount(db.url);
    if (tables > 0 && !opts.force) throw new BackupFileError(`The database has ${tables} table(s): restore into an empty database, or add --force to drop its schema first`);
    const manifest = await read(() => undefined);
    if (tables > 0) await postgresEmpty(db.url);
    await postgresRestore(db.url, async (write) => {
      await readBackupFile(file, ring, write);
    });
    this.checkCounts(manifest, (await postgresFacts(db.url)).rowCounts);
    return manifest;
  }

  /** The `<file>.json` written beside a backup, when it was copied along, names the file's SHA-256. */
  private checkSidecar(file: string, fileSha256: string): void {
    const sidecar = `${file}.json`;
    if (!existsSync(sidecar)) return;
    let expected: unknown;
    try {
      expected = (JSON.parse(readFileSync(sidecar, 'utf8')) as { fileSha256?: unknown }).fileSha256;
    } catch {
      throw new BackupFileError(`${sidecar} is not the JSON a backup writes: remove it or copy it again`);
    }
    if (expected !== fileSha256) throw new BackupFileError(`The file's SHA-256 differs from the one in ${sidecar}: it is not the file that backup wrote`);
  }

  private checkVersion(manifest: BackupManifest): BackupManifest {
    if (!MIGRATIONS.some((m) => m.name === manifest.schemaVersion)) {
      throw new BackupFileError(`The backup's schema (${manifest.schemaVersion || 'none'}) is not one this version knows: restore it with the version that wrote it, or a newer one`);
    }
    return manifest;
  }

  private checkCounts(manifest: BackupManifest, restored: Record<string, number>): void {
    const wrong = Object.entries(manifest.rowCounts).filter(([t, n]) => restored[t] !== n);
    if (wrong.length) throw new BackupFileError(`The restored database differs from the manifest in ${wrong.map(([t]) => t).join(', ')}`);
  }
}
