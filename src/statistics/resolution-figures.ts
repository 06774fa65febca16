import { OUTCOMES, Outcome } from '../complaints/complaint.constants';

/**
 * The definitions of DESIGN §3 as pure functions, so each one is unit-tested apart from SQL.
 * Inputs are counts of complaints that are NOT rejected (rejected ones never reach here).
 */

export interface OutcomeTally {
  /** Complaints received in the period and not rejected. */
  received: number;
  /** Resolved complaints by outcome. */
  outcomes: Record<Outcome, number>;
  /** Open complaints (received, in review, escalated, responded). */
  inProgress: number;
}

export interface Cell {
  count: number | null;
  /** count / received, between 0 and 1; null when received is 0 or the cell is suppressed. */
  share: number | null;
  suppressed?: true;
}

export interface Rate {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed?: true;
}

export interface ResolutionFigures {
  received: number | null;
  /** True when the group has fewer than k complaints and every figure of it is hidden. */
  suppressed: boolean;
  /** resolved_positive / received — the councils' own measure. */
  positiveRate: Rate;
  /** resolved_positive / complaints with an outcome. */
  closedPositiveRate: Rate;
  outcomes: Record<Outcome, Cell>;
  inProgress: Cell;
}

export function emptyTally(): OutcomeTally {
  const outcomes = {} as Record<Outcome, number>;
  for (const o of OUTCOMES) outcomes[o] = 0;
  return { received: 0, outcomes, inProgress: 0 };
}

const isOutcome = (v: unknown): v is Outcome => typeof v === 'string' && (OUTCOMES as readonly string[]).includes(v);

/**
 * Adds `n` complaints of one (status, outcome) pair. Only a resolved complaint counts under its
 * outcome; any other status (including a reopened complaint that still carries an old outcome) is
 * in progress.
 */
export function addToTally(t: OutcomeTally, status: string, outcome: string | null, n: number): void {
  if (status === 'rejected' || n === 0) return;
  t.received += n;
  if (status === 'resolved' && isOutcome(outcome)) t.outcomes[outcome] += n;
  else t.inProgress += n;
}

export function sumTallies(tallies: OutcomeTally[]): OutcomeTally {
  const total = emptyTally();
  for (const t of tallies) {
    total.received += t.received;
    total.inProgress += t.inProgress;
    for (const o of OUTCOMES) total.outcomes[o] += t.outcomes[o];
  }
  return total;
}

/** A count is hidden when 0 < count < k (zero reveals nobody). k = null: no suppression (admin). */
export const isSmall = (count: number, k: number | null): boolean => k !== null && count > 0 && count < k;

function rate(numerator: number, denominator: number, k: number | null): Rate {
  if (isSmall(numerator, k) || isSmall(denominator, k)) return { value: null, numerator: null, denominator: null, suppressed: true };
  return { value: denominator === 0 ? null : numerator / denominator, numerator, denominator };
}

function cell(count: number, received: number, k: number | null): Cell {
  if (isSmall(count, k)) return { count: null, share: null, suppressed: true };
  return { count, share: received === 0 ? null : count / received };
}

export function figures(t: OutcomeTally, k: number | null): ResolutionFigures {
  const closed = OUTCOMES.reduce((s, o) => s + t.outcomes[o], 0);
  if (isSmall(t.received, k)) {
    const hiddenRate: Rate = { value: null, numerator: null, denominator: null, suppressed: true };
    const hiddenCell: Cell = { count: null, share: null, suppressed: true };
    const outcomes = {} as Record<Outcome, Cell>;
    for (const o of OUTCOMES) outcomes[o] = { ...hiddenCell };
    return { received: null, suppressed: true, positiveRate: hiddenRate, closedPositiveRate: { ...hiddenRate }, outcomes, inProgress: { ...hiddenCell } };
  }
  const outcomes = {} as Record<Outcome, Cell>;
  for (const o of OUTCOMES) outcomes[o] = cell(t.outcomes[o], t.received, k);
  return {
    received: t.received,
    suppressed: false,
    positiveRate: rate(t.outcomes.resolved_positive, t.received, k),
    closedPositiveRate: rate(t.outcomes.resolved_positive, closed, k),
    outcomes,
    inProgress: cell(t.inProgress, t.received, k),
  };
}
