import { addDays, addMonths } from '../common/dates';

/**
 * Pure seat arithmetic. A term holds a seat over the half-open range [start, end) of calendar
 * dates ('YYYY-MM-DD', which compare correctly as strings); an early end moves `end` to `endedOn`.
 */
export interface SeatSpan {
  start: string;
  end: string;
}

export interface TermDates {
  termStart: string;
  termEnd: string;
  endedOn: string | null;
}

/** termEnd = termStart + termMonths; a day missing in the target month becomes its last day. */
export function termEndFor(termStart: string, termMonths: number): string {
  return addMonths(termStart, termMonths);
}

/** First day the seat is free again: the earlier of the natural end and an early end. */
export function effectiveEnd(t: TermDates): string {
  return t.endedOn !== null && t.endedOn < t.termEnd ? t.endedOn : t.termEnd;
}

export function spanOf(t: TermDates): SeatSpan {
  return { start: t.termStart, end: effectiveEnd(t) };
}

/** True when the term holds its seat on `date`. */
export function holdsSeatOn(t: TermDates, date: string): boolean {
  return t.termStart <= date && date < effectiveEnd(t);
}

/**
 * +1/−1 occupancy events of the spans clipped to [from, to), in date order. Ends sort before
 * starts on the same date: a seat freed on a day can be taken that day. Empty spans count nowhere.
 */
function seatEvents(spans: SeatSpan[], from: string, to: string): Array<[string, number]> {
  const events: Array<[string, number]> = [];
  for (const s of spans) {
    const a = s.start > from ? s.start : from;
    const b = s.end < to ? s.end : to;
    if (a >= b) continue;
    events.push([a, 1], [b, -1]);
  }
  return events.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1]));
}

/** Most spans overlapping at any one moment inside [from, to). Empty spans count nowhere. */
export function maxOverlap(spans: SeatSpan[], from: string, to: string): number {
  const events = seatEvents(spans, from, to);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) {
    current += delta;
    if (current > max) max = current;
  }
  return max;
}

/** Whether one more span [start, end) fits beside `spans` without exceeding `seats` at any moment. */
export function fits(spans: SeatSpan[], seats: number, start: string, end: string): boolean {
  return maxOverlap(spans, start, end) + 1 <= seats;
}

/**
 * The earliest date on or after `from` on which a full term (`termMonths` long) fits. Occupancy
 * only drops where a span ends, so the candidates are `from` and every span end after it.
 */
export function nextFreeStart(spans: SeatSpan[], seats: number, termMonths: number, from: string): string {
  if (seats <= 0) throw new RangeError('a council needs at least one seat');
  const candidates = [from, ...spans.map((s) => s.end).filter((e) => e > from)].sort();
  for (const d of candidates) {
    if (fits(spans, seats, d, termEndFor(d, termMonths))) return d;
  }
  // Unreachable: after the last end nothing overlaps. Kept total for the type checker.
  return addDays(candidates[candidates.length - 1], 1);
}

/** Terms holding a seat on `today`, and how many seats are empty. */
export function vacanciesOn(terms: TermDates[], seats: number, today: string): number {
  return Math.max(0, seats - terms.filter((t) => holdsSeatOn(t, today)).length);
}

/** The first date in [from, to) on which `spans` already fill every seat, or null if none. */
export function firstFullDate(spans: SeatSpan[], seats: number, from: string, to: string): string | null {
  const events = seatEvents(spans, from, to);
  let current = 0;
  for (const [date, delta] of events) {
    current += delta;
    if (current >= seats) return date;
  }
  return null;
}
