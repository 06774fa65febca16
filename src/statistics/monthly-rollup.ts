import { startOfDayInZone } from '../common/dates';
import { num, placeholders } from './sql-dialect';

/**
 * Complaint counts per local calendar month, city, dimension value and bucket (outcome or
 * in_progress), kept in complaint_stats_monthly. A scan of a million complaints costs seconds in
 * SQLite however the indexes are laid out (every row's expressions are evaluated and sorted); the
 * rollup holds a few thousand rows per month, so whole months are summed from it and only the
 * partial months at the edges of a period are counted from the complaints themselves.
 *
 * Freshness: triggers on complaints and complaint_key_populations write the received_at of every
 * changed complaint to complaint_stats_dirty (same transaction as the change). Before answering,
 * the months named there, and months never built, are recounted. So the rollup is never stale;
 * it is only as expensive as the months that changed.
 */

export type RollupDim = 'none' | 'facility' | 'category' | 'gender' | 'ageGroup' | 'keyPopulation';
export const ROLLUP_DIMS: RollupDim[] = ['none', 'facility', 'category', 'gender', 'ageGroup', 'keyPopulation'];

const DIM_COLUMN: Record<RollupDim, string> = {
  none: "''",
  facility: 'c.facility_id',
  category: 'c.category',
  gender: 'c.gender',
  ageGroup: 'c.age_group',
  keyPopulation: 'k.key_population',
};

const BUCKET = "CASE WHEN c.status = 'resolved' AND c.outcome IS NOT NULL THEN c.outcome ELSE 'in_progress' END";

export interface RollupDb {
  isSqlite: boolean;
  query(sql: string, params?: unknown[]): Promise<any[]>;
  /** Runs `work` in one write transaction (serialised on SQLite). */
  transaction(work: (query: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<void>): Promise<void>;
}

export const SQLITE_TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS trg_complaints_stats_ins AFTER INSERT ON complaints BEGIN INSERT INTO complaint_stats_dirty (received_at) VALUES (NEW.received_at); END`,
  `CREATE TRIGGER IF NOT EXISTS trg_complaints_stats_upd AFTER UPDATE OF status, outcome, city_id, facility_id, category, gender, age_group, received_at ON complaints BEGIN
     INSERT INTO complaint_stats_dirty (received_at) VALUES (NEW.received_at);
     INSERT INTO complaint_stats_dirty (received_at) SELECT OLD.received_at WHERE OLD.received_at <> NEW.received_at;
   END`,
  `CREATE TRIGGER IF NOT EXISTS trg_complaints_stats_del AFTER DELETE ON complaints BEGIN INSERT INTO complaint_stats_dirty (received_at) VALUES (OLD.received_at); END`,
  `CREATE TRIGGER IF NOT EXISTS trg_ckp_stats_ins AFTER INSERT ON complaint_key_populations BEGIN INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = NEW.complaint_id; END`,
  `CREATE TRIGGER IF NOT EXISTS trg_ckp_stats_del AFTER DELETE ON complaint_key_populations BEGIN INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = OLD.complaint_id; END`,
];
export const SQLITE_TRIGGER_NAMES = ['trg_complaints_stats_ins', 'trg_complaints_stats_upd', 'trg_complaints_stats_del', 'trg_ckp_stats_ins', 'trg_ckp_stats_del'];

export const POSTGRES_TRIGGERS = [
  `CREATE OR REPLACE FUNCTION kpac_complaint_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN INSERT INTO complaint_stats_dirty (received_at) VALUES (OLD.received_at); END IF;
     IF TG_OP <> 'DELETE' THEN INSERT INTO complaint_stats_dirty (received_at) VALUES (NEW.received_at); END IF;
     RETURN NULL;
   END $$`,
  `CREATE OR REPLACE FUNCTION kpac_ckp_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' THEN
       INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = OLD.complaint_id;
     ELSE
       INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = NEW.complaint_id;
     END IF;
     RETURN NULL;
   END $$`,
  `DROP TRIGGER IF EXISTS trg_complaints_stats ON complaints`,
  `CREATE TRIGGER trg_complaints_stats AFTER INSERT OR DELETE OR UPDATE OF status, outcome, city_id, facility_id, category, gender, age_group, received_at ON complaints FOR EACH ROW EXECUTE FUNCTION kpac_complaint_stats_dirty()`,
  `DROP TRIGGER IF EXISTS trg_ckp_stats ON complaint_key_populations`,
  `CREATE TRIGGER trg_ckp_stats AFTER INSERT OR DELETE ON complaint_key_populations FOR EACH ROW EXECUTE FUNCTION kpac_ckp_stats_dirty()`,
];

export interface RollupRow {
  /** Local month 'YYYY-MM'. */
  month: string;
  cityId: number;
  value: string | null;
  /** An outcome, or 'in_progress'. */
  bucket: string;
  n: number;
}

export class MonthlyRollup {
  private readonly fmt: Intl.DateTimeFormat;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: RollupDb,
    readonly timeZone: string,
  ) {
    this.fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  }

  monthOf(ms: number): string {
    return this.fmt.format(new Date(ms)).slice(0, 7);
  }

  monthStart(month: string): number {
    return startOfDayInZone(`${month}-01`, this.timeZone).getTime();
  }

  nextMonth(month: string): string {
    const [y, m] = month.split('-').map(Number);
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }

  /**
   * The whole local months inside [fromMs, toMs), or null when there is none. Open ends are
   * bounded by the first and last complaint.
   */
  async fullMonths(fromMs: number | null, toMs: number | null): Promise<{ first: string; last: string; startMs: number; endMs: number } | null> {
    if (fromMs === null || toMs === null) {
      const [r] = await this.q('SELECT MIN(received_at) AS lo, MAX(received_at) AS hi FROM complaints');
      if (r?.lo === null || r?.lo === undefined) return null;
      fromMs ??= num(r.lo);
      toMs ??= num(r.hi) + 1;
    }
    let first = this.monthOf(fromMs);
    if (this.monthStart(first) < fromMs) first = this.nextMonth(first);
    let last: string | null = null;
    for (let m = first; this.monthStart(this.nextMonth(m)) <= toMs; m = this.nextMonth(m)) last = m;
    if (!last) return null;
    return { first, last, startMs: this.monthStart(first), endMs: this.monthStart(this.nextMonth(last)) };
  }

  /** Recounts the months that changed since the last refresh, and `needed` months never built. */
  refresh(needed: { first: string; last: string } | null): Promise<void> {
    // One refresh at a time per process; a second caller waits and then finds little to do.
    const run = () => this.refreshNow(needed);
    const result = this.running.then(run, run);
    this.running = result.catch(() => undefined);
    return result;
  }

  private async refreshNow(needed: { first: string; last: string } | null): Promise<void> {
    const [top] = await this.q('SELECT MAX(id) AS id FROM complaint_stats_dirty');
    const maxDirty = top?.id === null || top?.id === undefined ? null : num(top.id);
    const dirty = new Set<string>();
    if (maxDirty !== null) {
      // Quarter-hour slots: few distinct values however many complaints arrived.
      const slots = await this.q('SELECT DISTINCT received_at / 900000 AS s FROM complaint_stats_dirty WHERE id <= ?', [maxDirty]);
      for (const s of slots) dirty.add(this.monthOf(Math.floor(num(s.s)) * 900_000));
    }
    const wanted = new Set<string>();
    if (needed) for (let m = needed.first; m <= needed.last; m = this.nextMonth(m)) wanted.add(m);
    const built = needed
      ? new Set((await this.q('SELECT month FROM complaint_stats_months WHERE month >= ? AND month <= ?', [needed.first, needed.last])).map((r) => String(r.month)))
      : new Set<string>();
    // Changed months inside the period, and months never counted, are recounted now; changed
    // months outside it are only marked unbuilt, to be recounted when someone asks for them
    // (the current month, which takes every new complaint, is normally one of those).
    const rebuild = [...wanted].filter((m) => dirty.has(m) || !built.has(m)).sort();
    const invalidate = [...dirty].filter((m) => !wanted.has(m));
    for (const month of rebuild) await this.rebuildMonth(month);
    if (maxDirty !== null) {
      await this.db.transaction(async (query) => {
        for (let i = 0; i < invalidate.length; i += 200) {
          const chunk = invalidate.slice(i, i + 200);
          await query(`DELETE FROM complaint_stats_months WHERE month IN (${chunk.map(() => '?').join(', ')})`, chunk);
        }
        await query('DELETE FROM complaint_stats_dirty WHERE id <= ?', [maxDirty]);
      });
    }
  }

  /** Counts one month from the complaints (reads outside the write lock) and swaps its rows in. */
  async rebuildMonth(month: string): Promise<void> {
    const from = this.monthStart(month);
    const to = this.monthStart(this.nextMonth(month));
    const rows: unknown[][] = [];
    for (const dim of ROLLUP_DIMS) {
      const join = dim === 'keyPopulation' ? 'LEFT JOIN complaint_key_populations k ON k.complaint_id = c.id' : '';
      const col = DIM_COLUMN[dim];
      const counted = await this.q(
        `SELECT c.city_id AS city_id, ${col} AS v, ${BUCKET} AS b, COUNT(*) AS n FROM complaints c ${join}
          WHERE c.received_at >= ? AND c.received_at < ? AND c.status <> 'rejected'
          GROUP BY c.city_id, ${dim === 'none' ? '' : `${col}, `}${BUCKET}`,
        [from, to],
      );
      for (const r of counted) rows.push([month, num(r.city_id), dim, r.v === null || r.v === undefined ? '' : String(r.v), String(r.b), num(r.n)]);
    }
    await this.db.transaction(async (query) => {
      if (!this.db.isSqlite) await query('SELECT pg_advisory_xact_lock(1764000003)');
      await query('DELETE FROM complaint_stats_monthly WHERE month = ?', [month]);
      for (let i = 0; i < rows.length; i += 500) {
        const chunk = rows.slice(i, i + 500);
        await query(`INSERT INTO complaint_stats_monthly (month, city_id, dim, value, bucket, n) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`, chunk.flat());
      }
      await query('DELETE FROM complaint_stats_months WHERE month = ?', [month]);
      await query('INSERT INTO complaint_stats_months (month, built_at) VALUES (?, ?)', [month, Date.now()]);
    });
  }

  /** Sums of whole months [first, last] for one dimension, per value and bucket (and month for quarters). */
  async read(first: string, last: string, dim: RollupDim, cityId: number | null, by: 'value' | 'city' | 'month'): Promise<{ g: string | number | null; bucket: string; n: number }[]> {
    const g = by === 'value' ? 'value' : by === 'city' ? 'city_id' : 'month';
    const params: unknown[] = [first, last, dim];
    if (cityId !== null) params.push(cityId);
    const rows = await this.q(
      `SELECT ${g} AS g, bucket, SUM(n) AS n FROM complaint_stats_monthly
        WHERE month >= ? AND month <= ? AND dim = ? ${cityId !== null ? 'AND city_id = ?' : ''} GROUP BY ${g}, bucket`,
      params,
    );
    return rows.map((r) => ({ g: by === 'city' ? num(r.g) : r.g === '' ? null : String(r.g), bucket: String(r.bucket), n: num(r.n) }));
  }

  private q(sql: string, params: unknown[] = []): Promise<any[]> {
    return this.db.query(placeholders(sql, this.db.isSqlite), params);
  }
}
