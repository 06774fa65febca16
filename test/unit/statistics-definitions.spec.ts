import { percentileFromHistogram } from '../../src/statistics/sla-statistics.service';
import { councilFigures } from '../../src/statistics/council-figures';
import { addToTally, emptyTally, figures, isSmall } from '../../src/statistics/resolution-figures';
import { resolvePeriod, statsPeriod } from '../../src/statistics/stats-period';
import { statsScope } from '../../src/access/access-policy';
import { quarterInZone } from '../../src/common/dates';

describe('resolution definitions', () => {
  it('ignores rejected complaints and counts every open status as in progress', () => {
    const t = emptyTally();
    addToTally(t, 'rejected', null, 10);
    addToTally(t, 'resolved', 'resolved_positive', 3);
    addToTally(t, 'resolved', 'resolved_negative', 1);
    for (const s of ['received', 'in_review', 'escalated', 'responded']) addToTally(t, s, null, 1);
    // A reopened complaint keeps its old outcome column but is in progress again.
    addToTally(t, 'in_review', 'resolved_positive', 1);
    const f = figures(t, null);
    expect(f.received).toBe(9);
    expect(f.inProgress).toEqual({ count: 5, share: 5 / 9 });
    expect(f.positiveRate).toEqual({ value: 3 / 9, numerator: 3, denominator: 9 });
    expect(f.closedPositiveRate).toEqual({ value: 3 / 4, numerator: 3, denominator: 4 });
  });

  it('has no rate without a denominator', () => {
    const f = figures(emptyTally(), null);
    expect(f.positiveRate.value).toBeNull();
    expect(f.closedPositiveRate).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it.each([
    [0, 5, false],
    [1, 5, true],
    [4, 5, true],
    [5, 5, false],
    [2, 3, true],
    [3, 3, false],
    [1, null, false],
  ])('count %p with k=%p is suppressed: %p', (count, k, expected) => {
    expect(isSmall(count, k)).toBe(expected);
  });

  it('hides a whole group below k, and a small cell in a larger group together with a complement', () => {
    const small = emptyTally();
    addToTally(small, 'resolved', 'resolved_positive', 4);
    const f = figures(small, 5);
    expect(f).toMatchObject({ received: null, suppressed: true, positiveRate: { value: null, suppressed: true } });
    expect(JSON.stringify(f)).not.toContain('4');
    const big = emptyTally();
    addToTally(big, 'resolved', 'resolved_positive', 20);
    addToTally(big, 'resolved', 'unresolved_client_deceased', 1);
    const g = figures(big, 5);
    expect(g.received).toBe(21);
    expect(g.outcomes.unresolved_client_deceased).toEqual({ count: null, share: null, suppressed: true });
    // 21 − 20 would give the single case away, so the positive cell (and its rate) go with it.
    expect(g.outcomes.resolved_positive).toEqual({ count: null, share: null, suppressed: true });
    expect(g.positiveRate).toMatchObject({ value: null, suppressed: true });
    expect(g.outcomes.resolved_negative).toEqual({ count: 0, share: 0 });
    // With k = 2 the single case is still hidden, with k = 1 nothing is.
    expect(figures(big, 2).outcomes.unresolved_client_deceased.suppressed).toBe(true);
    expect(figures(big, 1).outcomes.unresolved_client_deceased.count).toBe(1);
  });
});

describe('periods and quarters in Asia/Dushanbe (UTC+5)', () => {
  const tz = 'Asia/Dushanbe';
  it('puts 2026-03-31T20:00Z in Q2 and 18:59:59Z in Q1', () => {
    expect(quarterInZone(new Date('2026-03-31T20:00:00Z'), tz)).toBe('2026-Q2');
    expect(quarterInZone(new Date('2026-03-31T18:59:59Z'), tz)).toBe('2026-Q1');
    expect(quarterInZone(new Date('2026-12-31T19:00:00Z'), tz)).toBe('2027-Q1');
  });

  it('widens a non-admin period to whole calendar months and says what was asked', () => {
    expect(statsPeriod({ from: '2026-02-10', to: '2026-02-11' }, true, tz, '2026-03-02')).toMatchObject({
      from: '2026-02-01',
      to: '2026-02-28',
      wholeMonths: true,
      requested: { from: '2026-02-10', to: '2026-02-11' },
    });
    // "Until yesterday" and "until today" are the same period.
    const used = ({ requested: _asked, ...p }: ReturnType<typeof statsPeriod>) => p;
    expect(used(statsPeriod({ to: '2026-03-01' }, true, tz, '2026-03-02'))).toEqual(used(statsPeriod({ to: '2026-03-02' }, true, tz, '2026-03-02')));
    expect(statsPeriod({ to: '2026-03-01' }, true, tz, '2026-03-02')).toMatchObject({ from: null, to: '2026-03-31' });
    expect(statsPeriod({}, true, tz, '2024-02-10')).toMatchObject({ from: null, to: '2024-02-29', requested: { from: null, to: null } });
    expect(statsPeriod({ from: '2026-01-01', to: '2026-01-31' }, true, tz, '2026-03-02').requested).toBeUndefined();
    expect(statsPeriod({ from: '2026-02-10' }, false, tz, '2026-03-02')).toMatchObject({ from: '2026-02-10', to: null, wholeMonths: false });
    expect(() => statsPeriod({ from: '2026-02-10', to: '2026-02-01' }, true, tz, '2026-03-02')).toThrow(/must not be after/);
    const p = statsPeriod({ from: '2026-04-15', to: '2026-04-15' }, true, tz, '2026-05-01');
    expect(new Date(p.fromMs!).toISOString()).toBe('2026-03-31T19:00:00.000Z');
    expect(new Date(p.toMs!).toISOString()).toBe('2026-04-30T19:00:00.000Z');
  });

  it('bounds a period by local midnights, the last day included', () => {
    const p = resolvePeriod('2026-04-01', '2026-06-30', tz);
    expect(new Date(p.fromMs!).toISOString()).toBe('2026-03-31T19:00:00.000Z');
    expect(new Date(p.toMs!).toISOString()).toBe('2026-06-30T19:00:00.000Z');
    expect(resolvePeriod(undefined, undefined, tz)).toMatchObject({ fromMs: null, toMs: null });
    expect(() => resolvePeriod('2026-02-01', '2026-01-01', tz)).toThrow(/must not be after/);
  });
});

describe('scope', () => {
  it('forces a KPAC member to their city and a facility admin to their facility', () => {
    expect(statsScope({ kind: 'admin', userId: 1 }, { city: 3 }, 5)).toEqual({ cityId: 3, facilityId: null, minCell: null, wholeMonths: false });
    expect(statsScope({ kind: 'kpac_member', userId: 2, cityId: 7 }, {}, 5)).toEqual({ cityId: 7, facilityId: null, minCell: 5, wholeMonths: true });
    expect(() => statsScope({ kind: 'kpac_member', userId: 2, cityId: 7 }, { city: 8 }, 5)).toThrow(/own city/);
    expect(statsScope({ kind: 'facility_admin', userId: 3, facilityId: 9 }, {}, 3)).toEqual({ cityId: null, facilityId: 9, minCell: 3, wholeMonths: true });
    expect(() => statsScope({ kind: 'facility_admin', userId: 3, facilityId: 9 }, { facility: 1 }, 5)).toThrow(/own facility/);
  });

  it.each(['keyPopulation', 'gender', 'ageGroup'])('refuses a facility admin a grouping by %s, and allows it to members and admins', (groupBy) => {
    expect(() => statsScope({ kind: 'facility_admin', userId: 3, facilityId: 9 }, { groupBy }, 5)).toThrow(new RegExp(`cannot group statistics by ${groupBy}`));
    expect(statsScope({ kind: 'kpac_member', userId: 2, cityId: 7 }, { groupBy }, 5).minCell).toBe(5);
    expect(statsScope({ kind: 'admin', userId: 1 }, { groupBy }, 5).minCell).toBeNull();
  });

  it.each(['category', 'quarter', 'facility', 'city'])('lets a facility admin group by %s', (groupBy) => {
    expect(statsScope({ kind: 'facility_admin', userId: 3, facilityId: 9 }, { groupBy }, 5).facilityId).toBe(9);
  });
});

describe('council figures', () => {
  it('counts a term as held on its start day and free on its end day', () => {
    const terms = [{ memberId: 1, termStart: '2025-01-10', termEnd: '2027-01-10', endedOn: null }];
    const f = councilFigures(1, terms, 0, '2025-01-01', '2025-01-31', '2026-01-01');
    expect(f.vacancyDays).toBe(9);
    expect(f.filledNow).toBe(1);
    const ended = councilFigures(1, [{ ...terms[0], endedOn: '2025-01-20' }], 0, '2025-01-01', '2025-01-31', '2026-01-01');
    expect(ended.vacancyDays).toBe(9 + 12);
    expect(ended).toMatchObject({ termsEnded: 1, termsEndedEarly: 1, meanTenureDays: 10, filledNow: 0 });
  });

  it('does not count future days as vacant', () => {
    const f = councilFigures(4, [], 0, '2026-01-01', '2026-12-31', '2026-01-10');
    expect(f.vacancyDays).toBe(40);
    expect(f.trainingsPerMember).toBeNull();
  });
});

describe('SLA percentiles', () => {
  it('uses the nearest rank', () => {
    expect(percentileFromHistogram([], 0.5)).toBeNull();
    expect(percentileFromHistogram([[10, 1], [20, 1], [30, 1]], 0.5)).toBe(20);
    expect(percentileFromHistogram([[10, 9], [50, 1]], 0.9)).toBe(10);
    expect(percentileFromHistogram([[10, 8], [50, 2]], 0.9)).toBe(50);
  });
});
