import { startOfDayInZone } from '../common/dates';
import { num, paramList } from '../database/sql-dialect';
import { COUNTED, GROUP_COLUMN, groupJoin, IN_PROGRESS, OUTCOME_BUCKET } from './stats-dimensions';
import { ResolutionGroupBy } from './stats.constants';

/**
 * Complaint counts per local calendar month, city, dimension value and bucket (outcome or
 * in_progress), kept in complaint_stats_monthly. A scan of a million complaints costs seconds in
 * SQLite however the indexes are laid out (every row's expressions are evaluated and sorted); the
 * rollup holds a few thousand rows per month, so whole months are summed from it and only the
 * partial months at the edges of a period are counted from the complaints themselves.
 *
 * Freshness: triggers on complaints and complaint_key_populations (installed by migration
 * 1764000003000 only) write the received_at of every changed complaint to complaint_stats_dirty,
 * in the same transaction as the change. Before answering, the months named there, and months
 * never built, are recounted. So the rollup is never stale; it is only as expensive as the months
 * that changed.
 */

type RollupDim = 'none' | 'facility' | 'category' | 'gender' | 'ageGroup' | 'keyPopulation';
const ROLLUP_DIMS: RollupDim[] = ['none', 'facility', 'category', 'gender', 'ageGroup', 'keyPopulation'];

/**
 * Where a grouping's counts are kept: every row carries its city and month, so city and quarter
 * read the 'none' dimension by city_id or month; the other groupings are a dimension of their own.
 */
function rollupSource(groupBy: ResolutionGroupBy | null): { dim: RollupDim; by: 'value' | 'city' | 'month' } {
  if (groupBy === 'city') return { dim: 'none', by: 'city' };
  if (groupBy === 'quarter') return { dim: 'none', by: 'month' };
  return { dim: groupBy ?? 'none', by: 'value' };
}

/** Statements use `$n` placeholders (src/database/sql-dialect.ts); the adapter rewrites them for SQLite. */
export interface RollupDb {
  isSqlite: boolean;
  query(sql: string, params?: unknown[]): Promise<any[]>;
  /** Runs `work` in one write transaction (serialised on SQLite). */
  transaction(work: (query: (sql: string, params?: unknown[]) => Promise<any[]>) => Promise<void>): Promise<void>;
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
      const [r] = await this.db.query('SELECT MIN(received_at) AS lo, MAX(received_at) AS hi FROM complaints');
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
    const [top] = await this.db.query('SELECT MAX(id) AS id FROM complaint_stats_dirty');
    const maxDirty = top?.id === null || top?.id === undefined ? null : num(top.id);
    const dirty = new Set<string>();
    if (maxDirty !== null) {
      // Quarter-hour slots: few distinct values however many complaints arrived.
      const slots = await this.db.query('SELECT DISTINCT received_at / 900000 AS s FROM complaint_stats_dirty WHERE id <= $1', [maxDirty]);
      for (const s of slots) dirty.add(this.monthOf(Math.floor(num(s.s)) * 900_000));
    }
    const wanted = new Set<string>();
    if (needed) for (let m = needed.first; m <= needed.last; m = this.nextMonth(m)) wanted.add(m);
    const built = needed
      ? new Set((await this.db.query('SELECT month FROM complaint_stats_months WHERE month >= $1 AND month <= $2', [needed.first, needed.last])).map((r) => String(r.month)))
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
          const params: unknown[] = [];
          await query(`DELETE FROM complaint_stats_months WHERE month IN (${paramList(params, invalidate.slice(i, i + 200))})`, params);
        }
        await query('DELETE FROM complaint_stats_dirty WHERE id <= $1', [maxDirty]);
      });
    }
  }

  /** Counts one month from the complaints (reads outside the write lock) and swaps its rows in. */
  async rebuildMonth(month: string): Promise<void> {
    const from = this.monthStart(month);
    const to = this.monthStart(this.nextMonth(month));
    const rows: unknown[][] = [];
    for (const dim of ROLLUP_DIMS) {
      const col = dim === 'none' ? "''" : GROUP_COLUMN[dim];
      const counted = await this.db.query(
        `SELECT c.city_id AS city_id, ${col} AS v, ${OUTCOME_BUCKET} AS b, COUNT(*) AS n FROM complaints c ${groupJoin(dim === 'none' ? null : dim)}
          WHERE c.received_at >= $1 AND c.received_at < $2 AND ${COUNTED}
          GROUP BY c.city_id, ${dim === 'none' ? '' : `${col}, `}${OUTCOME_BUCKET}`,
        [from, to],
      );
      for (const r of counted) rows.push([month, num(r.city_id), dim, r.v === null || r.v === undefined ? '' : String(r.v), String(r.b), num(r.n)]);
    }
    await this.db.transaction(async (query) => {
      if (!this.db.isSqlite) await query('SELECT pg_advisory_xact_lock(1764000003)');
      await query('DELETE FROM complaint_stats_monthly WHERE month = $1', [month]);
      for (let i = 0; i < rows.length; i += 500) {
        const params: unknown[] = [];
        const tuples = rows.slice(i, i + 500).map((row) => `(${paramList(params, row)})`);
        await query(`INSERT INTO complaint_stats_monthly (month, city_id, dim, value, bucket, n) VALUES ${tuples.join(', ')}`, params);
      }
      await query('DELETE FROM complaint_stats_months WHERE month = $1', [month]);
      await query('INSERT INTO complaint_stats_months (month, built_at) VALUES ($1, $2)', [month, Date.now()]);
    });
  }

  /**
   * Counts of whole months [first, last] for one grouping, per group and outcome (null: in
   * progress), keyed as the live counts of statistics.repository.ts are.
   */
  async read(first: string, last: string, groupBy: ResolutionGroupBy | null, cityId: number | null): Promise<{ g: string | number | null; outcome: string | null; n: number }[]> {
    const { dim, by } = rollupSource(groupBy);
    const g = by === 'value' ? 'value' : by === 'city' ? 'city_id' : 'month';
    const params: unknown[] = [first, last, dim];
    if (cityId !== null) params.push(cityId);
    const rows = await this.db.query(
      `SELECT ${g} AS g, bucket, SUM(n) AS n FROM complaint_stats_monthly
        WHERE month >= $1 AND month <= $2 AND dim = $3 ${cityId !== null ? 'AND city_id = $4' : ''} GROUP BY ${g}, bucket`,
      params,
    );
    const key = (v: unknown): string | number | null => {
      if (by === 'city') return num(v);
      if (by === 'month') return quarterOfMonth(String(v));
      if (v === '' || v === null || v === undefined) return null;
      return groupBy === 'facility' ? Number(v) : String(v);
    };
    return rows.map((r) => ({ g: key(r.g), outcome: r.bucket === IN_PROGRESS ? null : String(r.bucket), n: num(r.n) }));
  }
}

/** 'YYYY-MM' → 'YYYY-Qn', as received_quarter is written. */
const quarterOfMonth = (m: string): string => `${m.slice(0, 4)}-Q${Math.floor((Number(m.slice(5, 7)) - 1) / 3) + 1}`;
