import fc from 'fast-check';
import { OUTCOMES, Outcome } from '../../src/complaints/complaint.constants';
import { addToTally, emptyTally, figures, OutcomeTally, ResolutionFigures, suppressGroups, sumTallies } from '../../src/statistics/resolution-figures';
import { foldedGroups, isSmall, suppressLine, suppressTable, SUPPRESSED_KEY } from '../../src/statistics/small-cell-suppression';

const tallyOf = (cells: Partial<Record<Outcome | 'inProgress', number>>): OutcomeTally => {
  const t = emptyTally();
  for (const [cell, n] of Object.entries(cells)) {
    if (cell === 'inProgress') addToTally(t, 'received', null, n);
    else addToTally(t, 'resolved', cell, n);
  }
  return t;
};

describe('rule 1: groups below k are folded, never exactly one', () => {
  it('folds every group of 1..k-1 and leaves zeros and large groups named', () => {
    expect([...foldedGroups([10, 3, 0, 2, 7], 5)].sort()).toEqual([1, 3]);
    expect(foldedGroups([10, 0, 7], 5).size).toBe(0);
    expect(foldedGroups([1, 2, 3], null).size).toBe(0);
  });

  it('folds the next-smallest group with a lone small group (ties: the first)', () => {
    expect([...foldedGroups([40, 3, 9, 9], 5)].sort()).toEqual([1, 2]);
    expect([...foldedGroups([9, 1], 5)].sort()).toEqual([0, 1]);
    // Nothing to fold it with: it stays alone (the report then hides that row's figures).
    expect([...foldedGroups([4], 5)]).toEqual([0]);
  });

  it('adds the next-smallest groups until the suppressed row holds k', () => {
    expect([...foldedGroups([40, 2, 2, 3], 5)].sort()).toEqual([1, 2, 3]);
    expect([...foldedGroups([40, 1, 1, 12], 5)].sort()).toEqual([1, 2, 3]);
    expect([...foldedGroups([40, 1, 1], 5)].sort()).toEqual([0, 1, 2]);
  });

  it('names no small group, and the suppressed row holds at least two groups', () => {
    const overall = tallyOf({ resolved_positive: 30, inProgress: 13 });
    const groups = [
      { key: 'female', tally: tallyOf({ resolved_positive: 25, inProgress: 10 }) },
      { key: 'male', tally: tallyOf({ resolved_positive: 4, inProgress: 2 }) },
      { key: 'transgender_female', tally: tallyOf({ resolved_positive: 1, inProgress: 1 }) },
    ];
    const r = suppressGroups(overall, groups, 5);
    expect(r.groups.map((g) => g.key)).toEqual(['female', SUPPRESSED_KEY]);
    // The lone small group (2) took the next smallest (male, 6) with it.
    expect(r.groups[1].figures).toMatchObject({ received: 8, suppressed: true });
    expect(r.overall.received).toBe(43);
  });

  it('hides everything when the whole table is below k', () => {
    const r = suppressGroups(tallyOf({ resolved_positive: 3 }), [{ key: 'female', tally: tallyOf({ resolved_positive: 3 }) }], 5);
    expect(r.overall).toMatchObject({ received: null, suppressed: true, positiveRate: { value: null, suppressed: true } });
    expect(r.groups).toEqual([{ key: SUPPRESSED_KEY, figures: expect.objectContaining({ received: null, suppressed: true }) }]);
    expect(JSON.stringify(r)).not.toMatch(/:3\b/);
  });

  it('keeps admins unsuppressed', () => {
    const r = suppressGroups(tallyOf({ resolved_positive: 3, unresolved_client_deceased: 1 }), [{ key: 'male', tally: tallyOf({ unresolved_client_deceased: 1 }) }, { key: 'female', tally: tallyOf({ resolved_positive: 3 }) }], null);
    expect(r.groups.map((g) => [g.key, g.figures.received, g.figures.suppressed])).toEqual([
      ['male', 1, false],
      ['female', 3, false],
    ]);
    expect(r.overall.outcomes.unresolved_client_deceased).toEqual({ count: 1, share: 0.25 });
  });
});

describe('rule 2: a hidden cell never stands alone in its row or column', () => {
  it('hides the next-smallest cell of a row with one small cell', () => {
    // received 27: positive 20, deceased 1, in progress 6. Hiding only "deceased" leaves 27 − 20 − 6 = 1.
    const f = figures(tallyOf({ resolved_positive: 20, unresolved_client_deceased: 1, inProgress: 6 }), 5);
    expect(f.outcomes.unresolved_client_deceased).toEqual({ count: null, share: null, suppressed: true });
    expect(f.inProgress).toEqual({ count: null, share: null, suppressed: true });
    expect(f.outcomes.resolved_positive.count).toBe(20);
    // Its denominator (received − in progress) would give the in-progress count back.
    expect(f.closedPositiveRate).toMatchObject({ value: null, suppressed: true });
    expect(f.positiveRate).toEqual({ value: 20 / 27, numerator: 20, denominator: 27 });
  });

  it('hides a second cell in a column whose overall cell is shown', () => {
    // Column "negative": female 6, male 2 (hidden), overall 8 (shown) — 8 − 6 would give male's 2.
    const female = tallyOf({ resolved_positive: 10, resolved_negative: 6 });
    const male = tallyOf({ resolved_positive: 10, resolved_negative: 2, inProgress: 5 });
    const r = suppressGroups(sumTallies([female, male]), [{ key: 'female', tally: female }, { key: 'male', tally: male }], 5);
    const [f, m] = r.groups.map((g) => g.figures);
    expect(m.outcomes.resolved_negative.count).toBeNull();
    expect(f.outcomes.resolved_negative.count).toBeNull();
    // The overall row reads as it does without a grouping.
    expect(r.overall).toEqual(figures(sumTallies([female, male]), 5));
    expect(r.overall.outcomes.resolved_negative.count).toBe(8);
    // Male's in-progress cell (5) is its column's only one: the overall cell gives it away, so it
    // cannot serve as male's complement; the positive cells (with female's) do instead.
    expect(m.inProgress.count).toBe(5);
    expect(m.outcomes.resolved_positive.count).toBeNull();
    expect(f.outcomes.resolved_positive.count).toBeNull();
  });

  it('never lets two hidden cells of 1 stand together (zeros are shown, so both would be known)', () => {
    // received 30: positive 26, deceased 1, lost contact 1, partial 2. Hidden 1 + 1 = 2 would pin both.
    const f = figures(tallyOf({ resolved_positive: 26, unresolved_client_deceased: 1, unresolved_lost_contact: 1, resolved_partial: 2 }), 5);
    const hidden = [...OUTCOMES.map((o) => f.outcomes[o].count), f.inProgress.count].filter((c) => c === null).length;
    expect(hidden).toBe(4);
    expect(f.outcomes.resolved_positive.count).toBeNull();
  });

  it('iterates until every line hides none or at least two cells', () => {
    const overall = [17, 26, 14];
    const overallHidden = suppressLine(overall, 5);
    const hidden = suppressTable({
      rows: [
        [2, 10, 0],
        [9, 9, 6],
        [6, 7, 8],
      ],
      rowLine: [true, true, true],
      overall,
      overallHidden,
      k: 5,
    });
    expect(overallHidden).toEqual([false, false, false]);
    const lines = [...hidden.rows, ...[0, 1, 2].map((c) => hidden.rows.map((r) => r[c]))];
    for (const line of lines) expect(line.filter(Boolean).length).not.toBe(1);
    expect(hidden.rows[0][0]).toBe(true);
    expect(hidden.unprotectable).toEqual([]);
  });

  it('applies the same rule to a single line (decline reasons)', () => {
    expect(suppressLine([7, 1, 0, 9], 5)).toEqual([true, true, false, false]);
    // 1 + 2 = 3 < k: one more.
    expect(suppressLine([30, 1, 2, 9], 5)).toEqual([false, true, true, true]);
    expect(suppressLine([7, 6, 0], 5)).toEqual([false, false, false]);
    expect(suppressLine([1, 2, 0], null)).toEqual([false, false, false]);
  });
});

/**
 * Property: over random small datasets, for any non-admin query (any grouping, k from 2 to 6),
 * (a) no named group has 1..k-1 complaints, and no shown count is in 1..k-1 except the total of
 *     the `suppressed` row, which always combines at least two groups;
 * (b) no single hidden group or cell can be had by differencing: in every line (a total and its
 *     parts) whose total is shown, a hidden group or cell of 1..k-1 always has another hidden,
 *     non-zero part beside it, so the total minus the visible parts is a sum of two unknowns.
 */
describe('property: nothing small is named or derivable by differencing', () => {
  const CELLS = [...OUTCOMES, 'inProgress'] as const;
  type Complaint = { group: number; cell: number };
  const dataset = fc.record({
    k: fc.integer({ min: 2, max: 6 }),
    groups: fc.integer({ min: 1, max: 6 }),
    complaints: fc.array(fc.record({ group: fc.nat({ max: 5 }), cell: fc.oneof(fc.constant(0), fc.constant(8), fc.nat({ max: 8 })) }), { maxLength: 60 }),
  });
  const cellsOf = (f: ResolutionFigures) => [...OUTCOMES.map((o) => f.outcomes[o].count), f.inProgress.count];

  function build(groups: number, complaints: Complaint[]) {
    const truth = Array.from({ length: groups }, () => emptyTally());
    for (const c of complaints) {
      const t = truth[c.group % groups];
      if (c.cell === OUTCOMES.length) addToTally(t, 'received', null, 1);
      else addToTally(t, 'resolved', OUTCOMES[c.cell], 1);
    }
    const present = truth.map((tally, key) => ({ key, tally })).filter((g) => g.tally.received > 0);
    return { present, overall: sumTallies(truth) };
  }

  it('holds for every grouping', () => {
    fc.assert(
      fc.property(dataset, ({ k, groups, complaints }) => {
        const { present, overall } = build(groups, complaints);
        const r = suppressGroups(overall, present, k);
        const truthOf = new Map(present.map((g) => [g.key as number | string, g.tally]));
        const named = r.groups.filter((g) => g.key !== SUPPRESSED_KEY);
        const folded = present.filter((g) => !named.some((n) => n.key === g.key));
        const row = r.groups.find((g) => g.key === SUPPRESSED_KEY);

        // (a) names and shown counts
        for (const g of named) expect(isSmall(g.figures.received ?? 0, k)).toBe(false);
        if (row && row.figures.received !== null) expect(folded.length).toBeGreaterThanOrEqual(2);
        if (folded.length) expect(row).toBeDefined();
        for (const f of [r.overall, ...r.groups.map((g) => g.figures)]) {
          for (const n of cellsOf(f)) if (n !== null) expect(isSmall(n, k)).toBe(false);
          for (const rate of [f.positiveRate, f.closedPositiveRate]) {
            if (rate.numerator !== null) expect(isSmall(rate.numerator, k)).toBe(false);
          }
        }
        if (r.overall.received !== null) expect(isSmall(r.overall.received, k)).toBe(false);

        // (b) differencing, line by line. Rows: a named group's total against its cells.
        const rows = [...named.map((g) => ({ shown: g.figures, truth: cellsOfTally(truthOf.get(g.key)!) })), { shown: r.overall, truth: cellsOfTally(overall) }];
        if (row && row.figures.received !== null) rows.push({ shown: row.figures, truth: cellsOfTally(sumTallies(folded.map((g) => g.tally))) });
        for (const { shown, truth } of rows) {
          if (shown.received === null) continue;
          assertNoLoneHidden(
            cellsOf(shown),
            truth,
            k,
            // The suppressed row's cells are sums over two or more groups: not one group's count.
            shown === row?.figures ? 'combined' : 'single',
          );
        }
        // Columns: each cell across the shown rows against the overall cell; and the totals.
        if (r.overall.received !== null) {
          const shownRows = [...named.map((g) => ({ f: g.figures, t: truthOf.get(g.key)! }))];
          if (row) shownRows.push({ f: row.figures, t: sumTallies(folded.map((g) => g.tally)) });
          CELLS.forEach((_, c) => {
            if (cellsOf(r.overall)[c] === null) return;
            assertNoLoneHidden(
              shownRows.map((s) => cellsOf(s.f)[c]),
              shownRows.map((s) => cellsOfTally(s.t)[c]),
              k,
              'single',
            );
          });
          // And the whole system of equations (every row and column at once) pins no hidden small
          // cell of a named group or of the overall row.
          auditEquations(r, named.map((g) => truthOf.get(g.key)!), row ? sumTallies(folded.map((g) => g.tally)) : null, overall, k);
          // Totals: overall minus the named groups is what was folded — never one small group alone.
          if (folded.some((g) => isSmall(g.tally.received, k))) expect(folded.length).toBeGreaterThanOrEqual(2);
        }
      }),
      { numRuns: Number(process.env.PROPERTY_RUNS ?? 1500) },
    );
  });

  it('gives the same overall figures whatever the grouping', () => {
    fc.assert(
      fc.property(dataset, ({ k, groups, complaints }) => {
        const { present, overall } = build(groups, complaints);
        expect(suppressGroups(overall, present, k).overall).toEqual(figures(overall, k));
      }),
      { numRuns: 1000 },
    );
  });

  /**
   * Unknowns: the hidden cells of the named rows, the suppressed row and the overall row. Each
   * shown total gives an equation over its row, each column one against its overall cell. A
   * hidden cell is pinned exactly when its unit vector lies in the span of the equations.
   */
  function auditEquations(r: ReturnType<typeof suppressGroups<number>>, namedTruth: OutcomeTally[], foldedTruth: OutcomeTally | null, overall: OutcomeTally, k: number) {
    const shownRows = r.groups.map((g) => g.figures);
    const truthRows = [...namedTruth, ...(foldedTruth ? [foldedTruth] : [])].map(cellsOfTally);
    const all = [...shownRows.map((f, i) => ({ shown: cellsOf(f), truth: truthRows[i], total: f.received, single: f !== (foldedTruth ? shownRows[shownRows.length - 1] : null) })), { shown: cellsOf(r.overall), truth: cellsOfTally(overall), total: r.overall.received, single: true }];
    const unknown = new Map<string, number>();
    all.forEach((row, i) => row.shown.forEach((v, c) => v === null && unknown.set(`${i}:${c}`, unknown.size)));
    if (!unknown.size) return;
    const equations: number[][] = [];
    all.forEach((row, i) => {
      if (row.total === null) return;
      const eq = new Array(unknown.size).fill(0);
      row.shown.forEach((v, c) => v === null && (eq[unknown.get(`${i}:${c}`)!] = 1));
      equations.push(eq);
    });
    const o = all.length - 1;
    for (let c = 0; c < CELLS.length; c++) {
      const eq = new Array(unknown.size).fill(0);
      for (let i = 0; i < o; i++) if (all[i].shown[c] === null) eq[unknown.get(`${i}:${c}`)!] = 1;
      if (all[o].shown[c] === null) eq[unknown.get(`${o}:${c}`)!] = -1;
      equations.push(eq);
    }
    const base = rank(equations);
    all.forEach((row, i) => {
      if (!row.single) return;
      row.shown.forEach((v, c) => {
        if (v !== null || !isSmall(row.truth[c], k)) return;
        const unit = new Array(unknown.size).fill(0);
        unit[unknown.get(`${i}:${c}`)!] = 1;
        if (rank([...equations, unit]) === base) throw new Error(`hidden count ${row.truth[c]} (row ${i}, cell ${CELLS[c]}) follows from the shown figures: ${JSON.stringify(all.map((a) => a.shown))}`);
      });
    });
  }

  function rank(m: number[][]): number {
    const a = m.map((r) => [...r]);
    let rk = 0;
    const cols = a[0]?.length ?? 0;
    for (let c = 0; c < cols && rk < a.length; c++) {
      let p = rk;
      while (p < a.length && Math.abs(a[p][c]) < 1e-9) p++;
      if (p === a.length) continue;
      [a[rk], a[p]] = [a[p], a[rk]];
      for (let i = 0; i < a.length; i++) {
        if (i === rk || Math.abs(a[i][c]) < 1e-9) continue;
        const f = a[i][c] / a[rk][c];
        for (let j = c; j < cols; j++) a[i][j] -= f * a[rk][j];
      }
      rk++;
    }
    return rk;
  }

  function cellsOfTally(t: OutcomeTally): number[] {
    return [...OUTCOMES.map((o) => t.outcomes[o]), t.inProgress];
  }

  /** In one line with a shown total, a hidden part of 1..k-1 must have another hidden non-zero part. */
  function assertNoLoneHidden(shown: (number | null)[], truth: number[], k: number, kind: 'single' | 'combined') {
    const hiddenNonZero = shown.map((s, i) => (s === null && truth[i] > 0 ? i : -1)).filter((i) => i >= 0);
    for (const i of hiddenNonZero) {
      if (!isSmall(truth[i], k)) continue;
      if (kind === 'combined' && hiddenNonZero.length === 1) continue;
      if (hiddenNonZero.length < 2) throw new Error(`a hidden count of ${truth[i]} is the only unknown of its line: shown ${JSON.stringify(shown)}, true ${JSON.stringify(truth)}`);
    }
  }
});
