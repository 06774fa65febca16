import { Injectable } from '@nestjs/common';
import { num, param } from '../database/sql-dialect';
import { StatsReader } from '../statistics/stats-reader';
import { countedUnder } from '../statistics/stats-dimensions';
import { StatsPeriod, wherePeriod } from '../statistics/stats-period';

export interface ExportFilter {
  period: StatsPeriod;
  cityId: number | null;
  includeText: boolean;
}

/** Rows of the pseudonymised export: no tracking hash, no contact, no names. */
export interface ExportRow {
  id: number;
  reference: string;
  received_at: unknown;
  received_quarter: string;
  channel: string;
  city_id: unknown;
  facility_id: unknown;
  category: string;
  key_populations: string;
  gender: string | null;
  age_group: string | null;
  responsible_party_type: string | null;
  priority: string;
  status: string;
  reject_reason: string | null;
  outcome: string | null;
  decline_reason: string | null;
  outcome_at: unknown;
  complainant_verified: unknown;
  description?: string;
  desired_outcome?: string | null;
}

/** The stored columns an export reads, in the file's order. */
export const EXPORT_COLUMNS = [
  'id',
  'reference',
  'received_at',
  'received_quarter',
  'channel',
  'city_id',
  'facility_id',
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
/** Free text, read only when asked for. */
export const EXPORT_TEXT_COLUMNS = ['description', 'desired_outcome'];

@Injectable()
export class ExportsRepository {
  /** Reads on the statistics read connection, so a long export never holds up writes. */
  constructor(private readonly reader: StatsReader) {}

  /** One keyset page ordered by id: constant cost per page however deep the export is. */
  async page(filter: ExportFilter, afterId: number, limit: number): Promise<ExportRow[]> {
    const params: unknown[] = [];
    const where = [`c.id > ${param(params, afterId)}`];
    wherePeriod('c.received_at', filter.period, where, params);
    if (filter.cityId !== null) where.push(`c.city_id = ${param(params, filter.cityId)}`);
    const cols = [...EXPORT_COLUMNS, ...(filter.includeText ? EXPORT_TEXT_COLUMNS : [])].map((c) => `c.${c}`).join(', ');
    const rows = await this.reader.query(`SELECT ${cols} FROM complaints c WHERE ${where.join(' AND ')} ORDER BY c.id LIMIT ${param(params, limit)}`, params);
    return rows.map((r: ExportRow) => ({ ...r, id: num(r.id) }));
  }

  async declineReasons(period: StatsPeriod, cityId: number | null): Promise<{ reason: string | null; n: number }[]> {
    const params: unknown[] = [];
    const where = [countedUnder(param(params, 'unresolved_client_declined'))];
    wherePeriod('c.received_at', period, where, params);
    if (cityId !== null) where.push(`c.city_id = ${param(params, cityId)}`);
    const rows = await this.reader.query(`SELECT c.decline_reason AS reason, COUNT(*) AS n FROM complaints c WHERE ${where.join(' AND ')} GROUP BY c.decline_reason`, params);
    return rows.map((r: { reason: string | null; n: unknown }) => ({ reason: r.reason, n: num(r.n) }));
  }
}
