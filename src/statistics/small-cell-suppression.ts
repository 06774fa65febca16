/**
 * Small-group suppression for everyone but admins, as pure functions (unit- and property-tested
 * in test/unit/small-cell-suppression.spec.ts). k is STATS_MIN_CELL; null means "show everything".
 *
 * Two rules, because a hidden count is only hidden if no visible figures add up to it:
 *
 * 1. Groups (rows): a group with 1..k-1 members is never named. Such groups are folded into one
 *    `suppressed` row; when exactly one group would be folded, the next-smallest group is folded
 *    with it, so "total minus the named groups" is always a sum of at least two groups; and the
 *    next-smallest groups are added until the row holds at least k members.
 *
 * 2. Cells (inside the rows that are shown, including the `suppressed` row and the overall row):
 *    a count of 1..k-1 is hidden, and every line of the table (a row's cells against the row's
 *    total; one cell across the group rows against the overall row) must hide either none of its
 *    cells or at least two that together hold k or more. A line short of that also hides its
 *    smallest visible non-zero cell (complementary suppression); this repeats until no line
 *    changes. The overall row is decided on its own, so it reads the same in every grouping.
 *
 * Zeros are shown: a zero names nobody. A hidden zero would not protect anything either: when the
 * visible cells of a line already account for its total, every hidden cell is known to be zero.
 */

/** A count that would name too few people: 0 < n < k. k = null: nothing is small (admins). */
export const isSmall = (count: number, k: number | null): boolean => k !== null && count > 0 && count < k;

/** Key of the row that stands for the folded groups. */
export const SUPPRESSED_KEY = 'suppressed';

/**
 * Which groups are folded into the `suppressed` row: every group of size 1..k-1, and then, while
 * the folded groups hold fewer than k together, the next-smallest group. So a lone small group
 * always takes the next-smallest with it (it holds fewer than k itself), and the suppressed row
 * never holds fewer than k: one of 3 complaints would pin its own cells, and through them the
 * overall row's. Ties go to the first in input order; groups of size zero are never folded.
 * Returns indexes into `sizes`; when every group is folded the row may still be below k (the
 * caller then hides it, as it hides the overall row).
 */
export function foldedGroups(sizes: number[], k: number | null): Set<number> {
  const folded = new Set<number>();
  if (k === null) return folded;
  sizes.forEach((n, i) => {
    if (isSmall(n, k)) folded.add(i);
  });
  let total = [...folded].reduce((s, i) => s + sizes[i], 0);
  while (folded.size && total < k) {
    let next = -1;
    sizes.forEach((n, i) => {
      if (!folded.has(i) && n > 0 && (next < 0 || n < sizes[next])) next = i;
    });
    if (next < 0) break;
    folded.add(next);
    total += sizes[next];
  }
  return folded;
}

/**
 * Whether a line (a shown total and its parts) with these parts hidden is protected: no part
 * hidden, or at least two whose sum is at least k and more than their number. The last condition
 * matters because zeros are shown, so every hidden part is known to be 1 or more: two hidden
 * parts that add up to 2 would both be 1.
 */
function lineProtected(values: number[], hidden: boolean[], k: number): boolean {
  let h = 0;
  let sum = 0;
  values.forEach((v, i) => {
    if (hidden[i]) {
      h++;
      sum += v;
    }
  });
  return h === 0 || (h >= 2 && sum >= Math.max(k, h + 1));
}

/** Index of the smallest shown non-zero part that `eligible` allows (ties: the first), or -1. */
function smallestShown(values: number[], hidden: boolean[], eligible: (i: number) => boolean): number {
  let best = -1;
  values.forEach((v, i) => {
    if (!hidden[i] && v > 0 && eligible(i) && (best < 0 || v < values[best])) best = i;
  });
  return best;
}

/** Hides complements in one line until it is protected; false when no eligible part is left. */
function protectLine(values: number[], hidden: boolean[], k: number, eligible: (i: number) => boolean = () => true): boolean {
  while (!lineProtected(values, hidden, k)) {
    const next = smallestShown(values, hidden, eligible);
    if (next < 0) return false;
    hidden[next] = true;
  }
  return true;
}

/**
 * One line on its own (the overall row; the decline reasons of the declined cases): parts of
 * 1..k-1 hidden, then complements (smallest shown non-zero part first) until the line is
 * protected. If the line cannot be (its other parts are all zero), its hidden part equals the total.
 */
export function suppressLine(parts: number[], k: number | null): boolean[] {
  const hidden = parts.map((n) => isSmall(n, k));
  if (k !== null) protectLine(parts, hidden, k);
  return hidden;
}

export interface TableInput {
  /** Cell counts of each group row shown (the `suppressed` row included), all of the overall row's width. */
  rows: number[][];
  /**
   * Whether a row's own line applies: its total is shown and it stands for one group. The
   * `suppressed` row with a total below k is exempt: its cells are sums over two or more groups.
   */
  rowLine: boolean[];
  /** The overall row and its hidden cells, decided by suppressLine alone and not changed here. */
  overall: number[];
  overallHidden: boolean[];
  k: number;
}

export interface TableHidden {
  rows: boolean[][];
  /** Rows whose small cells cannot be protected without hiding more of the overall row: fold them. */
  unprotectable: number[];
}

/**
 * Rule 2 across a table. The overall row is held fixed (as its own report shows it), so every
 * grouping of the same period shows the same overall figures and none can be differenced against
 * another. Lines: each group row against its total; each column against its overall cell. A column
 * whose overall cell is hidden needs one hidden group cell at least, or the overall cell would be
 * their sum. A complement that its column gives away anyway (the column's only non-zero cell, so
 * equal to the overall cell) is shown again and never chosen again; a row left without eligible
 * complements is reported as unprotectable, and the caller folds it.
 */
export function suppressTable(input: TableInput): TableHidden {
  const { rows, overall, overallHidden, k } = input;
  const width = overall.length;
  const hidden = rows.map((r) => r.map((n) => isSmall(n, k)));
  const ineligible = rows.map((r) => r.map(() => false));
  const unprotectable = new Set<number>();
  const count = () => hidden.reduce((s, r) => s + r.filter(Boolean).length, 0) + ineligible.reduce((s, r) => s + r.filter(Boolean).length, 0) * rows.length * width;

  // Terminates: hidden cells only grow, except a complement turned ineligible, and that set only grows.
  for (let before = -1; before !== count(); ) {
    before = count();
    rows.forEach((r, i) => {
      if (input.rowLine[i] && !protectLine(r, hidden[i], k, (c) => !ineligible[i][c])) unprotectable.add(i);
    });
    for (let c = 0; c < width; c++) {
      const col = rows.map((r) => r[c]);
      const colHidden = hidden.map((h) => h[c]);
      const eligible = (i: number) => !ineligible[i][c];
      if (overallHidden[c]) {
        if (overall[c] > 0 && !colHidden.some(Boolean)) {
          const next = smallestShown(col, colHidden, eligible);
          if (next >= 0) hidden[next][c] = true;
        }
        continue;
      }
      while (!lineProtected(col, colHidden, k)) {
        const next = smallestShown(col, colHidden, eligible);
        if (next >= 0) {
          hidden[next][c] = colHidden[next] = true;
          continue;
        }
        // Nothing left to hide with: the hidden cells of this column are its overall cell minus
        // zeros. A complement is then known anyway; a small cell cannot be kept here.
        colHidden.forEach((h, i) => {
          if (!h) return;
          if (isSmall(col[i], k)) unprotectable.add(i);
          else {
            hidden[i][c] = colHidden[i] = false;
            ineligible[i][c] = true;
          }
        });
        break;
      }
    }
  }
  return { rows: hidden, unprotectable: [...unprotectable].sort((a, b) => a - b) };
}

export interface AuditInput {
  rows: number[][];
  rowHidden: boolean[][];
  rowTotalShown: boolean[];
  overall: number[];
  overallHidden: boolean[];
  /** True when the rows partition the overall (every grouping but key populations). */
  partition: boolean;
  k: number;
}

/**
 * The check behind rule 2: the line rules alone can leave a cell that several lines together
 * pin down (two rows and two columns whose shown totals close a cycle). Every shown total is a
 * linear equation over the hidden cells; a hidden cell is given away exactly when its unit vector
 * lies in the span of those equations. Returns the small hidden cells so pinned (row index, or
 * -1 for the overall row; cell index). Exact for the linear equations; the counts being whole and
 * non-negative is what the line rule's "sum of at least k" guards against.
 */
export function pinnedSmallCells(input: AuditInput): { row: number; cell: number }[] {
  const { rows, rowHidden, overall, overallHidden, k } = input;
  const width = overall.length;
  const all = [...rows.map((r, i) => ({ values: r, hidden: rowHidden[i], total: input.rowTotalShown[i] })), { values: overall, hidden: overallHidden, total: true }];
  const index = new Map<string, number>();
  all.forEach((r, i) => r.hidden.forEach((h, c) => h && index.set(`${i}:${c}`, index.size)));
  if (!index.size) return [];
  const n = index.size;
  const equations: number[][] = [];
  for (const [i, r] of all.entries()) {
    if (!r.total) continue;
    const eq = new Array<number>(n).fill(0);
    r.hidden.forEach((h, c) => h && (eq[index.get(`${i}:${c}`)!] = 1));
    equations.push(eq);
  }
  if (input.partition) {
    const o = all.length - 1;
    for (let c = 0; c < width; c++) {
      const eq = new Array<number>(n).fill(0);
      for (let i = 0; i < o; i++) if (all[i].hidden[c]) eq[index.get(`${i}:${c}`)!] = 1;
      if (overallHidden[c]) eq[index.get(`${o}:${c}`)!] = -1;
      equations.push(eq);
    }
  }
  const basis = reducedBasis(equations, n);
  const pinned: { row: number; cell: number }[] = [];
  all.forEach((r, i) =>
    r.hidden.forEach((h, c) => {
      if (!h || !isSmall(r.values[c], k)) return;
      const unit = new Array<number>(n).fill(0);
      unit[index.get(`${i}:${c}`)!] = 1;
      if (inSpan(basis, unit)) pinned.push({ row: i === all.length - 1 ? -1 : i, cell: c });
    }),
  );
  return pinned;
}

const EPS = 1e-9;

/** Row-reduced basis of the equations' span: each row has a leading 1 in its own pivot column. */
function reducedBasis(equations: number[][], n: number): { pivot: number; row: number[] }[] {
  const basis: { pivot: number; row: number[] }[] = [];
  for (const eq of equations) {
    const v = reduce(basis, [...eq]);
    const pivot = v.findIndex((x) => Math.abs(x) > EPS);
    if (pivot < 0) continue;
    const lead = v[pivot];
    for (let j = 0; j < n; j++) v[j] /= lead;
    // Keep the basis fully reduced, so reduce() needs one pass.
    for (const b of basis) {
      const f = b.row[pivot];
      if (Math.abs(f) > EPS) for (let j = 0; j < n; j++) b.row[j] -= f * v[j];
    }
    basis.push({ pivot, row: v });
  }
  return basis;
}

function reduce(basis: { pivot: number; row: number[] }[], v: number[]): number[] {
  for (const b of basis) {
    const f = v[b.pivot];
    if (Math.abs(f) > EPS) for (let j = 0; j < v.length; j++) v[j] -= f * b.row[j];
  }
  return v;
}

const inSpan = (basis: { pivot: number; row: number[] }[], v: number[]): boolean => reduce(basis, v).every((x) => Math.abs(x) < 1e-7);
