import { Injectable } from '@nestjs/common';
import { num, param, paramList } from '../database/sql-dialect';
import { StatsReader } from './stats-reader';
import { StatsPeriod, wherePeriod } from './stats-period';
import { StatsScope } from '../access/access-policy';
import { ResolutionGroupBy } from './stats.constants';
import { COUNTED, GROUP_COLUMN, groupJoin, IN_PROGRESS, OUTCOME_BUCKET } from './stats-dimensions';

export interface ResolutionRow {
  g: string | number | null;
  /** The outcome of a resolved complaint; null for one in progress. */
  outcome: string | null;
  n: number;
}

export interface FeedbackRow {
  facilityId: number;
  quarter: string;
  n: number;
  waitingTime: number;
  staffAttitude: number;
  openingHours: number;
  confidentiality: number;
  overall: number;
}

/**
 * Aggregates in SQL through the driver (sqlite3 runs them on libuv's pool, off the event loop).
 * Each query reads only columns of idx_complaints_stats / idx_complaints_city_stats, so SQLite
 * answers from the index without touching the table (migration 1764000003000). Statements use
 * `$n` placeholders (src/database/sql-dialect.ts).
 */
@Injectable()
export class StatisticsRepository {
  constructor(private readonly reader: StatsReader) {}

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.reader.query<T>(sql, params);
  }

  async resolution(scope: StatsScope, period: StatsPeriod, groupBy: ResolutionGroupBy | null): Promise<ResolutionRow[]> {
    const where = [COUNTED];
    const params: unknown[] = [];
    wherePeriod('c.received_at', period, where, params);
    if (scope.cityId !== null) where.push(`c.city_id = ${param(params, scope.cityId)}`);
    if (scope.facilityId !== null) where.push(`c.facility_id = ${param(params, scope.facilityId)}`);
    const g = groupBy ? GROUP_COLUMN[groupBy] : 'NULL';
    const rows = await this.query<{ g: string | number | null; b: string; n: unknown }>(
      `SELECT ${g} AS g, ${OUTCOME_BUCKET} AS b, COUNT(*) AS n FROM complaints c ${groupJoin(groupBy)} WHERE ${where.join(' AND ')} GROUP BY ${groupBy ? `${g}, ` : ''}${OUTCOME_BUCKET}`,
      params,
    );
    return rows.map((r) => ({ g: r.g, outcome: r.b === IN_PROGRESS ? null : r.b, n: num(r.n) }));
  }

  async cities(): Promise<{ id: number; code: string; name: string }[]> {
    const rows = await this.query<{ id: unknown; code: string; name: string }>('SELECT id, code, name FROM cities ORDER BY name');
    return rows.map((r) => ({ id: num(r.id), code: r.code, name: r.name }));
  }

  async facilities(ids?: number[]): Promise<{ id: number; name: string; cityId: number; slaDays: number }[]> {
    if (ids && ids.length === 0) return [];
    const params: unknown[] = [];
    const rows = await this.query<{ id: unknown; name: string; city_id: unknown; sla_days: unknown }>(
      `SELECT id, name, city_id, sla_days FROM facilities ${ids ? `WHERE id IN (${paramList(params, ids)})` : ''} ORDER BY name`,
      params,
    );
    return rows.map((r) => ({ id: num(r.id), name: r.name, cityId: num(r.city_id), slaDays: num(r.sla_days) }));
  }

  async feedback(scope: StatsScope, period: StatsPeriod): Promise<FeedbackRow[]> {
    const where = ['1 = 1'];
    const params: unknown[] = [];
    wherePeriod('f.created_at', period, where, params);
    if (scope.cityId !== null) where.push(`fa.city_id = ${param(params, scope.cityId)}`);
    if (scope.facilityId !== null) where.push(`f.facility_id = ${param(params, scope.facilityId)}`);
    const rows = await this.query<Record<string, unknown>>(
      `SELECT f.facility_id AS facility_id, f.quarter AS quarter, COUNT(*) AS n,
              AVG(f.waiting_time * 1.0) AS waiting_time, AVG(f.staff_attitude * 1.0) AS staff_attitude,
              AVG(f.opening_hours * 1.0) AS opening_hours, AVG(f.confidentiality * 1.0) AS confidentiality, AVG(f.overall * 1.0) AS overall
         FROM feedback f JOIN facilities fa ON fa.id = f.facility_id
        WHERE ${where.join(' AND ')}
        GROUP BY f.facility_id, f.quarter
        ORDER BY f.facility_id, f.quarter`,
      params,
    );
    return rows.map((r) => ({
      facilityId: num(r.facility_id),
      quarter: String(r.quarter),
      n: num(r.n),
      waitingTime: num(r.waiting_time),
      staffAttitude: num(r.staff_attitude),
      openingHours: num(r.opening_hours),
      confidentiality: num(r.confidentiality),
      overall: num(r.overall),
    }));
  }

  async councils(cityId: number | null): Promise<{ id: number; cityId: number; name: string; seats: number; termMonths: number; cityCode: string; cityName: string }[]> {
    const rows = await this.query<Record<string, unknown>>(
      `SELECT co.id, co.city_id, co.name, co.seats, co.term_months, ci.code, ci.name AS city_name
         FROM councils co JOIN cities ci ON ci.id = co.city_id ${cityId !== null ? 'WHERE co.city_id = $1' : ''} ORDER BY ci.name`,
      cityId !== null ? [cityId] : [],
    );
    return rows.map((r) => ({
      id: num(r.id),
      cityId: num(r.city_id),
      name: String(r.name),
      seats: num(r.seats),
      termMonths: num(r.term_months),
      cityCode: String(r.code),
      cityName: String(r.city_name),
    }));
  }

  async terms(councilIds: number[]): Promise<{ councilId: number; memberId: number; termStart: string; termEnd: string; endedOn: string | null }[]> {
    if (councilIds.length === 0) return [];
    const params: unknown[] = [];
    const rows = await this.query<Record<string, unknown>>(
      `SELECT council_id, member_id, term_start, term_end, ended_on FROM terms WHERE council_id IN (${paramList(params, councilIds)})`,
      params,
    );
    return rows.map((r) => ({
      councilId: num(r.council_id),
      memberId: num(r.member_id),
      termStart: String(r.term_start),
      termEnd: String(r.term_end),
      endedOn: r.ended_on === null || r.ended_on === undefined ? null : String(r.ended_on),
    }));
  }

  async trainings(councilIds: number[], from: string, to: string): Promise<{ councilId: number; memberId: number }[]> {
    if (councilIds.length === 0) return [];
    const params: unknown[] = [];
    const rows = await this.query<Record<string, unknown>>(
      `SELECT m.council_id, t.member_id FROM trainings t JOIN members m ON m.id = t.member_id
        WHERE m.council_id IN (${paramList(params, councilIds)}) AND t.date >= ${param(params, from)} AND t.date <= ${param(params, to)}`,
      params,
    );
    return rows.map((r) => ({ councilId: num(r.council_id), memberId: num(r.member_id) }));
  }
}
