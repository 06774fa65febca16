import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { Clock } from '../common/clock';
import { BatchedCommand, WriteCommand } from './batched-command';
import { withStartupLock } from './startup-lock';
import { UnitOfWork } from './unit-of-work';

/** Writes nothing, but starts the write transaction (the migrations table always exists). */
const TAKE_WRITE_LOCK = 'UPDATE migrations SET id = id WHERE 0';

/** How long a write keeps retrying while another process holds the SQLite file (as busy_timeout). */
const BUSY_RETRY_MS = 10_000;

/**
 * The one write path. Every write is a unit of work (`transaction`), or a command whose calls
 * arriving together share one (`command`).
 *
 * TypeORM drives SQLite over one connection, so two transactions started concurrently would
 * interleave (one's rollback can end the other's real transaction); on SQLite they are queued
 * here one after another. PostgreSQL has a pool and needs no queue.
 *
 * Another process may write the same SQLite file (`npm run worker` beside the API). Each
 * transaction takes the write lock first, as BEGIN IMMEDIATE would (TypeORM only issues a
 * deferred BEGIN), so busy_timeout waits for the other writer. SQLite still answers SQLITE_BUSY
 * at once when this connection holds an older read snapshot (a read outside the queue was in
 * flight on it); the whole transaction is then rolled back and run again with a fresh unit of
 * work, so `work` must only touch the database (anything else belongs after the transaction).
 */
@Injectable()
export class Database {
  private tail: Promise<unknown> = Promise.resolve();
  readonly isSqlite: boolean;

  constructor(
    @InjectDataSource() readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {
    this.isSqlite = dataSource.options.type === 'sqlite';
  }

  /**
   * For start-up seeds that check and then insert: instances starting together run them one
   * after another (see withStartupLock), so the second finds what the first wrote.
   */
  underStartupLock<T>(work: () => Promise<T>): Promise<T> {
    return withStartupLock(this.dataSource, work);
  }

  /** For reads; writes go through `transaction` or `command`. */
  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Runs `work` in one transaction; the rows it appended are written just before commit. */
  transaction<T>(work: (uow: UnitOfWork) => T | Promise<T>): Promise<T> {
    const unit = (em: EntityManager) => this.unit(em, work);
    if (!this.isSqlite) return this.dataSource.transaction(unit);
    const run = () =>
      retryWhileBusy(() =>
        this.dataSource.transaction(async (em) => {
          await em.query(TAKE_WRITE_LOCK);
          return unit(em);
        }),
      );
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /**
   * A write that many callers make at once (public intake, escalating, a worker's claims): calls
   * that arrive while a transaction is busy go into the next one together. A refused call is
   * answered on its own; if a shared transaction fails, each of its calls is run again alone.
   */
  command<I, O>(spec: WriteCommand<I, O>, maxBatch?: number): (item: I) => Promise<O> {
    const batches = new BatchedCommand(this, spec, maxBatch);
    return (item) => batches.submit(item);
  }

  private async unit<T>(em: EntityManager, work: (uow: UnitOfWork) => T | Promise<T>): Promise<T> {
    const uow = new UnitOfWork(em, this.clock.now());
    const result = await work(uow);
    await uow.flush();
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
