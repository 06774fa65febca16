/** Calendar dates are 'YYYY-MM-DD' strings; instants are Date. */

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const [y, m, d] = s.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d));
  return dt.getUTCFullYear() === y && dt.getUTCMonth() === m - 1 && dt.getUTCDate() === d;
}

/** Adds calendar months; a day that does not exist in the target month becomes its last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ty = Math.floor(total / 12);
  const tm = total % 12;
  const last = new Date(Date.UTC(ty, tm + 1, 0)).getUTCDate();
  return fmt(ty, tm + 1, Math.min(d, last));
}

export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const dt = new Date(Date.UTC(y, m - 1, d + days));
  return fmt(dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate());
}

export function daysBetween(from: string, to: string): number {
  const a = Date.parse(from + 'T00:00:00Z');
  const b = Date.parse(to + 'T00:00:00Z');
  return Math.round((b - a) / 86_400_000);
}

function fmt(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The calendar date of an instant in a time zone. */
// Building an Intl.DateTimeFormat costs far more than using one; keep one per zone.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
const secondFormats = new Map<string, Intl.DateTimeFormat>();

/** The last answer per zone, by whole second: a burst of requests asks about the same second. */
const lastDay = new Map<string, { second: number; day: string }>();

export function dateInZone(instant: Date, timeZone: string): string {
  const second = Math.floor(instant.getTime() / 1000);
  const last = lastDay.get(timeZone);
  if (last && last.second === second) return last.day;
  const day = formatDay(instant, timeZone);
  lastDay.set(timeZone, { second, day });
  return day;
}

function formatDay(instant: Date, timeZone: string): string {
  let fmt = dayFormats.get(timeZone);
  if (!fmt) dayFormats.set(timeZone, (fmt = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  const parts = fmt.formatToParts(instant);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** Offset of a zone from UTC at an instant, in minutes. */
function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  let fmt = secondFormats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    secondFormats.set(timeZone, fmt);
  }
  const parts = fmt.formatToParts(instant);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60000);
}

/** The instant a calendar date starts in a time zone. */
export function startOfDayInZone(date: string, timeZone: string): Date {
  const utcMidnight = new Date(date + 'T00:00:00Z');
  const offset = zoneOffsetMinutes(utcMidnight, timeZone);
  const guess = new Date(utcMidnight.getTime() - offset * 60000);
  const offset2 = zoneOffsetMinutes(guess, timeZone);
  return offset2 === offset ? guess : new Date(utcMidnight.getTime() - offset2 * 60000);
}

/** 'YYYY-Qn' of an instant in a time zone. */
export function quarterInZone(instant: Date, timeZone: string): string {
  const d = dateInZone(instant, timeZone);
  const q = Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1;
  return `${d.slice(0, 4)}-Q${q}`;
}
