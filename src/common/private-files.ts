import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Files this service writes hold complaints, contact details and keys: readable by its own account
 * only. Every entry point calls `restrictFileCreation` first, so anything created later (SQLite's
 * -wal and -shm, outbox mails, exports, backups) is 0600 and every new directory 0700.
 */
export function restrictFileCreation(): void {
  process.umask(0o077);
}

/** Creates the directory 0700, or narrows an existing one that others could enter. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (statSync(dir).mode & 0o077) chmodSync(dir, 0o700);
}

/** Narrows an existing file to 0600; returns whether it had been open to others. */
export function narrowFileMode(file: string): boolean {
  if (!existsSync(file)) return false;
  if (!(statSync(file).mode & 0o077)) return false;
  chmodSync(file, 0o600);
  return true;
}

/**
 * The SQLite database file, created empty with mode 0600 before SQLite opens it (SQLite gives its
 * -wal and -shm files the database file's mode). An existing file, and its -wal/-shm, are narrowed.
 */
export function preparePrivateSqliteFile(path: string): string[] {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  return ['', '-wal', '-shm'].map((suffix) => path + suffix).filter((f) => narrowFileMode(f));
}
