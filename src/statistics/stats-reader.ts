import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { quietSqlite3 } from '../database/sqlite-driver';
import { toDialect } from '../database/sql-dialect';

/**
 * Read connection for statistics and exports. TypeORM drives SQLite over one connection, so a
 * 300 ms aggregate on it would hold every intake write queued behind it. A second connection to
 * the same file reads a WAL snapshot on its own libuv thread while the main connection keeps
 * writing. PostgreSQL already reads from a pool, so it uses the app's connection.
 */
@Injectable()
export class StatsReader implements OnModuleDestroy {
  private source: DataSource | null = null;
  private ready: Promise<DataSource> | null = null;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get isSqlite(): boolean {
    return this.db.isSqlite;
  }

  /**
   * `sql` uses `$n` placeholders on both dialects (src/database/sql-dialect.ts). On SQLite the queries on this connection run one
   * after another: sqlite3 finalizes each statement on the main thread, and finalizing while a
   * sibling statement of the same connection runs on a worker thread waits for that statement's
   * lock — a 300 ms aggregate run beside another would block the whole event loop for 300 ms.
   */
  async query<T = any>(sql: string, params: unknown[] = []): Promise<T[]> {
    const text = toDialect(sql, this.db.isSqlite);
    const cfg = this.config.database;
    if (cfg.type !== 'sqlite' || cfg.path === ':memory:') return this.db.manager.query(text, params);
    this.ready ??= (async () => {
      const source = new DataSource({ type: 'sqlite', driver: quietSqlite3, database: cfg.path, busyTimeout: 10_000, logging: false, entities: [] });
      await source.initialize();
      this.source = source;
      return source;
    })();
    const source = await this.ready;
    const run = () => source.query(text, params) as Promise<T[]>;
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }

  async onModuleDestroy(): Promise<void> {
    if (this.ready) await this.ready.catch(() => undefined);
    if (this.source?.isInitialized) await this.source.destroy();
  }
}
