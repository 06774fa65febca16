import { addDays, daysBetween } from '../common/dates';

export interface TermSpan {
  memberId: number;
  termStart: string;
  termEnd: string;
  endedOn: string | null;
}

export interface CouncilFigures {
  seats: number;
  filledNow: number;
  vacantNow: number;
  /** Sum over the days of the period (up to today) of seats not held that day. */
  vacancyDays: number;
  termsStarted: number;
  /** Terms whose last day fell in the period (expired or ended early), up to today. */
  termsEnded: number;
  termsEndedEarly: number;
  /** Mean length in days of the terms counted in termsEnded; null when none. */
  meanTenureDays: number | null;
  trainings: number;
  /** Members who held a seat at some time in the period. */
  membersInPeriod: number;
  /** trainings / membersInPeriod; null when nobody held a seat. */
  trainingsPerMember: number | null;
}

/** First day off the seat: a term covers [termStart, min(termEnd, endedOn)). */
export const effectiveEnd = (t: TermSpan): string => (t.endedOn && t.endedOn < t.termEnd ? t.endedOn : t.termEnd);

/**
 * Seat figures for one council over [from, to] (calendar dates, both included) as of `today`.
 * Terms are a few dozen per council, so a day-by-day walk is cheap and obviously right.
 */
export function councilFigures(seats: number, terms: TermSpan[], trainings: number, from: string, to: string, today: string): CouncilFigures {
  const active = (day: string) => terms.filter((t) => t.termStart <= day && day < effectiveEnd(t)).length;
  const filledNow = active(today);
  let vacancyDays = 0;
  const lastCounted = to < today ? to : today;
  for (let day = from; day <= lastCounted; day = addDays(day, 1)) vacancyDays += Math.max(0, seats - active(day));
  const started = terms.filter((t) => t.termStart >= from && t.termStart <= to).length;
  const ended = terms.filter((t) => {
    const end = effectiveEnd(t);
    const lastDay = addDays(end, -1);
    return end <= today && lastDay >= from && lastDay <= to;
  });
  const members = new Set(terms.filter((t) => t.termStart <= to && effectiveEnd(t) > from).map((t) => t.memberId));
  return {
    seats,
    filledNow,
    vacantNow: Math.max(0, seats - filledNow),
    vacancyDays,
    termsStarted: started,
    termsEnded: ended.length,
    termsEndedEarly: ended.filter((t) => t.endedOn !== null && t.endedOn < t.termEnd).length,
    meanTenureDays: ended.length ? ended.reduce((s, t) => s + daysBetween(t.termStart, effectiveEnd(t)), 0) / ended.length : null,
    trainings,
    membersInPeriod: members.size,
    trainingsPerMember: members.size ? trainings / members.size : null,
  };
}
