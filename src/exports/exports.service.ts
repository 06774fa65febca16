import { Inject, Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { pipeline, Readable } from 'node:stream';
import { Actor } from '../auth/actor';
import { AuditService } from '../audit/audit.service';
import { AGE_GROUPS, GENDERS, KEY_POPULATIONS } from '../complaints/complaint.constants';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { Cell } from '../statistics/resolution-figures';
import { SUPPRESSED_KEY, suppressLine } from '../statistics/small-cell-suppression';
import { StatisticsRepository } from '../statistics/statistics.repository';
import { IN_PROGRESS } from '../statistics/stats-dimensions';
import { ResolutionGroup, StatisticsService } from '../statistics/statistics.service';
import { resolvePeriod, statsPeriod } from '../statistics/stats-period';
import { Clock } from '../common/clock';
import { dateInZone } from '../common/dates';
import { StatsScope } from '../access/access-policy';
import { safeCell } from './csv-safety';
import { ComplaintsExportQueryDto, ExportPeriodQueryDto } from './export-query.dto';
import { EXPORT_COLUMNS, EXPORT_TEXT_COLUMNS, ExportRow, ExportsRepository } from './exports.repository';
import { REACT_AGE_LABELS, REACT_DECLINE_LABELS, REACT_GENDER_LABELS, REACT_KEY_POPULATION_LABELS, REACT_STATUS_LABELS } from './react-labels';

/** What the REAct file writes for a withheld count. */
const SUPPRESSED_TEXT = 'suppressed';

/** Rows fetched per keyset page; bounds the memory an export holds at once. */
const PAGE_SIZE = 2000;

/** The file's columns: the stored ones but the row id, with the city's code and the facility's name. */
const COMPLAINT_COLUMNS = EXPORT_COLUMNS.filter((c) => c !== 'id').flatMap((c) => (c === 'city_id' ? ['city'] : c === 'facility_id' ? ['facility_id', 'facility'] : [c]));

const iso = (v: unknown): string => (v === null || v === undefined ? '' : new Date(Number(v)).toISOString());
const bool = (v: unknown): string => (v === null || v === undefined ? '' : v === true || v === 1 || v === '1' || v === 't' ? 'true' : 'false');

@Injectable()
export class ExportsService {
  private readonly logger = new Logger('Exports');

  constructor(
    private readonly db: Database,
    private readonly repo: ExportsRepository,
    private readonly statsRepo: StatisticsRepository,
    private readonly stats: StatisticsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Pseudonymised complaint rows as a CSV stream: keyset pages pulled only as fast as the client
   * reads, so a million rows never sit in memory. The export is audited before the first byte.
   */
  async complaintsCsv(actor: Actor, q: ComplaintsExportQueryDto): Promise<Readable> {
    const period = resolvePeriod(q.from, q.to, this.config.timeZone);
    const includeText = q.includeText === true;
    await this.db.transaction((uow) =>
      this.audit.record(uow, {
        actor,
        action: 'export.complaints_csv',
        entity: 'complaint',
        details: { from: q.from ?? null, to: q.to ?? null, city: q.city ?? null, includeText },
      }),
    );
    const [cities, facilities] = await Promise.all([this.statsRepo.cities(), this.statsRepo.facilities()]);
    const cityCode = new Map(cities.map((c) => [c.id, c.code]));
    const facilityName = new Map(facilities.map((f) => [f.id, f.name]));
    const filter = { period, cityId: q.city ?? null, includeText };
    const repo = this.repo;
    async function* records(): AsyncGenerator<(string | number)[]> {
      let after = 0;
      for (;;) {
        const rows: ExportRow[] = await repo.page(filter, after, PAGE_SIZE);
        for (const r of rows) {
          const facilityId = r.facility_id === null || r.facility_id === undefined ? null : Number(r.facility_id);
          let kps: string[] = [];
          try {
            kps = JSON.parse(r.key_populations || '[]');
          } catch {
            kps = [];
          }
          const record: unknown[] = [
            r.reference,
            iso(r.received_at),
            r.received_quarter,
            r.channel,
            cityCode.get(Number(r.city_id)) ?? '',
            facilityId ?? '',
            facilityId === null ? '' : (facilityName.get(facilityId) ?? ''),
            r.category,
            kps.join(';'),
            r.gender,
            r.age_group,
            r.responsible_party_type,
            r.priority,
            r.status,
            r.reject_reason,
            r.outcome,
            r.decline_reason,
            iso(r.outcome_at),
            bool(r.complainant_verified),
          ];
          if (includeText) record.push(r.description ?? '', r.desired_outcome ?? '');
          yield record.map(safeCell);
        }
        if (rows.length < PAGE_SIZE) return;
        after = rows[rows.length - 1].id;
      }
    }
    const csv = stringify({ header: true, columns: includeText ? [...COMPLAINT_COLUMNS, ...EXPORT_TEXT_COLUMNS] : COMPLAINT_COLUMNS });
    return pipeline(Readable.from(records()), csv, (err) => {
      if (err) this.logger.error(`complaints.csv export stopped: ${err.name}`);
    });
  }

  /**
   * REAct's aggregate tables for a period, always suppressed as a non-admin's statistics are: this
   * file leaves the system (donor reports), so whoever exports it, groups below k are combined in a
   * `suppressed` row (never exactly one), a hidden count always has a hidden companion in its
   * line, and the period is whole calendar months.
   */
  async reactCsv(actor: Actor, q: ExportPeriodQueryDto): Promise<string> {
    const period = statsPeriod(q, true, this.config.timeZone, dateInZone(this.clock.now(), this.config.timeZone));
    const k = this.config.statsMinCell;
    const scope: StatsScope = { cityId: q.city ?? null, facilityId: null, minCell: k, wholeMonths: true };
    await this.db.transaction((uow) =>
      this.audit.record(uow, {
        actor,
        action: 'export.react_csv', entity: 'complaint', details: { from: period.from, to: period.to, city: q.city ?? null } }),
    );
    const [overall, byKp, byGender, byAge, declines] = await Promise.all([
      this.stats.resolutionFor(scope, period, null),
      this.stats.resolutionFor(scope, period, 'keyPopulation'),
      this.stats.resolutionFor(scope, period, 'gender'),
      this.stats.resolutionFor(scope, period, 'ageGroup'),
      this.repo.declineReasons(period, scope.cityId),
    ]);
    const o = overall.overall;
    const received = o.received;
    const pct = (share: number | null) => (share === null ? '' : (Math.round(share * 1000) / 10).toFixed(1));
    const rows: (string | number)[][] = [];
    const add = (section: string, code: string, label: string, c: Cell) => rows.push([section, code, label, c.count === null ? SUPPRESSED_TEXT : c.count, pct(c.share)]);
    const hidden: Cell = { count: null, share: null, suppressed: true };

    add('Cases', 'received', 'Cases (not rejected)', received === null ? hidden : { count: received, share: received ? 1 : null });
    const pr = o.positiveRate;
    rows.push(['Cases', 'positive_rate', 'Positively resolved / received', pr.suppressed ? SUPPRESSED_TEXT : (pr.numerator ?? 0), pct(pr.value)]);
    for (const [code, label] of REACT_STATUS_LABELS) {
      add('Reaction status', code, label, code === IN_PROGRESS ? o.inProgress : o.outcomes[code]);
    }
    const fromGroups = (section: string, groups: typeof byKp.groups, codes: readonly string[], labels: Record<string, string>) => {
      const byKey = new Map((groups ?? []).map((g) => [g.key, g]));
      const folded = byKey.get(SUPPRESSED_KEY);
      const cell = (g: ResolutionGroup): Cell =>
        g.received === null || received === null ? hidden : { count: g.received, share: received ? g.received / received : null };
      // With a `suppressed` row, a code that is not named may be folded or may have no case at all:
      // both are written alike, or the zeros would tell which codes were folded.
      const absent = (): Cell => (folded ? hidden : { count: 0, share: received ? 0 : null });
      for (const code of codes) {
        const g = byKey.get(code);
        add(section, code, labels[code], g ? cell(g) : absent());
      }
      const none = byKey.get(null);
      if (none) add(section, 'not_recorded', 'Not recorded', cell(none));
      else if (folded) add(section, 'not_recorded', 'Not recorded', hidden);
      if (folded) add(section, SUPPRESSED_KEY, `Groups of fewer than ${k} cases, combined`, cell(folded));
    };
    fromGroups('Key populations', byKp.groups, KEY_POPULATIONS, REACT_KEY_POPULATION_LABELS);
    fromGroups('Gender', byGender.groups, GENDERS, REACT_GENDER_LABELS);
    fromGroups('Age groups', byAge.groups, AGE_GROUPS, REACT_AGE_LABELS);
    // Decline reasons are the parts of the declined cell. If that cell is hidden, any shown reason
    // (or its share) would give it back, so every reason is hidden with it.
    const declinedCell = o.outcomes.unresolved_client_declined;
    const codes = Object.keys(REACT_DECLINE_LABELS);
    const counts = codes.map((code) => declines.find((d) => d.reason === code)?.n ?? 0);
    // Cases without a recorded reason are a part of the line that is never written.
    const unlisted = declines.filter((d) => !d.reason || !codes.includes(d.reason)).reduce((s, d) => s + d.n, 0);
    const lineHidden = suppressLine([...counts, unlisted], k);
    const declined = declines.reduce((s, d) => s + d.n, 0);
    codes.forEach((code, i) => {
      const n = counts[i];
      add('Why the client did not want to solve the case', code, REACT_DECLINE_LABELS[code as keyof typeof REACT_DECLINE_LABELS], declinedCell.count === null || lineHidden[i] ? hidden : { count: n, share: declined ? n / declined : null });
    });
    rows.push(['Notes', 'period', `${period.from ?? 'start'} to ${period.to ?? 'today'} (${period.timeZone}), by date received, in whole calendar months`, '', '']);
    rows.push(['Notes', 'suppression', `Groups of fewer than ${k} cases are not named but combined in the "${SUPPRESSED_KEY}" row (with the next smallest group when only one would be); counts written "${SUPPRESSED_TEXT}" are withheld because they, or a count they would give away, are below ${k}`, '', '']);
    rows.push(['Notes', 'key_populations', 'A complaint with several key populations counts in each of its groups', '', '']);
    rows.push(['Notes', 'decline_reasons', 'Shares of the decline reasons are of declined cases', '', '']);
    return stringifySync(
      rows.map((r) => r.map(safeCell)),
      { header: true, columns: ['section', 'code', 'category', 'count', 'share_percent'] },
    );
  }
}
