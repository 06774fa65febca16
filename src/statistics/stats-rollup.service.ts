import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { queryRows } from '../database/sql';
import { EscalationRollup } from './escalation-rollup';
import { MonthlyRollup, RollupDb } from './monthly-rollup';
import { StatsReader } from './stats-reader';

/**
 * The monthly rollup wired to the app's database. Its triggers are installed by migration
 * 1764000003000 only (see the note there on migrations that rebuild the complaints table).
 */
@Injectable()
export class StatsRollupService {
  readonly rollup: MonthlyRollup;
  /** The escalations' rollup for stats/sla (triggers of migration 1764000012000). */
  readonly escalations: EscalationRollup;

  constructor(db: Database, reader: StatsReader, @Inject(APP_CONFIG) config: AppConfig) {
    const rollupDb: RollupDb = {
      isSqlite: db.isSqlite,
      // Counting reads go to the separate read connection; only the swap of a month's rows writes.
      query: (sql, params = []) => reader.query(sql, params),
      transaction: (work) => db.transaction(({ em }) => work((sql, params = []) => queryRows(em, sql, params))),
    };
    this.rollup = new MonthlyRollup(rollupDb, config.timeZone);
    this.escalations = new EscalationRollup(rollupDb, config.timeZone);
  }
}
