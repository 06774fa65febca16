import { num, param, paramList } from '../database/sql-dialect';
import { MonthlyRollup, RollupDb } from './monthly-rollup';

/** Response times are bucketed to a tenth of a day, as stats/sla reports them. */
export const SLA_BUCKET_MS = 8_640_000;

/** One facility's figures over some months (or some escalations). */
export interface SlaCell {
  facilityId: number;
  n: number;
  responded: number;
  within: number;
  /** Unanswered and past due: marked overdue, or (counted live, against `now`) still awaiting. */
  overdue: number;
  escalatedUp: number;
  /** Responded escalations per floor((responded_at - created_at) / SLA_BUCKET_MS), as SQL's integer division gives it. */
  hist: Map<number, number>;
}

export const emptyCell = (facilityId: number): SlaCell => ({ facilityId, n: 0, responded: 0, within: 0, overdue: 0, escalatedUp: 0, hist: new Map() });

/**
 * Adds 'bucket:count,bucket:count' to `hist`. A year of months holds ~60,000 pairs on the bench's
 * database; split(',') and split(':') took 70 ms over them, this single pass a few.
 */
export function addHistogram(hist: Map<number, number>, text: string): void {
  let value = 0;
  let sign = 1;
  let bucket = 0;
  let digits = false;
  for (let i = 0; i <= text.length; i++) {
    const ch = i < text.length ? text.charCodeAt(i) : 44;
    if (ch >= 48 && ch <= 57) {
      value = value * 10 + (ch - 48);
      digits = true;
    } else if (ch === 45) sign = -1;
    else if (ch === 58) {
      bucket = sign * value;
      value = 0;
      sign = 1;
    } else if (ch === 44) {
      if (digits) hist.set(bucket, (hist.get(bucket) ?? 0) + value);
      value = 0;
      sign = 1;
      digits = false;
    }
  }
}

/**
 * Per city and facility, the figures of the escalations matching `where` (over `e`), in one pass:
 * counts, the histogram of response times, steps up the ladder, and those unanswered and marked
 * overdue; with `now`, awaiting ones past due at `now` count as overdue too (the live figure the
 * rollup never keeps). Used to build the rollup's months and for the parts of a period outside it.
 */
export async function countCells(db: Pick<RollupDb, 'query'>, where: string, params: unknown[], now: number | null): Promise<(SlaCell & { cityId: number })[]> {
  const p = [...params];
  const awaitingLate = now === null ? '' : ` OR (e.response_state = 'awaiting' AND e.due_at < ${param(p, now)})`;
  const counted = await db.query(
    `SELECT e.city_id AS city_id, e.facility_id AS facility_id, CASE WHEN e.responded_at IS NOT NULL THEN 1 ELSE 0 END AS r,
            CASE WHEN e.responded_at IS NOT NULL THEN (e.responded_at - e.created_at) / ${SLA_BUCKET_MS} ELSE 0 END AS b, COUNT(*) AS n,
            SUM(CASE WHEN e.responded_at IS NOT NULL AND e.responded_at <= e.due_at THEN 1 ELSE 0 END) AS within,
            SUM(CASE WHEN e.responded_at IS NULL AND (e.response_state = 'overdue'${awaitingLate}) THEN 1 ELSE 0 END) AS overdue,
            SUM(CASE WHEN EXISTS (SELECT 1 FROM escalations up WHERE up.parent_escalation_id = e.id) THEN 1 ELSE 0 END) AS up
       FROM escalations e WHERE ${where} GROUP BY 1, 2, 3, 4`,
    p,
  );
  const cells = new Map<string, SlaCell & { cityId: number }>();
  for (const r of counted) {
    const key = `${num(r.city_id)}:${num(r.facility_id)}`;
    let c = cells.get(key);
    if (!c) cells.set(key, (c = { ...emptyCell(num(r.facility_id)), cityId: num(r.city_id) }));
    const n = num(r.n);
    c.n += n;
    c.within += num(r.within);
    c.overdue += num(r.overdue);
    c.escalatedUp += num(r.up);
    if (num(r.r) === 1) {
      c.responded += n;
      c.hist.set(Math.floor(num(r.b)), n);
    }
  }
  return [...cells.values()];
}

/**
 * Escalation figures per local calendar month, city and facility, with the histogram of response
 * times (tenths of a day), kept in escalation_stats_monthly, for stats/sla (which read every escalation of the period three times
 * over). Freshness works as for the complaints' rollup (monthly-rollup.ts): triggers (migration
 * 1764000013000) write the created_at and facility of every escalation whose figures changed (and
 * of the parent of a new step up the ladder) to escalation_stats_dirty; the facilities named there
 * are recounted in their months, and months never built wholly, before a read. The one figure that depends on the clock, awaiting escalations past
 * their due date, is never rolled up: it is counted live from the (few) awaiting rows.
 */
export class EscalationRollup {
  /** Calendar arithmetic and the period's whole months, shared with the complaints' rollup. */
  readonly months: MonthlyRollup;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: RollupDb,
    timeZone: string,
  ) {
    this.months = new MonthlyRollup(db, timeZone);
  }

  refresh(needed: { first: string; last: string }): Promise<void> {
    const run = () => this.refreshNow(needed);
    const result = this.running.then(run, run);
    this.running = result.catch(() => undefined);
    return result;
  }

  private async refreshNow(needed: { first: string; last: string }): Promise<void> {
    const m = this.months;
    const [top] = await this.db.query('SELECT MAX(id) AS id FROM escalation_stats_dirty');
    const maxDirty = top?.id === null || top?.id === undefined ? null : num(top.id);
    // Changed facilities per month; 'all' for a mark without a facility (written before 1764000013000).
    const dirty = new Map<string, Set<number> | 'all'>();
    if (maxDirty !== null) {
      // Quarter-hour slots: few distinct values however many escalations changed.
      const marks = await this.db.query('SELECT DISTINCT created_at / 900000 AS s, facility_id FROM escalation_stats_dirty WHERE id <= $1', [maxDirty]);
      for (const r of marks) {
        const month = m.monthOf(Math.floor(num(r.s)) * 900_000);
        const known = dirty.get(month) ?? new Set<number>();
        // Past a few hundred facilities the whole month is as cheap, and the IN list stays short.
        if (known === 'all' || r.facility_id === null || r.facility_id === undefined || known.size >= 200) dirty.set(month, 'all');
        else dirty.set(month, known.add(num(r.facility_id)));
      }
    }
    const wanted = new Set<string>();
    for (let month = needed.first; month <= needed.last; month = m.nextMonth(month)) wanted.add(month);
    const built = new Set((await this.db.query('SELECT month FROM escalation_stats_months WHERE month >= $1 AND month <= $2', [needed.first, needed.last])).map((r) => String(r.month)));
    // As for complaints: changed or unbuilt months of the period now (a built month only for the
    // facilities that changed), other changed months only unmarked.
    for (const month of [...wanted].sort()) {
      if (!built.has(month) || dirty.get(month) === 'all') await this.rebuildMonth(month);
      else if (dirty.has(month)) await this.rebuildMonth(month, [...(dirty.get(month) as Set<number>)]);
    }
    const invalidate = [...dirty.keys()].filter((month) => !wanted.has(month));
    if (maxDirty !== null) {
      await this.db.transaction(async (query) => {
        for (let i = 0; i < invalidate.length; i += 200) {
          const params: unknown[] = [];
          await query(`DELETE FROM escalation_stats_months WHERE month IN (${paramList(params, invalidate.slice(i, i + 200))})`, params);
        }
        await query('DELETE FROM escalation_stats_dirty WHERE id <= $1', [maxDirty]);
      });
    }
  }

  /**
   * Counts one month from the escalations (reads outside the write lock) and swaps its rows in;
   * with `facilities`, only those facilities' rows of an already built month (a response or a
   * step up the ladder recounts a few hundred escalations, not the month's thousands).
   */
  async rebuildMonth(month: string, facilities?: number[]): Promise<void> {
    const from = this.months.monthStart(month);
    const to = this.months.monthStart(this.months.nextMonth(month));
    const params: unknown[] = [from, to];
    const only = facilities ? `AND e.facility_id IN (${paramList(params, facilities)})` : '';
    const cells = await countCells(this.db, `e.created_at >= $1 AND e.created_at < $2 ${only}`, params, null);
    const rows = cells.map((c) => [
      month,
      c.cityId,
      c.facilityId,
      c.n,
      c.responded,
      c.within,
      c.overdue,
      c.escalatedUp,
      [...c.hist.entries()].map(([b, n]) => `${b}:${n}`).join(','),
    ]);
    await this.db.transaction(async (query) => {
      if (!this.db.isSqlite) await query('SELECT pg_advisory_xact_lock(1764000012)');
      const gone: unknown[] = [month];
      await query(`DELETE FROM escalation_stats_monthly WHERE month = $1 ${facilities ? `AND facility_id IN (${paramList(gone, facilities)})` : ''}`, gone);
      for (let i = 0; i < rows.length; i += 100) {
        const params: unknown[] = [];
        const tuples = rows.slice(i, i + 100).map((row) => `(${paramList(params, row)})`);
        await query(`INSERT INTO escalation_stats_monthly (month, city_id, facility_id, n, responded, within, overdue, escalated_up, histogram) VALUES ${tuples.join(', ')}`, params);
      }
      if (facilities) return;
      await query('DELETE FROM escalation_stats_months WHERE month = $1', [month]);
      await query('INSERT INTO escalation_stats_months (month, built_at) VALUES ($1, $2)', [month, Date.now()]);
    });
  }

  /**
   * The cells of whole months [first, last] (refreshed first by the caller), with the awaiting
   * escalations of those months past due at `now` counted live into `overdue`.
   */
  async read(full: { first: string; last: string; startMs: number; endMs: number }, cityId: number | null, facilityId: number | null, now: number): Promise<SlaCell[]> {
    const params: unknown[] = [full.first, full.last];
    const where = ['month >= $1', 'month <= $2'];
    if (cityId !== null) where.push(`city_id = ${param(params, cityId)}`);
    if (facilityId !== null) where.push(`facility_id = ${param(params, facilityId)}`);
    const rows = await this.db.query(`SELECT facility_id, n, responded, within, overdue, escalated_up, histogram FROM escalation_stats_monthly WHERE ${where.join(' AND ')}`, params);
    const cells = new Map<number, SlaCell>();
    const at = (f: number) => {
      let c = cells.get(f);
      if (!c) cells.set(f, (c = emptyCell(f)));
      return c;
    };
    for (const r of rows) {
      const c = at(num(r.facility_id));
      c.n += num(r.n);
      c.responded += num(r.responded);
      c.within += num(r.within);
      c.overdue += num(r.overdue);
      c.escalatedUp += num(r.escalated_up);
      addHistogram(c.hist, String(r.histogram ?? ''));
    }
    const live: unknown[] = [now, full.startMs, full.endMs];
    // `+created_at` keeps the planner on the partial index of awaiting rows by due date (only those
    // past due are read) instead of a range of every escalation of the months.
    const liveWhere = ["e.response_state = 'awaiting'", 'e.responded_at IS NULL', 'e.due_at < $1', '+e.created_at >= $2', '+e.created_at < $3'];
    if (cityId !== null) liveWhere.push(`e.city_id = ${param(live, cityId)}`);
    if (facilityId !== null) liveWhere.push(`e.facility_id = ${param(live, facilityId)}`);
    const awaiting = await this.db.query(`SELECT e.facility_id AS facility_id, COUNT(*) AS n FROM escalations e WHERE ${liveWhere.join(' AND ')} GROUP BY e.facility_id`, live);
    for (const a of awaiting) at(num(a.facility_id)).overdue += num(a.n);
    return [...cells.values()];
  }
}
