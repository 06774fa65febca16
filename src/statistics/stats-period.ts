import { invalid } from '../common/domain-errors';
import { addDays, daysBetween, startOfDayInZone } from '../common/dates';
import { MAX_PERIOD_DAYS } from './stats.constants';

/** A period of calendar days in the configured time zone; `to` is the last day included. */
export interface StatsPeriod {
  from: string | null;
  to: string | null;
  /** Epoch ms bounds for received_at / created_at: [fromMs, toMs). */
  fromMs: number | null;
  toMs: number | null;
  timeZone: string;
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
  };
}

/** Appends `column >= from` and `column < to` for the bounds the period has. */
export function wherePeriod(column: string, period: StatsPeriod, where: string[], params: unknown[]): void {
  if (period.fromMs !== null) {
    where.push(`${column} >= ?`);
    params.push(period.fromMs);
  }
  if (period.toMs !== null) {
    where.push(`${column} < ?`);
    params.push(period.toMs);
  }
}
