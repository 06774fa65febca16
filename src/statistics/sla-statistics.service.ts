import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { foldedGroups, isSmall, SUPPRESSED_KEY } from './small-cell-suppression';
import { param } from '../database/sql-dialect';
import { StatisticsRepository } from './statistics.repository';
import { countCells } from './escalation-rollup';
import { StatsRollupService } from './stats-rollup.service';
import { StatsPeriodQueryDto } from './stats-query.dto';
import { describePeriod, statsPeriod, StatsPeriod, wherePeriod } from './stats-period';
import { dateInZone } from '../common/dates';
import { statsScope, StatsScope } from '../access/access-policy';

/** Nearest-rank percentile over a histogram of (bucket, count), buckets ascending. */
export function percentileFromHistogram(hist: [number, number][], p: number): number | null {
  const total = hist.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of hist) {
    seen += n;
    if (seen >= rank) return bucket;
  }
  return hist[hist.length - 1][0];
}

interface SlaFigures {
  suppressed: boolean;
  escalations: number | null;
  responded: number | null;
  respondedWithinSla: { count: number | null; share: number | null; suppressed?: true } | null;
  medianDaysToResponse: number | null;
  p90DaysToResponse: number | null;
  overdueNow: number | null;
  escalatedUp: number | null;
}

export interface SlaItem extends SlaFigures {
  /** 'suppressed' for the item combining facilities too small to name (everyone but admins). */
  key?: typeof SUPPRESSED_KEY;
  facilityId: number | null;
  facility: string | null;
  slaDays: number | null;
}

const HIDDEN_SLA: SlaFigures = {
  suppressed: true,
  escalations: null,
  responded: null,
  respondedWithinSla: null,
  medianDaysToResponse: null,
  p90DaysToResponse: null,
  overdueNow: null,
  escalatedUp: null,
};

@Injectable()
export class SlaStatisticsService {
  constructor(
    private readonly repo: StatisticsRepository,
    private readonly rollups: StatsRollupService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async sla(actor: Actor, q: StatsPeriodQueryDto) {
    const scope = statsScope(actor, q, this.config.statsMinCell);
    const period = statsPeriod(q, scope.wholeMonths, this.config.timeZone, dateInZone(this.clock.now(), this.config.timeZone));
    const now = this.clock.now().getTime();
    const { totals, hist, laddered } = await this.gather(scope, period, now);
    const facilities = new Map((await this.repo.facilities(totals.map((t) => t.facilityId))).map((f) => [f.id, f]));
    const k = scope.minCell;
    // Facilities with fewer than k escalations are not named: their figures are combined in one item.
    const folded = foldedGroups(
      totals.map((t) => t.n),
      k,
    );
    const items: SlaItem[] = totals
      .filter((_, i) => !folded.has(i))
      .map((t) => {
        const f = facilities.get(t.facilityId);
        return { facilityId: t.facilityId, facility: f?.name ?? null, slaDays: f?.slaDays ?? null, ...this.figures(t, hist.get(t.facilityId) ?? [], laddered.get(t.facilityId) ?? 0, k, false) };
      });
    if (folded.size) {
      const combined = totals.filter((_, i) => folded.has(i));
      const sum = (pick: (t: (typeof totals)[number]) => number) => combined.reduce((s, t) => s + pick(t), 0);
      const merged = new Map<number, number>();
      for (const t of combined) for (const [b, n] of hist.get(t.facilityId) ?? []) merged.set(b, (merged.get(b) ?? 0) + n);
      const total = { facilityId: 0, n: sum((t) => t.n), responded: sum((t) => t.responded), within: sum((t) => t.within), overdue: sum((t) => t.overdue) };
      const base: Omit<SlaItem, keyof SlaFigures> = { key: SUPPRESSED_KEY, facilityId: null, facility: null, slaDays: null };
      // There is no overall row here, so a combined total below k is not derivable and stays hidden
      // (figures() hides it), as does one small facility with nothing to combine it with.
      items.push(
        folded.size >= 2
          ? { ...base, ...this.figures(total, [...merged.entries()], combined.reduce((s, t) => s + (laddered.get(t.facilityId) ?? 0), 0), k, true) }
          : { ...base, ...HIDDEN_SLA },
      );
    }
    return {
      period: describePeriod(period, 'escalation createdAt'),
      scope: { city: scope.cityId, facility: scope.facilityId },
      suppressionThreshold: k,
      definitions: {
        respondedWithinSla: 'responded on or before the due date; share of escalations',
        daysToResponse: 'from escalation to response, in days (to a tenth), over responded escalations',
        overdueNow: 'escalations of the period still unanswered after their due date',
        escalatedUp: 'escalations that moved up the ladder to the parent authority',
        ...(k === null
          ? {}
          : {
              suppressed: `facilities with fewer than ${k} escalations in the period are not named: they are combined in the item with key "suppressed" (with the next smallest when only one would be); inside an item, counts below ${k} are null`,
            }),
      },
      items,
    };
  }

  /**
   * Per-facility counts, response-time histograms and steps up the ladder. Whole months come from
   * the escalations' rollup and only the partial months at the ends of the period are counted
   * from the escalations themselves (as stats/resolution does with the complaints' rollup): each
   * of these reads every escalation of its range, so the smaller side of an end month is counted.
   */
  private async gather(scope: StatsScope, period: StatsPeriod, now: number) {
    const rollup = this.rollups.escalations;
    const full = await rollup.months.fullMonths(period.fromMs, period.toMs);
    const acc = new Map<number, { n: number; responded: number; within: number; overdue: number; up: number; hist: Map<number, number> }>();
    const at = (f: number) => {
      let a = acc.get(f);
      if (!a) acc.set(f, (a = { n: 0, responded: 0, within: 0, overdue: 0, up: 0, hist: new Map() }));
      return a;
    };
    // sign -1 takes a part counted from the escalations out of the rollup's months.
    const live = async (part: StatsPeriod, sign: 1 | -1) => {
      const { where, params } = this.filters(scope, part);
      for (const c of await countCells(this.repo, where.join(' AND '), params, now)) {
        const a = at(c.facilityId);
        a.n += sign * c.n;
        a.responded += sign * c.responded;
        a.within += sign * c.within;
        a.overdue += sign * c.overdue;
        a.up += sign * c.escalatedUp;
        for (const [b, n] of c.hist) a.hist.set(b, (a.hist.get(b) ?? 0) + sign * n);
      }
    };
    if (!full) await live(period, 1);
    else {
      // A partial month at an end is counted live, or, when the part of its month outside the
      // period is the smaller, read whole from the rollup with that part counted live and taken out.
      const m = rollup.months;
      let { first, last } = full;
      const parts: [StatsPeriod, 1 | -1][] = [];
      if (period.fromMs === null) parts.push([{ ...period, toMs: full.startMs }, 1]);
      else if (period.fromMs < full.startMs) {
        const start = m.monthStart(m.monthOf(period.fromMs));
        if (period.fromMs - start < full.startMs - period.fromMs) {
          first = m.monthOf(period.fromMs);
          parts.push([{ ...period, fromMs: start, toMs: period.fromMs }, -1]);
        } else parts.push([{ ...period, toMs: full.startMs }, 1]);
      }
      if (period.toMs === null) parts.push([{ ...period, fromMs: full.endMs }, 1]);
      else if (period.toMs > full.endMs) {
        const end = m.monthStart(m.nextMonth(m.monthOf(full.endMs)));
        if (end - period.toMs < period.toMs - full.endMs) {
          last = m.monthOf(full.endMs);
          parts.push([{ ...period, fromMs: period.toMs, toMs: end }, -1]);
        } else parts.push([{ ...period, fromMs: full.endMs }, 1]);
      }
      const months = { first, last, startMs: m.monthStart(first), endMs: m.monthStart(m.nextMonth(last)) };
      await rollup.refresh(months);
      for (const c of await rollup.read(months, scope.cityId, scope.facilityId, now)) {
        const a = at(c.facilityId);
        a.n += c.n;
        a.responded += c.responded;
        a.within += c.within;
        a.overdue += c.overdue;
        a.up += c.escalatedUp;
        for (const [b, n] of c.hist) a.hist.set(b, (a.hist.get(b) ?? 0) + n);
      }
      for (const [part, sign] of parts) await live(part, sign);
    }
    // Facilities with no escalation in the period are not items (as GROUP BY facility_id gives them).
    const ids = [...acc.keys()].filter((f) => acc.get(f)!.n > 0).sort((x, y) => x - y);
    return {
      totals: ids.map((f) => ({ facilityId: f, n: acc.get(f)!.n, responded: acc.get(f)!.responded, within: acc.get(f)!.within, overdue: acc.get(f)!.overdue })),
      hist: new Map(ids.map((f) => [f, [...acc.get(f)!.hist.entries()].filter(([, n]) => n !== 0)] as [number, [number, number][]])),
      laddered: new Map(ids.map((f) => [f, acc.get(f)!.up])),
    };
  }

  /** One item's figures; counts below k are left out, and the percentiles with too few responses. */
  private figures(t: { n: number; responded: number; within: number; overdue: number }, histogram: [number, number][], escalatedUp: number, k: number | null, suppressed: boolean): SlaFigures {
    if (isSmall(t.n, k)) return { ...HIDDEN_SLA, suppressed: true };
    const h = [...histogram].sort((a, b) => a[0] - b[0]);
    const days = (b: number | null) => (b === null ? null : b / 10);
    const hide = (n: number) => (isSmall(n, k) ? null : n);
    return {
      suppressed,
      escalations: t.n,
      responded: hide(t.responded),
      respondedWithinSla: isSmall(t.within, k) ? { count: null, share: null, suppressed: true } : { count: t.within, share: t.n ? t.within / t.n : null },
      medianDaysToResponse: isSmall(t.responded, k) ? null : days(percentileFromHistogram(h, 0.5)),
      p90DaysToResponse: isSmall(t.responded, k) ? null : days(percentileFromHistogram(h, 0.9)),
      overdueNow: hide(t.overdue),
      escalatedUp: hide(escalatedUp),
    };
  }

  private filters(scope: StatsScope, period: StatsPeriod): { where: string[]; params: unknown[] } {
    const where: string[] = [];
    const params: unknown[] = [];
    wherePeriod('e.created_at', period, where, params);
    // The complaint's city (copied onto the escalation): a council sees the escalations it made.
    if (scope.cityId !== null) where.push(`e.city_id = ${param(params, scope.cityId)}`);
    if (scope.facilityId !== null) where.push(`e.facility_id = ${param(params, scope.facilityId)}`);
    if (!where.length) where.push('1 = 1');
    return { where, params };
  }
}
