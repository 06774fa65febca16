import { Injectable } from '@nestjs/common';
import type { Actor } from '../auth/actor';
import { OUTCOMES } from '../complaints/complaint.constants';
import { CouncilsService } from '../councils/councils.service';
import { SlaStatisticsService } from '../statistics/sla-statistics.service';
import { SUPPRESSED_KEY } from '../statistics/small-cell-suppression';
import { StatisticsService } from '../statistics/statistics.service';
import { Bar, horizontalBars } from './svg-charts';
import { LOCALES, WebLang } from './web-i18n';
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
    // "of 1 complaint" / "of 5 complaints"; Russian "из 21 жалобы" / "из 3 жалоб"; Tajik has one form.
    const rules = new Intl.PluralRules(LOCALES[lang]);
    const words = (key: string, n: number, args: Record<string, unknown>) => t(`stats.${key}_${lang !== 'tg' && rules.select(n) === 'one' ? 'one' : 'other'}`, args);
    const [byQuarter, bySecond, cities] = await Promise.all([
      this.stats.resolution(actor, { from, to, groupBy: 'quarter' }),
      // A member's city is one group; their facilities say more.
      this.stats.resolution(actor, { from, to, groupBy: national ? 'city' : 'facility' }),
      this.councils.listCities(actor),
    ]);
    const k = byQuarter.suppressionThreshold;
    const hidden: Pick<Bar, 'value' | 'display' | 'words'> = { value: null, display: t('stats.hidden'), words: k !== null ? t('stats.heldBack', { k }) : undefined };
    const rateBar = (label: string, r: { value: number | null; numerator: number | null; denominator: number | null }): Bar =>
      r.value === null || r.numerator === null || r.denominator === null
        ? { label, ...hidden }
        : { label, value: r.value, display: fmtPct(r.value), words: words('resolvedWords', r.denominator, { positive: r.numerator, received: r.denominator }) };
    const cityById = new Map(cities.map((c) => [c.id, c]));
    const cityLabel = (id: unknown) => {
      const c = cityById.get(Number(id));
      if (!c) return String(id ?? '–');
      const s = t(`city.${c.code}`);
      return s === `web.city.${c.code}` ? c.name : s;
    };
    const label = (g: { key: unknown; label: string }, named: (key: unknown) => string) => (g.key === SUPPRESSED_KEY ? suppressedLabel : named(g.key));
    const quarterBars = (byQuarter.groups ?? []).filter((g) => g.key !== null).map((g) => rateBar(label(g, (key) => quarterLabel(String(key), t)), g.positiveRate));
    const secondBars = (bySecond.groups ?? []).filter((g) => g.key !== null).map((g) => rateBar(label(g, (key) => (national ? cityLabel(key) : g.label)), g.positiveRate));
    const o = bySecond.overall;
    const total = o.received ?? 0;
    const shareBar = (label: string, c: { count: number | null; share: number | null }): Bar =>
      c.count === null ? { label, ...hidden } : { label, value: c.count, display: c.share === null ? String(c.count) : fmtPct(c.share), words: words('shareWords', total, { count: c.count, total, share: fmtPct(c.share ?? (total ? c.count / total : 0)) }) };
    const outcomeBars: Bar[] = [...OUTCOMES.map((key) => shareBar(t(`outcome.${key}`), o.outcomes[key])), shareBar(t('admin.inProgress'), o.inProgress)];
    const outcomeMax = Math.max(1, ...outcomeBars.map((b) => b.value ?? 0));

    const slaReport = await this.sla.sla(actor, { from, to });
    const slaBars: Bar[] = slaReport.items.map((i) => {
      const label = i.key === SUPPRESSED_KEY ? suppressedLabel : (i.facility ?? String(i.facilityId));
      const r = i.respondedWithinSla;
      if (!r || r.share === null || r.count === null || i.escalations === null) return { label, ...hidden };
      return { label, value: r.share, display: fmtPct(r.share), words: words('slaWords', i.escalations, { count: r.count, total: i.escalations }) };
    });
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
    const ratingBars: Bar[] = [...perFacility.entries()].map(([l, a]) => ({ label: l, value: a.sum / a.n, display: fmtNum(a.sum / a.n), words: words('ratingWords', a.n, { mean: fmtNum(a.sum / a.n), n: a.n }) }));

    // Under a chart: what its "Other" bar holds, and what "hidden" means, each when the chart has one.
    const note = (bars: Bar[]) => {
      if (k === null) return null;
      const lines = [bars.some((b) => b.label === suppressedLabel) ? t('stats.suppressedExplained', { other: suppressedLabel, k }) : null, bars.some((b) => b.value === null) ? t('stats.heldBackNote', { k }) : null];
      return lines.filter(Boolean).join(' ') || null;
    };
    const chart = (title: string, bars: Bar[], max: number, draw: boolean, opts: { colorful?: boolean } = {}) => {
      const svg = draw && bars.length ? horizontalBars(title, bars, max, opts) : null;
      return { title, svg, note: svg ? note(bars) : null };
    };
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
        chart(t('admin.positiveByQuarter'), quarterBars, 1, true),
        chart(secondTitle, secondBars, 1, true),
        chart(t('admin.outcomes'), outcomeBars, outcomeMax, total > 0, { colorful: true }),
        chart(t('admin.sla'), slaBars, 1, true),
        chart(t('admin.ratings'), ratingBars, 5, true),
      ],
    };
  }
}

/** "2026-Q4" as the reader writes it: "IV кв. 2026", "Семоҳаи IV 2026", "Q4 2026". */
export function quarterLabel(key: string, t: (key: string, args?: Record<string, unknown>) => string): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(key);
  return m ? t(`stats.quarter${m[2]}`, { year: m[1] }) : key;
}
