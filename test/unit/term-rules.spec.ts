import fc from 'fast-check';
import { addDays, daysBetween } from '../../src/common/dates';
import {
  effectiveEnd,
  firstFullDate,
  fits,
  holdsSeatOn,
  maxOverlap,
  nextFreeStart,
  SeatSpan,
  spanOf,
  TermDates,
  termEndFor,
  vacanciesOn,
} from '../../src/councils/term-rules';

const term = (termStart: string, termEnd: string, endedOn: string | null = null): TermDates => ({ termStart, termEnd, endedOn });

describe('term arithmetic', () => {
  it.each([
    ['2026-01-15', 24, '2028-01-15'],
    ['2024-02-29', 24, '2026-02-28'], // leap day into a common year
    ['2024-02-29', 48, '2028-02-29'], // leap day into a leap year
    ['2023-01-31', 13, '2024-02-29'], // month end into a leap February
    ['2025-01-31', 1, '2025-02-28'],
    ['2025-08-31', 6, '2026-02-28'],
    ['2025-03-31', 1, '2025-04-30'],
    ['2026-12-15', 1, '2027-01-15'], // across the year
    ['2026-11-30', 3, '2027-02-28'],
  ])('%s + %i months ends on %s', (start, months, end) => {
    expect(termEndFor(start, months)).toBe(end);
  });

  it('treats a term as the half-open range [start, end)', () => {
    const t = term('2026-01-01', '2028-01-01');
    expect(holdsSeatOn(t, '2025-12-31')).toBe(false);
    expect(holdsSeatOn(t, '2026-01-01')).toBe(true);
    expect(holdsSeatOn(t, '2027-12-31')).toBe(true);
    expect(holdsSeatOn(t, '2028-01-01')).toBe(false);
  });

  it('an early end is the first day off the seat; an end on the start day means the seat was never held', () => {
    const ended = term('2026-01-01', '2028-01-01', '2026-06-01');
    expect(effectiveEnd(ended)).toBe('2026-06-01');
    expect(holdsSeatOn(ended, '2026-05-31')).toBe(true);
    expect(holdsSeatOn(ended, '2026-06-01')).toBe(false);
    const cancelled = term('2026-01-01', '2028-01-01', '2026-01-01');
    expect(holdsSeatOn(cancelled, '2026-01-01')).toBe(false);
    // An "end" after the natural end changes nothing.
    expect(effectiveEnd(term('2026-01-01', '2028-01-01', '2029-01-01'))).toBe('2028-01-01');
  });

  it('lets a term start on the day another ends', () => {
    const spans = [spanOf(term('2024-01-01', '2026-01-01'))];
    expect(fits(spans, 1, '2026-01-01', '2028-01-01')).toBe(true);
    expect(fits(spans, 1, '2025-12-31', '2027-12-31')).toBe(false);
    expect(maxOverlap([...spans, { start: '2026-01-01', end: '2028-01-01' }], '2020-01-01', '2030-01-01')).toBe(1);
  });

  it('names the first full day and the day a seat frees', () => {
    const spans: SeatSpan[] = [
      { start: '2026-01-01', end: '2028-01-01' },
      { start: '2026-03-01', end: '2026-09-01' },
    ];
    expect(firstFullDate(spans, 2, '2026-02-01', '2028-02-01')).toBe('2026-03-01');
    expect(firstFullDate(spans, 3, '2026-02-01', '2028-02-01')).toBeNull();
    // With two seats, a 24-month term fits once the short span ends.
    expect(nextFreeStart(spans, 2, 24, '2026-02-01')).toBe('2026-09-01');
    // A 1-month term would fit straight away.
    expect(nextFreeStart(spans, 2, 1, '2026-02-01')).toBe('2026-02-01');
    expect(vacanciesOn([term('2026-01-01', '2028-01-01'), term('2026-03-01', '2026-09-01')], 4, '2026-04-01')).toBe(2);
  });
});

/** Day-by-day count, the slow obvious way, to check the sweep against. */
function occupancyOn(spans: SeatSpan[], day: string): number {
  return spans.filter((s) => s.start <= day && day < s.end).length;
}

function bruteFits(spans: SeatSpan[], seats: number, start: string, end: string): boolean {
  for (let d = start; d < end; d = addDays(d, 1)) if (occupancyOn(spans, d) + 1 > seats) return false;
  return true;
}

const BASE = '2024-01-01';
const op = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), day: fc.integer({ min: 0, max: 900 }) }),
  fc.record({ kind: fc.constant('end' as const), pick: fc.nat(), day: fc.integer({ min: 0, max: 1400 }) }),
  fc.record({ kind: fc.constant('renew' as const), pick: fc.nat() }),
);

describe('seat invariant (property)', () => {
  it('random sequences of add, end and renew never put more than `seats` terms on any day', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 24 }),
        fc.array(op, { maxLength: 30 }),
        (seats, termMonths, ops) => {
          const terms: TermDates[] = [];
          const tryAdd = (start: string) => {
            const end = termEndFor(start, termMonths);
            if (fits(terms.map(spanOf), seats, start, end)) terms.push(term(start, end));
          };
          for (const o of ops) {
            if (o.kind === 'add') tryAdd(addDays(BASE, o.day));
            else if (terms.length && o.kind === 'end') {
              const t = terms[o.pick % terms.length];
              const day = addDays(BASE, o.day);
              if (day < effectiveEnd(t)) t.endedOn = day < t.termStart ? t.termStart : day;
            } else if (terms.length && o.kind === 'renew') {
              tryAdd(effectiveEnd(terms[o.pick % terms.length]));
            }
          }
          // Occupancy only rises on a start day, so the busiest day is some term's first day.
          const spans = terms.map(spanOf);
          const busiest = Math.max(0, ...spans.map((s) => occupancyOn(spans, s.start)));
          expect(busiest).toBeLessThanOrEqual(seats);
          expect(maxOverlap(spans, '0000-01-01', '9999-12-31')).toBe(busiest);
        },
      ),
      { numRuns: 300 },
    );
  });

  const spanArb = fc
    .tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 120 }))
    .map(([a, len]): SeatSpan => ({ start: addDays(BASE, a), end: addDays(BASE, a + len) }));

  it('fits agrees with a day-by-day count', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 8 }), fc.integer({ min: 1, max: 4 }), spanArb, (spans, seats, candidate) => {
        expect(fits(spans, seats, candidate.start, candidate.end)).toBe(bruteFits(spans, seats, candidate.start, candidate.end));
      }),
      { numRuns: 300 },
    );
  });

  it('nextFreeStart is the earliest day a full term fits', () => {
    fc.assert(
      fc.property(fc.array(spanArb, { maxLength: 8 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 200 }), (spans, seats, months, from) => {
        const start = addDays(BASE, from);
        const free = nextFreeStart(spans, seats, months, start);
        expect(free >= start).toBe(true);
        expect(bruteFits(spans, seats, free, termEndFor(free, months))).toBe(true);
        for (let d = start; d < free; d = addDays(d, 1)) expect(bruteFits(spans, seats, d, termEndFor(d, months))).toBe(false);
        expect(daysBetween(start, free)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 200 },
    );
  });
});
