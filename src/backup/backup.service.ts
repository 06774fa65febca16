import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ensurePrivateDir } from '../common/private-files';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { keyRingFor } from '../keys/key-ring';
import { BackupDialect, BackupManifest, writeBackupFile } from './backup-file';
import { postgresDump } from './postgres-dump';
import { fileChunks, SnapshotFacts, sqliteFacts, sqliteSnapshot } from './sqlite-snapshot';

/** `kpac-<UTC time>-<random>.kpacbak`: names sort by time. */
export const BACKUP_NAME = /^kpac-\d{8}T\d{9}Z-[0-9a-f]{6}\.kpacbak$/;
/** What a backup killed half-way leaves: its plain snapshot, its unfinished file. */
const LEFTOVER = /^(\.kpac-.*\.snapshot|kpac-.*\.kpacbak\.partial)$/;
/** A leftover untouched this long belongs to no running backup (one is done with its files in minutes). */
const LEFTOVER_AGE_MS = 60 * 60_000;

export interface BackupResult {
  path: string;
  fileSha256: string;
  fileBytes: number;
  manifest: BackupManifest;
  /** Older backups deleted to keep BACKUP_KEEP. */
  pruned: string[];
}

/**
 * Online backups. The snapshot is taken while the service keeps serving (SQLite: `VACUUM INTO` on
 * a connection of its own, into DATA_DIR; PostgreSQL: `pg_dump` of an exported snapshot),
 * encrypted as it is written (backup-file.ts), with a sidecar `<file>.json` holding nothing personal (time, schema
 * version, SHA-256 and size of the file) for monitoring and copying scripts. Only after a backup
 * is complete are the oldest beyond BACKUP_KEEP deleted.
 *
 * Needs no database module: `npm run backup` builds it from the configuration alone, and the
 * `backup.run` job uses the same instance in the worker.
 */
@Injectable()
export class BackupService {
  private readonly logger = new Logger('Backup');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async run(): Promise<BackupResult> {
    const { dir, keep } = this.config.backup;
    ensurePrivateDir(dir);
    await this.removeLeftovers(dir);
    await this.removeLeftovers(this.config.dataDir);
    const now = this.clock.now();
    const stamp = now.toISOString().replace(/[-:.]/g, '');
    const name = `kpac-${stamp}-${randomBytes(3).toString('hex')}.kpacbak`;
    const path = join(dir, name);
    const ring = keyRingFor(this.config);
    const db = this.config.database;
    const dialect: BackupDialect = db.type;
    const manifestOf = (facts: SnapshotFacts) => (digest: { plaintextSha256: string; plaintextBytes: number }): BackupManifest => ({
      createdAt: now.toISOString(),
      dialect,
      ...facts,
      ...digest,
    });
    let written: Awaited<ReturnType<typeof writeBackupFile>>;
    if (db.type === 'sqlite') {
      if (db.path === ':memory:') throw new Error('An in-memory database cannot be backed up');
      if (!existsSync(db.path)) throw new Error(`There is no database at ${db.path}: check DATABASE_URL / DATA_DIR`);
      // The plain copy sits in the private DATA_DIR (0700, the file 0600) only until it is encrypted:
      // never in BACKUP_DIR, which operators copy off the machine.
      const copy = join(this.config.dataDir, `.${name}.snapshot`);
      try {
        await sqliteSnapshot(db.path, copy);
        const facts = await sqliteFacts(copy);
        written = await writeBackupFile(path, ring, { createdAt: now, dialect }, fileChunks(copy), manifestOf(facts));
      } finally {
        await rm(copy, { force: true });
      }
    } else {
      let result: typeof written | undefined;
      await postgresDump(db.url, async (dump, facts) => {
        result = await writeBackupFile(path, ring, { createdAt: now, dialect }, dump, manifestOf(facts));
      });
      written = result!;
    }
    const { fileSha256, fileBytes, manifest } = written;
    const sidecar = { file: name, createdAt: manifest.createdAt, dialect, schemaVersion: manifest.schemaVersion, fileSha256, fileBytes };
    await writeFile(`${path}.json`, JSON.stringify(sidecar, null, 2) + '\n', { mode: 0o600 });
    const pruned = await this.prune(dir, keep);
    this.logger.log(`Backup ${name} written (${fileBytes} bytes, schema ${manifest.schemaVersion}); ${pruned.length} older removed`);
    return { path, fileSha256, fileBytes, manifest, pruned };
  }

  /** A plain snapshot left by a backup that was killed must not stay on disk. */
  private async removeLeftovers(dir: string): Promise<void> {
    for (const n of (await readdir(dir)).filter((x) => LEFTOVER.test(x))) {
      const path = join(dir, n);
      const info = await stat(path).catch(() => null);
      if (info && Date.now() - info.mtimeMs > LEFTOVER_AGE_MS) {
        await rm(path, { force: true });
        this.logger.warn(`Removed ${n}, left by a backup that did not finish`);
      }
    }
  }

  /** Deletes all but the newest `keep` backups (and their sidecars); returns the names deleted. */
  async prune(dir: string, keep: number): Promise<string[]> {
    const names = (await readdir(dir)).filter((n) => BACKUP_NAME.test(n)).sort();
    const old = names.slice(0, Math.max(0, names.length - keep));
    for (const n of old) {
      await rm(join(dir, n), { force: true });
      await rm(join(dir, `${n}.json`), { force: true });
    }
    return old;
  }
}
