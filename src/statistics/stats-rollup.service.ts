import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';
import { MonthlyRollup } from './monthly-rollup';
import { StatsReader } from './stats-reader';

/**
 * The monthly rollup wired to the app's database. Its triggers are installed by migration
 * 1764000003000 only (see the note there on migrations that rebuild the complaints table).
 */
@Injectable()
export class StatsRollupService {
  readonly rollup: MonthlyRollup;

  constructor(db: Database, reader: StatsReader, @Inject(APP_CONFIG) config: AppConfig) {
    this.rollup = new MonthlyRollup(
      {
        isSqlite: db.isSqlite,
        // Counting reads go to the separate read connection; only the swap of a month's rows writes.
        query: (sql, params = []) => reader.query(sql, params),
        transaction: (work) => db.transaction(({ em }) => work((sql, params = []) => queryRows(em, sql, params))),
      },
      config.timeZone,
    );
  }
}
