import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { OUTCOMES } from '../complaints/complaint.constants';
import { CouncilsService } from '../councils/councils.service';
import { SlaStatisticsService } from '../statistics/sla-statistics.service';
import { SUPPRESSED_KEY } from '../statistics/small-cell-suppression';
import { StatisticsService } from '../statistics/statistics.service';
import { Bar, columns, horizontalBars } from './svg-charts';
import type { WebLang } from './web-i18n';
import { WebRenderer } from './web-renderer.service';

/**
 * The statistics dashboard: national figures for admins, their own city's for council members.
 * Both read the statistics services as the API does, so a member's charts carry the same
 * suppression: small groups appear only as one combined bar, explained under the chart, and the
 * period is whole months.
 */
@Injectable()
export class DashboardViews {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly stats: StatisticsService,
    private readonly sla: SlaStatisticsService,
    private readonly councils: CouncilsService,
  ) {}

  /** `action` is the page's own address, for its period form. */
  async dashboard(actor: Actor, lang: WebLang, action: string, from?: string, to?: string) {
    const t = this.renderer.translator(lang);
    const { fmtPct, fmtNum, fmtDay } = this.renderer.formatters(lang);
    const national = this.stats.scope(actor, {}).cityId === null;
    const suppressedLabel = t('stats.suppressedRow');
    const rateBar = (label: string, r: { value: number | null; numerator: number | null; denominator: number | null }): Bar => ({
      label,
      value: r.value,
      display: r.value === null ? '–' : t('admin.rateOf', { rate: fmtPct(r.value), positive: r.numerator ?? '–', received: r.denominator ?? '–' }),
    });
    // A member's city is one group; their facilities say more.
    const second = national ? 'city' : 'facility';
    const [byQuarter, bySecond, cities] = await Promise.all([
      this.stats.resolution(actor, { from, to, groupBy: 'quarter' }),
      this.stats.resolution(actor, { from, to, groupBy: second }),
      this.councils.listCities(actor),
    ]);
    const cityById = new Map(cities.map((c) => [c.id, c]));
    const cityLabel = (id: unknown) => {
      const c = cityById.get(Number(id));
      if (!c) return String(id ?? '–');
      const s = t(`city.${c.code}`);
      return s === `web.city.${c.code}` ? c.name : s;
    };
    const label = (g: { key: unknown; label: string }, named: (key: unknown) => string) => (g.key === SUPPRESSED_KEY ? suppressedLabel : named(g.key));
    const quarterBars = (byQuarter.groups ?? []).filter((g) => g.key !== null).map((g) => rateBar(label(g, String), g.positiveRate));
    const secondBars = (bySecond.groups ?? [])
      .filter((g) => g.key !== null)
      .map((g) => rateBar(label(g, (key) => (second === 'city' ? cityLabel(key) : g.label)), g.positiveRate));
    const o = bySecond.overall;
    const outcomeBars: Bar[] = [
      ...OUTCOMES.map((k) => ({ label: t(`outcome.${k}`), value: o.outcomes[k].count, display: cellText(o.outcomes[k], fmtPct) })),
      { label: t('admin.inProgress'), value: o.inProgress.count, display: cellText(o.inProgress, fmtPct) },
    ];
    const outcomeMax = Math.max(1, ...outcomeBars.map((b) => b.value ?? 0));

    const slaReport = await this.sla.sla(actor, { from, to });
    const slaBars: Bar[] = slaReport.items.map((i) => ({
      label: i.key === SUPPRESSED_KEY ? suppressedLabel : (i.facility ?? String(i.facilityId)),
      value: i.respondedWithinSla?.share ?? null,
      display: !i.respondedWithinSla || i.respondedWithinSla.share === null || i.escalations === null ? '–' : `${fmtPct(i.respondedWithinSla.share)} (${i.respondedWithinSla.count} / ${i.escalations})`,
    }));
    const feedback = await this.stats.feedback(actor, { from, to });
    // Quarters of one facility are combined, weighted by the number of ratings.
    const perFacility = new Map<string, { sum: number; n: number }>();
    for (const i of feedback.items) {
      if (!i.means || !i.ratings) continue;
      const key = i.key === SUPPRESSED_KEY ? suppressedLabel : (i.facility ?? String(i.facilityId));
      const acc = perFacility.get(key) ?? { sum: 0, n: 0 };
      acc.sum += i.means.overall * i.ratings;
      acc.n += i.ratings;
      perFacility.set(key, acc);
    }
    const ratingBars: Bar[] = [...perFacility.entries()].map(([l, a]) => ({ label: l, value: a.sum / a.n, display: `${fmtNum(a.sum / a.n)} (${a.n})` }));

    const k = byQuarter.suppressionThreshold;
    // One line under a chart that shows the combined bar or a held-back figure (a dash).
    const note = (bars: Bar[]) => (k !== null && bars.some((b) => b.label === suppressedLabel || b.display === '–') ? t('stats.suppressedNote', { k }) : null);
    const chart = (title: string, bars: Bar[], svg: string | null) => ({ title, svg, note: svg ? note(bars) : null });
    const period = byQuarter.period;
    const secondTitle = t(national ? 'admin.positiveByCity' : 'stats.positiveByFacility');
    return {
      pageTitle: t('admin.dashboardTitle'),
      action,
      from: from ?? '',
      to: to ?? '',
      overall: o,
      periodNote: period.wholeMonths ? t('stats.periodUsed', { from: period.from ? fmtDay(period.from) : '…', to: period.to ? fmtDay(period.to) : '…' }) : null,
      charts: [
        chart(t('admin.positiveByQuarter'), quarterBars, quarterBars.length ? columns(t('admin.positiveByQuarter'), quarterBars, 1) : null),
        chart(secondTitle, secondBars, secondBars.length ? horizontalBars(secondTitle, secondBars, 1) : null),
        chart(t('admin.outcomes'), outcomeBars, (o.received ?? 0) > 0 ? horizontalBars(t('admin.outcomes'), outcomeBars, outcomeMax, { colorful: true }) : null),
        chart(t('admin.sla'), slaBars, slaBars.length ? horizontalBars(t('admin.sla'), slaBars, 1) : null),
        chart(t('admin.ratings'), ratingBars, ratingBars.length ? horizontalBars(t('admin.ratings'), ratingBars, 5) : null),
      ],
    };
  }
}

function cellText(c: { count: number | null; share: number | null }, pct: (x: number | null) => string): string {
  if (c.count === null) return '–';
  return c.share === null ? String(c.count) : `${c.count} (${pct(c.share)})`;
}
