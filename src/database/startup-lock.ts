import { Logger } from '@nestjs/common';
import { DataSource, DataSourceOptions, QueryFailedError, QueryRunner } from 'typeorm';

/**
 * The advisory lock key every instance of this service takes around migrating and seeding
 * ("KPAC" and 1). TypeORM runs migrations without a lock (typeorm#4588): instances starting
 * together on an empty PostgreSQL database would each create the same types and tables.
 */
export const STARTUP_LOCK_KEY = 0x4b50414301;

/** How long a start waits for another process's migrations on one SQLite file before giving up. */
const SQLITE_LOCK_WAIT_MS = 10 * 60_000;

const logger = new Logger('Migrations');

/**
 * Runs `work` while this process holds the start-up lock. PostgreSQL: a session-level advisory
 * lock on a connection of its own (released with it if the process dies), while `work` uses the
 * pool. SQLite needs none: every unit of work takes the file's write lock first and the seeds
 * check inside theirs.
 */
export async function withStartupLock<T>(ds: DataSource, work: () => Promise<T>): Promise<T> {
  if (ds.options.type !== 'postgres') return work();
  const runner = ds.createQueryRunner();
  try {
    const [{ locked }] = (await runner.query('SELECT pg_try_advisory_lock($1) AS locked', [STARTUP_LOCK_KEY])) as { locked: boolean }[];
    if (!locked) {
      logger.log('Another instance is migrating or seeding this database; waiting for it');
      await runner.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK_KEY]);
    }
    try {
      return await work();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/**
 * Opens the data source and migrates it. On a fresh SQLite file TypeORM switches to WAL before it
 * sets busy_timeout, so a second process opening the file at that instant is refused at once;
 * it opens again.
 */
export async function openDataSource(options: DataSourceOptions): Promise<DataSource> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ds = new DataSource({ ...options, migrationsRun: false });
    try {
      await ds.initialize();
    } catch (err) {
      if (ds.isInitialized) await ds.destroy().catch(() => undefined);
      if (options.type !== 'sqlite' || !isBusy(err) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      continue;
    }
    try {
      await migrate(ds);
    } catch (err) {
      await ds.destroy().catch(() => undefined);
      throw err;
    }
    return ds;
  }
}

/** Applies every pending migration exactly once, however many processes start at the same moment. */
export async function migrate(ds: DataSource): Promise<void> {
  if (ds.options.type === 'postgres') {
    await withStartupLock(ds, () => ds.runMigrations({ transaction: 'each' }));
    return;
  }
  await migrateSqlite(ds);
}

/**
 * SQLite: the pending list is read and every migration applied inside one BEGIN IMMEDIATE
 * transaction, so a second process reads the list only after the first committed. Foreign keys
 * are switched off around it as TypeORM does for migrations (the pragma is ignored inside a
 * transaction).
 */
async function migrateSqlite(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.query('PRAGMA foreign_keys = OFF');
  try {
    await beginImmediate(runner);
    try {
      await ds.runMigrations({ transaction: 'none' });
      await runner.query('COMMIT');
    } catch (err) {
      await runner.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  } finally {
    await runner.query('PRAGMA foreign_keys = ON');
    await runner.release();
  }
}

/** busy_timeout covers a short wait; another process's long migration is waited out here. */
async function beginImmediate(runner: QueryRunner): Promise<void> {
  const deadline = Date.now() + SQLITE_LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      await runner.query('BEGIN IMMEDIATE');
      return;
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      if (!told) logger.log('Another process is migrating this SQLite file; waiting for it');
      told = true;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

function isBusy(err: unknown): boolean {
  const code = err instanceof QueryFailedError ? (err.driverError as { code?: string } | undefined)?.code : (err as { code?: string } | undefined)?.code;
  return /SQLITE_BUSY|SQLITE_LOCKED/.test(String(code ?? (err as Error)?.message));
}
