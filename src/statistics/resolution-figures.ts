import { OUTCOMES, Outcome } from '../complaints/complaint.constants';
import { foldedGroups, isSmall, pinnedSmallCells, SUPPRESSED_KEY, suppressLine, suppressTable } from './small-cell-suppression';

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
  /**
   * True for the `suppressed` row (groups of fewer than k, combined) and for a row whose total is
   * hidden because it is below k; false for every figure an admin sees.
   */
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
export { isSmall };

const HIDDEN_RATE: Rate = { value: null, numerator: null, denominator: null, suppressed: true };
const HIDDEN_CELL: Cell = { count: null, share: null, suppressed: true };

/** The cells of a row in table order: the outcomes, then in progress. */
const cellsOf = (t: OutcomeTally): number[] => [...OUTCOMES.map((o) => t.outcomes[o]), t.inProgress];
const POSITIVE = OUTCOMES.indexOf('resolved_positive');
const IN_PROGRESS = OUTCOMES.length;

function hiddenFigures(): ResolutionFigures {
  const outcomes = {} as Record<Outcome, Cell>;
  for (const o of OUTCOMES) outcomes[o] = { ...HIDDEN_CELL };
  return { received: null, suppressed: true, positiveRate: { ...HIDDEN_RATE }, closedPositiveRate: { ...HIDDEN_RATE }, outcomes, inProgress: { ...HIDDEN_CELL } };
}

/**
 * The figures of one row with the cells `hidden` marks left out. A rate is shown only when its
 * counts are: positiveRate needs the positive cell; closedPositiveRate also needs the in-progress
 * cell, since its denominator (received − in progress) would otherwise give that cell away.
 */
function present(t: OutcomeTally, hidden: boolean[], k: number | null, suppressed: boolean): ResolutionFigures {
  const closed = OUTCOMES.reduce((s, o) => s + t.outcomes[o], 0);
  const share = (n: number) => (t.received === 0 ? null : n / t.received);
  const outcomes = {} as Record<Outcome, Cell>;
  OUTCOMES.forEach((o, i) => (outcomes[o] = hidden[i] ? { ...HIDDEN_CELL } : { count: t.outcomes[o], share: share(t.outcomes[o]) }));
  const positive = t.outcomes.resolved_positive;
  const rate = (numerator: number, denominator: number): Rate => ({ value: denominator === 0 ? null : numerator / denominator, numerator, denominator });
  return {
    received: t.received,
    suppressed,
    positiveRate: hidden[POSITIVE] ? { ...HIDDEN_RATE } : rate(positive, t.received),
    closedPositiveRate: hidden[POSITIVE] || hidden[IN_PROGRESS] || isSmall(closed, k) ? { ...HIDDEN_RATE } : rate(positive, closed),
    outcomes,
    inProgress: hidden[IN_PROGRESS] ? { ...HIDDEN_CELL } : { count: t.inProgress, share: share(t.inProgress) },
  };
}

export interface SuppressedGroups<K> {
  overall: ResolutionFigures;
  /** The groups that may be named, in input order, then the `suppressed` row if any group was folded. */
  groups: { key: K | typeof SUPPRESSED_KEY; figures: ResolutionFigures }[];
}

/**
 * The report table of one grouping under both rules of small-cell-suppression.ts: groups of fewer
 * than k folded into one `suppressed` row (with the next-smallest when only one would be), then
 * cells below k hidden with complements across rows and columns. When the overall total itself is
 * below k, nothing is shown but that there is something. A group a cell of which the shown
 * figures would still pin down (checked exactly by pinnedSmallCells) is folded as well. `partition`
 * is false for key populations, whose groups overlap (columns then give no equations).
 * k = null (admins): every figure as is.
 */
export function suppressGroups<K>(overall: OutcomeTally, groups: { key: K; tally: OutcomeTally }[], k: number | null, partition = true): SuppressedGroups<K> {
  const none = new Array<boolean>(IN_PROGRESS + 1).fill(false);
  if (k === null) {
    return { overall: present(overall, none, null, false), groups: groups.map((g) => ({ key: g.key, figures: present(g.tally, none, null, false) })) };
  }
  if (isSmall(overall.received, k)) {
    return { overall: hiddenFigures(), groups: groups.length ? [{ key: SUPPRESSED_KEY, figures: hiddenFigures() }] : [] };
  }
  const overallCells = cellsOf(overall);
  const overallHidden = suppressLine(overallCells, k);
  const sizes = groups.map((g) => g.tally.received);
  // Groups whose small cells cannot be protected are folded too; each round folds at least one
  // more group, so this ends (at the latest with every group folded, when the suppressed row is
  // the overall row of a partition and reads like it).
  for (let forced = new Set<number>(); ; ) {
    const folded = foldedGroups(
      sizes.map((n, i) => (forced.has(i) ? Math.min(n, k - 1) : n)),
      k,
    );
    const shown = groups.map((g, i) => ({ ...g, i })).filter((g) => !folded.has(g.i));
    const rows = shown.map((g) => g.tally);
    // With the overall total shown, the suppressed row combines two groups or more and holds k
    // complaints or more (rule 1); its total is also what the overall total minus the named groups gives.
    const combinedShown = folded.size >= 2;
    if (folded.size) rows.push(sumTallies(groups.filter((_, i) => folded.has(i)).map((g) => g.tally)));
    const rowLine = rows.map((_, i) => i < shown.length || combinedShown);
    const table = suppressTable({ rows: rows.map(cellsOf), rowLine, overall: overallCells, overallHidden, k });
    const pinned = pinnedSmallCells({ rows: rows.map(cellsOf), rowHidden: table.rows, rowTotalShown: rows.map(() => true), overall: overallCells, overallHidden, partition, k });
    const refold = [...new Set([...table.unprotectable, ...pinned.map((p) => p.row)])].filter((r) => r >= 0 && r < shown.length).map((r) => shown[r].i);
    // The suppressed row and the overall row must hold too: when only their cells are at stake,
    // fold the smallest named group and try again.
    if (!refold.length && (table.unprotectable.includes(shown.length) || pinned.length) && shown.length) {
      refold.push(shown.reduce((a, b) => (b.tally.received < a.tally.received ? b : a)).i);
    }
    if (refold.length) {
      refold.forEach((i) => forced.add(i));
      continue;
    }
    const out: SuppressedGroups<K> = {
      overall: present(overall, overallHidden, k, false),
      groups: shown.map((g, r) => ({ key: g.key, figures: present(g.tally, table.rows[r], k, false) })),
    };
    if (folded.size) {
      const r = rows.length - 1;
      out.groups.push({ key: SUPPRESSED_KEY, figures: combinedShown ? present(rows[r], table.rows[r], k, true) : hiddenFigures() });
    }
    return out;
  }
}

/** The figures of one row on its own (no grouping), under the same rules. */
export function figures(t: OutcomeTally, k: number | null): ResolutionFigures {
  if (k === null) return present(t, new Array<boolean>(IN_PROGRESS + 1).fill(false), null, false);
  if (isSmall(t.received, k)) return hiddenFigures();
  return present(t, suppressLine(cellsOf(t), k), k, false);
}
