import { Inject, Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { councilFigures, CouncilFigures } from './council-figures';
import { addToTally, emptyTally, OutcomeTally, ResolutionFigures, sumTallies, suppressGroups } from './resolution-figures';
import { foldedGroups, isSmall, SUPPRESSED_KEY } from './small-cell-suppression';
import { FeedbackRow, ResolutionRow, StatisticsRepository } from './statistics.repository';
import { StatsRollupService } from './stats-rollup.service';
import { ResolutionQueryDto, StatsPeriodQueryDto } from './stats-query.dto';
import { describePeriod, resolvePeriod, statsPeriod, StatsPeriod } from './stats-period';
import { assertMaySeeCouncilStats, statsScope, StatsScope } from '../access/access-policy';
import { MULTI_VALUED_NOTE, ResolutionGroupBy } from './stats.constants';

export interface ResolutionGroup extends ResolutionFigures {
  /**
   * City id, facility id, or the vocabulary value; null for "not recorded"; 'suppressed' for the
   * row that combines the groups too small to name (everyone but admins).
   */
  key: string | number | null;
  label: string;
}

export interface ResolutionReport {
  period: ReturnType<typeof describePeriod>;
  scope: { city: number | null; facility: number | null };
  /** k of small-count suppression, or null when figures are shown in full (admins). */
  suppressionThreshold: number | null;
  definitions: Record<string, string>;
  overall: ResolutionFigures;
  groupBy: ResolutionGroupBy | null;
  /** True for keyPopulation: one complaint may count in several groups. */
  multiValued: boolean;
  note?: string;
  groups?: ResolutionGroup[];
}

const DEFINITIONS = {
  received: 'complaints received in the period (by receivedAt in the configured time zone), excluding rejected ones',
  positiveRate: 'resolved_positive / received',
  closedPositiveRate: 'resolved_positive / complaints with an outcome',
  share: 'count / received',
  inProgress: 'complaints not yet resolved (received, in review, escalated, responded)',
};

/** Added to the definitions of every suppressed report (everyone but admins). */
const suppressionDefinitions = (k: number) => ({
  suppressed: `groups with fewer than ${k} complaints are not named: they are combined in the group with key "suppressed" (when only one group would be, the next smallest is combined with it, so no total minus the named groups gives one group away); a count below ${k} inside a group is shown as null, together with at least one other count of its row and of its column, for the same reason`,
  period: 'figures are for whole calendar months: from the first of the month of "from" to the last day of the month of "to" (period.requested says what was asked)',
});

export const SUPPRESSED_LABEL = 'other groups, combined (each too small to name)';

const NOT_RECORDED = 'not recorded';

@Injectable()
export class StatisticsService {
  constructor(
    private readonly repo: StatisticsRepository,
    private readonly rollups: StatsRollupService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The access policy's answer; a facility admin's profile grouping is refused there (403). */
  scope(actor: Actor, q: { city?: number; facility?: number; groupBy?: string }): StatsScope {
    return statsScope(actor, q, this.config.statsMinCell);
  }

  /** The period used for this scope: as asked for admins, whole months for everyone else. */
  period(scope: StatsScope, q: { from?: string; to?: string }): StatsPeriod {
    return statsPeriod(q, scope.wholeMonths, this.config.timeZone, dateInZone(this.clock.now(), this.config.timeZone));
  }

  async resolution(actor: Actor, q: ResolutionQueryDto): Promise<ResolutionReport> {
    const scope = this.scope(actor, q);
    return this.resolutionFor(scope, this.period(scope, q), q.groupBy ?? null);
  }

  /** Also used by the REAct export, which passes its own scope. */
  async resolutionFor(scope: StatsScope, period: StatsPeriod, groupBy: ResolutionGroupBy | null): Promise<ResolutionReport> {
    const k = scope.minCell;
    const report: ResolutionReport = {
      period: describePeriod(period, 'receivedAt'),
      scope: { city: scope.cityId, facility: scope.facilityId },
      suppressionThreshold: k,
      definitions: k === null ? DEFINITIONS : { ...DEFINITIONS, ...suppressionDefinitions(k) },
      overall: suppressGroups(emptyTally(), [], k).overall,
      groupBy,
      multiValued: groupBy === 'keyPopulation',
    };
    if (!groupBy) {
      report.overall = suppressGroups(this.tally(await this.counts(scope, period, null)).get(null) ?? emptyTally(), [], k).overall;
      return report;
    }
    // Single-valued groupings partition the complaints, so the overall figures are their sum;
    // key populations overlap and need their own overall query.
    const [grouped, overallRows] = await Promise.all([
      this.counts(scope, period, groupBy),
      groupBy === 'keyPopulation' ? this.counts(scope, period, null) : Promise.resolve(null),
    ]);
    const tallies = this.tally(grouped);
    const overall = overallRows ? (this.tally(overallRows).get(null) ?? emptyTally()) : sumTallies([...tallies.values()]);
    const labels = await this.labels(groupBy, [...tallies.keys()]);
    const label = (key: string | number | null) => labels.get(key) ?? String(key ?? NOT_RECORDED);
    // Sorted before suppression, so ties for "next smallest" are broken the same way every time.
    const sorted = [...tallies.entries()]
      .map(([key, tally]) => ({ key, tally }))
      .sort((a, b) => (a.key === null ? 1 : b.key === null ? -1 : label(a.key).localeCompare(label(b.key))));
    const table = suppressGroups(overall, sorted, k, groupBy !== 'keyPopulation');
    report.overall = table.overall;
    report.groups = table.groups.map((g) => ({ key: g.key, label: g.key === SUPPRESSED_KEY ? SUPPRESSED_LABEL : label(g.key), ...g.figures }));
    if (groupBy === 'keyPopulation') report.note = MULTI_VALUED_NOTE;
    return report;
  }

  /**
   * Counts per group and outcome. Whole months come from the monthly rollup and only the partial
   * months at the ends of the period from the complaints table; a facility's own figures are few
   * enough to count directly.
   */
  private async counts(scope: StatsScope, period: StatsPeriod, groupBy: ResolutionGroupBy | null): Promise<ResolutionRow[]> {
    const rollup = this.rollups.rollup;
    const full = scope.facilityId === null ? await rollup.fullMonths(period.fromMs, period.toMs) : null;
    if (!full) return this.repo.resolution(scope, period, groupBy);
    await rollup.refresh(full);
    const [head, middle, tail] = await Promise.all([
      period.fromMs === null || period.fromMs < full.startMs ? this.repo.resolution(scope, { ...period, toMs: full.startMs }, groupBy) : Promise.resolve([]),
      rollup.read(full.first, full.last, groupBy, scope.cityId),
      period.toMs === null || period.toMs > full.endMs ? this.repo.resolution(scope, { ...period, fromMs: full.endMs }, groupBy) : Promise.resolve([]),
    ]);
    return [...head, ...middle, ...tail];
  }

  private tally(rows: { g: string | number | null; outcome: string | null; n: number }[]): Map<string | number | null, OutcomeTally> {
    const map = new Map<string | number | null, OutcomeTally>();
    for (const r of rows) {
      const key = r.g ?? null;
      let t = map.get(key);
      if (!t) map.set(key, (t = emptyTally()));
      addToTally(t, r.outcome ? 'resolved' : 'open', r.outcome, r.n);
    }
    return map;
  }

  private async labels(groupBy: ResolutionGroupBy, keys: (string | number | null)[]): Promise<Map<string | number | null, string>> {
    const labels = new Map<string | number | null, string>([[null, NOT_RECORDED]]);
    if (groupBy === 'city') {
      for (const c of await this.repo.cities()) labels.set(c.id, `${c.name} (${c.code})`);
    } else if (groupBy === 'facility') {
      labels.set(null, 'no facility named');
      const ids = keys.filter((k): k is number => typeof k === 'number');
      for (const f of await this.repo.facilities(ids)) labels.set(f.id, f.name);
    }
    return labels;
  }

  async feedback(actor: Actor, q: StatsPeriodQueryDto) {
    const scope = this.scope(actor, q);
    const period = this.period(scope, q);
    const k = scope.minCell;
    const rows = await this.repo.feedback(scope, period);
    const names = new Map((await this.repo.facilities([...new Set(rows.map((r) => r.facilityId))])).map((f) => [f.id, f]));
    const round = (v: number) => Math.round(v * 100) / 100;
    const DIMS = ['waitingTime', 'staffAttitude', 'openingHours', 'confidentiality', 'overall'] as const;
    const means = (r: Pick<FeedbackRow, (typeof DIMS)[number]>) => Object.fromEntries(DIMS.map((d) => [d, round(r[d])])) as Record<(typeof DIMS)[number], number>;
    // Facility × quarter items of fewer than k ratings are not named: combined into one item.
    const folded = foldedGroups(
      rows.map((r) => r.n),
      k,
    );
    const items: {
      key?: typeof SUPPRESSED_KEY;
      facilityId: number | null;
      facility: string | null;
      cityId: number | null;
      quarter: string | null;
      ratings: number | null;
      suppressed: boolean;
      means: Record<(typeof DIMS)[number], number> | null;
    }[] = rows
      .filter((_, i) => !folded.has(i))
      .map((r) => ({
        facilityId: r.facilityId,
        facility: names.get(r.facilityId)?.name ?? null,
        cityId: names.get(r.facilityId)?.cityId ?? null,
        quarter: r.quarter,
        ratings: r.n,
        suppressed: false,
        means: means(r),
      }));
    if (folded.size) {
      const combined = rows.filter((_, i) => folded.has(i));
      const n = combined.reduce((s, r) => s + r.n, 0);
      const weighted = Object.fromEntries(DIMS.map((d) => [d, combined.reduce((s, r) => s + r[d] * r.n, 0) / n])) as Record<(typeof DIMS)[number], number>;
      // A combined item that is a single small item (nothing else to combine with) shows nothing.
      const shown = folded.size >= 2;
      items.push({ key: SUPPRESSED_KEY, facilityId: null, facility: null, cityId: null, quarter: null, ratings: shown ? n : null, suppressed: true, means: shown && !isSmall(n, k) ? means(weighted) : null });
    }
    return {
      period: describePeriod(period, 'createdAt'),
      scope: { city: scope.cityId, facility: scope.facilityId },
      suppressionThreshold: k,
      scale: '1 (worst) to 5 (best)',
      ...(k === null
        ? {}
        : {
            note: `Items (facility and quarter) with fewer than ${k} ratings are not named: they are combined in the item with key "suppressed" (with the next smallest when only one would be); its means are shown only when it holds ${k} ratings or more.`,
          }),
      items,
    };
  }

  /** Seats and terms, not people: not suppressed, and the period is the one asked for. */
  async councils(actor: Actor, q: StatsPeriodQueryDto) {
    assertMaySeeCouncilStats(actor);
    const scope = this.scope(actor, q);
    const today = dateInZone(this.clock.now(), this.config.timeZone);
    // Vacancy days need a bounded period: the calendar year to date unless one is given.
    const to = q.to ?? today;
    const from = q.from ?? (q.to ? `${q.to.slice(0, 4)}-01-01` : `${today.slice(0, 4)}-01-01`);
    const period = resolvePeriod(from, to, this.config.timeZone);
    const councils = await this.repo.councils(scope.cityId);
    const ids = councils.map((c) => c.id);
    const [terms, trainings] = await Promise.all([this.repo.terms(ids), this.repo.trainings(ids, from, to)]);
    return {
      period: { from: period.from, to: period.to, timeZone: period.timeZone, today, basis: 'term dates', wholeMonths: false },
      items: councils.map((c) => {
        const f: CouncilFigures = councilFigures(
          c.seats,
          terms.filter((t) => t.councilId === c.id),
          trainings.filter((t) => t.councilId === c.id).length,
          from,
          to,
          today,
        );
        return { councilId: c.id, council: c.name, cityId: c.cityId, city: c.cityName, cityCode: c.cityCode, termMonths: c.termMonths, ...f };
      }),
    };
  }
}
