import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';

/** Writes nothing, but starts the write transaction (the migrations table always exists). */
const TAKE_WRITE_LOCK = 'UPDATE migrations SET id = id WHERE 0';

/** How long a write keeps retrying while another process holds the SQLite file (as busy_timeout). */
const BUSY_RETRY_MS = 10_000;

/**
 * Every write goes through `transaction`. TypeORM drives SQLite over one connection, so two
 * transactions started concurrently would interleave (one's rollback can end the other's real
 * transaction); on SQLite they are queued here one after another. PostgreSQL has a pool and
 * needs no queue.
 *
 * Another process may write the same SQLite file (`npm run worker` beside the API). Each
 * transaction takes the write lock first, as BEGIN IMMEDIATE would (TypeORM only issues a
 * deferred BEGIN), so busy_timeout waits for the other writer. SQLite still answers SQLITE_BUSY
 * at once when this connection holds an older read snapshot (a read outside the queue was in
 * flight on it); the whole transaction is then rolled back and run again, so `work` must only
 * touch the database (anything else belongs after the transaction).
 */
@Injectable()
export class Database {
  private tail: Promise<unknown> = Promise.resolve();
  readonly isSqlite: boolean;

  constructor(@InjectDataSource() readonly dataSource: DataSource) {
    this.isSqlite = dataSource.options.type === 'sqlite';
  }

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.isSqlite) return this.dataSource.transaction(work);
    const run = () =>
      retryWhileBusy(() =>
        this.dataSource.transaction(async (em) => {
          await em.query(TAKE_WRITE_LOCK);
          return work(em);
        }),
      );
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

async function retryWhileBusy<T>(attempt: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_RETRY_MS;
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isBusy(err) || Date.now() >= deadline) throw err;
      await new Promise((r) => setTimeout(r, Math.min(100, 2 ** n) * (0.5 + Math.random())));
    }
  }
}

function isBusy(err: unknown): boolean {
  return err instanceof QueryFailedError && /^SQLITE_BUSY/.test(String((err.driverError as { code?: string } | undefined)?.code ?? err.message));
}
