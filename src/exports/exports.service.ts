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
import { Cell, isSmall } from '../statistics/resolution-figures';
import { StatisticsRepository } from '../statistics/statistics.repository';
import { StatisticsService } from '../statistics/statistics.service';
import { resolvePeriod } from '../statistics/stats-period';
import { StatsScope } from '../access/access-policy';
import { safeCell } from './csv-safety';
import { ComplaintsExportQueryDto, ExportPeriodQueryDto } from './export-query.dto';
import { ExportRow, ExportsRepository } from './exports.repository';
import { REACT_AGE_LABELS, REACT_DECLINE_LABELS, REACT_GENDER_LABELS, REACT_KEY_POPULATION_LABELS, REACT_STATUS_LABELS } from './react-labels';

/** Rows fetched per keyset page; bounds the memory an export holds at once. */
const PAGE_SIZE = 2000;

const COMPLAINT_COLUMNS = [
  'reference',
  'received_at',
  'received_quarter',
  'channel',
  'city',
  'facility_id',
  'facility',
  'category',
  'key_populations',
  'gender',
  'age_group',
  'responsible_party_type',
  'priority',
  'status',
  'reject_reason',
  'outcome',
  'decline_reason',
  'outcome_at',
  'complainant_verified',
];
const TEXT_COLUMNS = ['description', 'desired_outcome'];

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Pseudonymised complaint rows as a CSV stream: keyset pages pulled only as fast as the client
   * reads, so a million rows never sit in memory. The export is audited before the first byte.
   */
  async complaintsCsv(actor: Actor, q: ComplaintsExportQueryDto): Promise<Readable> {
    const period = resolvePeriod(q.from, q.to, this.config.timeZone);
    const includeText = q.includeText === true;
    await this.db.transaction((em) =>
      this.audit.record(em, actor, {
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
    const csv = stringify({ header: true, columns: includeText ? [...COMPLAINT_COLUMNS, ...TEXT_COLUMNS] : COMPLAINT_COLUMNS });
    return pipeline(Readable.from(records()), csv, (err) => {
      if (err) this.logger.error(`complaints.csv export stopped: ${err.name}`);
    });
  }

  /**
   * REAct's aggregate tables for a period, always with small-count suppression: this file leaves
   * the system (donor reports), so no count below k is written, whoever exports it.
   */
  async reactCsv(actor: Actor, q: ExportPeriodQueryDto): Promise<string> {
    const period = resolvePeriod(q.from, q.to, this.config.timeZone);
    const k = this.config.statsMinCell;
    const scope: StatsScope = { cityId: q.city ?? null, facilityId: null, minCell: k };
    await this.db.transaction((em) =>
      this.audit.record(em, actor, { action: 'export.react_csv', entity: 'complaint', details: { from: q.from ?? null, to: q.to ?? null, city: q.city ?? null } }),
    );
    const [overall, byKp, byGender, byAge, declines] = await Promise.all([
      this.stats.resolutionFor(scope, period, null),
      this.stats.resolutionFor(scope, period, 'keyPopulation'),
      this.stats.resolutionFor(scope, period, 'gender'),
      this.stats.resolutionFor(scope, period, 'ageGroup'),
      this.repo.declineReasons(period, scope.cityId),
    ]);
    const received = overall.overall.received;
    const pct = (share: number | null) => (share === null ? '' : (Math.round(share * 1000) / 10).toFixed(1));
    const countText = (c: Cell) => (c.suppressed ? `<${k}` : (c.count ?? 0));
    const rows: (string | number)[][] = [];
    const add = (section: string, code: string, label: string, c: Cell) => rows.push([section, code, label, countText(c), pct(c.share)]);
    const groupCell = (count: number | null, suppressed: boolean): Cell =>
      suppressed ? { count: null, share: null, suppressed: true } : { count: count ?? 0, share: received ? (count ?? 0) / received : null };

    add('Cases', 'received', 'Cases (not rejected)', overall.overall.suppressed ? { count: null, share: null, suppressed: true } : { count: received, share: received ? 1 : null });
    const pr = overall.overall.positiveRate;
    rows.push(['Cases', 'positive_rate', 'Positively resolved / received', pr.suppressed ? `<${k}` : (pr.numerator ?? 0), pct(pr.value)]);
    for (const [code, label] of REACT_STATUS_LABELS) {
      add('Reaction status', code, label, code === 'in_progress' ? overall.overall.inProgress : overall.overall.outcomes[code]);
    }
    const fromGroups = (section: string, groups: typeof byKp.groups, codes: readonly string[], labels: Record<string, string>) => {
      const byKey = new Map((groups ?? []).map((g) => [g.key, g]));
      for (const code of codes) {
        const g = byKey.get(code);
        add(section, code, labels[code], groupCell(g?.received ?? 0, g?.suppressed ?? false));
      }
      const none = byKey.get(null);
      if (none) add(section, 'not_recorded', 'Not recorded', groupCell(none.received, none.suppressed));
    };
    fromGroups('Key populations', byKp.groups, KEY_POPULATIONS, REACT_KEY_POPULATION_LABELS);
    fromGroups('Gender', byGender.groups, GENDERS, REACT_GENDER_LABELS);
    fromGroups('Age groups', byAge.groups, AGE_GROUPS, REACT_AGE_LABELS);
    const declined = declines.reduce((s, d) => s + d.n, 0);
    for (const [code, label] of Object.entries(REACT_DECLINE_LABELS)) {
      const n = declines.find((d) => d.reason === code)?.n ?? 0;
      add('Why the client did not want to solve the case', code, label, isSmall(n, k) ? { count: null, share: null, suppressed: true } : { count: n, share: declined ? n / declined : null });
    }
    rows.push(['Notes', 'period', `${period.from ?? 'start'} to ${period.to ?? 'today'} (${period.timeZone}), by date received`, '', '']);
    rows.push(['Notes', 'suppression', `Counts below ${k} are shown as <${k}`, '', '']);
    rows.push(['Notes', 'key_populations', 'A complaint with several key populations counts in each of its groups', '', '']);
    rows.push(['Notes', 'decline_reasons', 'Shares of the decline reasons are of declined cases', '', '']);
    return stringifySync(
      rows.map((r) => r.map(safeCell)),
      { header: true, columns: ['section', 'code', 'category', 'count', 'share_percent'] },
    );
  }
}
