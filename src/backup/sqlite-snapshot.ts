import { closeSync, openSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import sqlite3 = require('sqlite3');
import { CHUNK_BYTES } from './backup-file';

/** What a snapshot holds, read from the snapshot itself (so it matches what is in the file). */
export interface SnapshotFacts {
  schemaVersion: string;
  rowCounts: Record<string, number>;
}

function openDb(path: string, mode: number): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(path, mode, (err) => (err ? reject(err) : resolve(db)));
  });
}

const run = (db: sqlite3.Database, sql: string, params: unknown[] = []) =>
  new Promise<void>((resolve, reject) => db.run(sql, params, (err) => (err ? reject(err) : resolve())));
const all = <T>(db: sqlite3.Database, sql: string) => new Promise<T[]>((resolve, reject) => db.all(sql, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
const close = (db: sqlite3.Database) => new Promise<void>((resolve) => db.close(() => resolve()));

/**
 * A consistent copy of a live SQLite database: `VACUUM INTO` reads inside one read transaction
 * (in WAL mode writers carry on meanwhile) on a connection of its own, so the service's
 * connection, and every request queued on it, never waits for the copy. The copy is created
 * empty with mode 0600 first: SQLite would otherwise give it the umask's mode.
 */
export async function sqliteSnapshot(dbPath: string, into: string): Promise<void> {
  closeSync(openSync(into, 'wx', 0o600));
  const db = await openDb(dbPath, sqlite3.OPEN_READONLY);
  try {
    db.configure('busyTimeout', 10_000);
    await run(db, 'VACUUM INTO ?', [into]);
  } catch (err) {
    await rm(into, { force: true });
    throw err;
  } finally {
    await close(db);
  }
}

/** Row counts per table and the last migration of a SQLite file. */
export async function sqliteFacts(path: string): Promise<SnapshotFacts> {
  const db = await openDb(path, sqlite3.OPEN_READONLY);
  try {
    const tables = await all<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
    const rowCounts: Record<string, number> = {};
    for (const { name } of tables) rowCounts[name] = Number((await all<{ n: number }>(db, `SELECT COUNT(*) AS n FROM "${name.replace(/"/g, '""')}"`))[0].n);
    const last = tables.some((t) => t.name === 'migrations') ? await all<{ name: string }>(db, 'SELECT name FROM migrations ORDER BY timestamp DESC LIMIT 1') : [];
    return { schemaVersion: last[0]?.name ?? '', rowCounts };
  } finally {
    await close(db);
  }
}

/** The file's bytes, a chunk at a time. */
export async function* fileChunks(path: string): AsyncGenerator<Buffer> {
  const fh = await open(path, 'r');
  try {
    for (;;) {
      const buf = Buffer.alloc(CHUNK_BYTES);
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, null);
      if (!bytesRead) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
