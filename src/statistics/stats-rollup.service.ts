import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { MonthlyRollup, POSTGRES_TRIGGERS, SQLITE_TRIGGER_NAMES, SQLITE_TRIGGERS } from './monthly-rollup';
import { placeholders } from './sql-dialect';
import { StatsReader } from './stats-reader';

/** The monthly rollup wired to the app's database; checks its triggers at start. */
@Injectable()
export class StatsRollupService implements OnApplicationBootstrap {
  private readonly logger = new Logger('StatsRollup');
  readonly rollup: MonthlyRollup;

  constructor(
    private readonly db: Database,
    reader: StatsReader,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rollup = new MonthlyRollup(
      {
        isSqlite: db.isSqlite,
        // Counting reads go to the separate read connection; only the swap of a month's rows writes.
        query: (sql, params = []) => reader.query(sql, params),
        transaction: (work) => db.transaction(({ em }) => work((sql, params = []) => em.query(placeholders(sql, db.isSqlite), params))),
      },
      config.timeZone,
    );
  }

  /**
   * A later migration that rebuilds the complaints table on SQLite (TypeORM's ALTER path) drops its
   * triggers with it. Without them the rollup would go stale silently, so they are recreated here
   * and every month is recounted on next use.
   */
  async onApplicationBootstrap(): Promise<void> {
    if (this.db.isSqlite) {
      const present = (await this.db.manager.query("SELECT name FROM sqlite_master WHERE type = 'trigger'")).map((r: { name: string }) => r.name);
      if (SQLITE_TRIGGER_NAMES.every((n) => present.includes(n))) return;
      await this.db.transaction(async (uow) => {
        const em = uow.em;
        for (const sql of SQLITE_TRIGGERS) await em.query(sql);
        await em.query('DELETE FROM complaint_stats_months');
      });
    } else {
      const rows = await this.db.manager.query("SELECT tgname FROM pg_trigger WHERE tgname IN ('trg_complaints_stats', 'trg_ckp_stats')");
      if (rows.length === 2) return;
      await this.db.transaction(async (uow) => {
        const em = uow.em;
        for (const sql of POSTGRES_TRIGGERS) await em.query(sql);
        await em.query('DELETE FROM complaint_stats_months');
      });
    }
    this.logger.warn('Statistics triggers were missing and have been recreated; monthly figures will be recounted');
  }
}
