import { invalid } from '../common/domain-errors';
import { addDays, addMonths, daysBetween, startOfDayInZone } from '../common/dates';
import { param } from '../database/sql-dialect';
import { MAX_PERIOD_DAYS } from './stats.constants';

/** A period of calendar days in the configured time zone; `to` is the last day included. */
export interface StatsPeriod {
  from: string | null;
  to: string | null;
  /** Epoch ms bounds for received_at / created_at: [fromMs, toMs). */
  fromMs: number | null;
  toMs: number | null;
  timeZone: string;
  /** True when the period was widened to whole calendar months (everyone but admins). */
  wholeMonths: boolean;
  /** What the caller asked for, when it differs from the period used. */
  requested?: { from: string | null; to: string | null };
}

/** What a report says about its period: the one actually used, and what was asked when that differs. */
export function describePeriod(period: StatsPeriod, basis: string) {
  return {
    from: period.from,
    to: period.to,
    timeZone: period.timeZone,
    basis,
    wholeMonths: period.wholeMonths,
    ...(period.requested ? { requested: period.requested } : {}),
  };
}

export const firstOfMonth = (day: string): string => `${day.slice(0, 7)}-01`;
export const lastOfMonth = (day: string): string => addDays(addMonths(firstOfMonth(day), 1), -1);

/**
 * The period a statistics request is answered for. With `wholeMonths` (everyone but admins) it
 * runs from the first of the month of `from` to the last day of the month of `to`; an open end
 * stays open at the start and ends with the current month (`today`'s) at the end, so two windows
 * that differ by a day, or "until yesterday" and "until today", give the same figures.
 */
export function statsPeriod(q: { from?: string; to?: string }, wholeMonths: boolean, timeZone: string, today: string): StatsPeriod {
  if (!wholeMonths) return resolvePeriod(q.from, q.to, timeZone);
  if (q.from && q.to && q.from > q.to) throw invalid(`from (${q.from}) must not be after to (${q.to})`);
  const from = q.from ? firstOfMonth(q.from) : undefined;
  const to = lastOfMonth(q.to ?? today);
  const period = { ...resolvePeriod(from, to, timeZone), wholeMonths: true };
  if ((q.from ?? null) !== period.from || (q.to ?? null) !== period.to) period.requested = { from: q.from ?? null, to: q.to ?? null };
  return period;
}

export function resolvePeriod(from: string | undefined, to: string | undefined, timeZone: string): StatsPeriod {
  if (from && to && from > to) throw invalid(`from (${from}) must not be after to (${to})`);
  if (from && to && daysBetween(from, to) > MAX_PERIOD_DAYS) throw invalid(`the period may span at most ${MAX_PERIOD_DAYS} days`);
  return {
    from: from ?? null,
    to: to ?? null,
    fromMs: from ? startOfDayInZone(from, timeZone).getTime() : null,
    toMs: to ? startOfDayInZone(addDays(to, 1), timeZone).getTime() : null,
    timeZone,
    wholeMonths: false,
  };
}

/** Appends `column >= from` and `column < to` for the bounds the period has (`$n` placeholders). */
export function wherePeriod(column: string, period: StatsPeriod, where: string[], params: unknown[]): void {
  if (period.fromMs !== null) where.push(`${column} >= ${param(params, period.fromMs)}`);
  if (period.toMs !== null) where.push(`${column} < ${param(params, period.toMs)}`);
}
