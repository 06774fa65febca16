import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { addDays, startOfDayInZone } from '../common/dates';
import { invalid } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { queryRows } from '../database/sql';
import { Database } from '../database/database.service';
import { ComplaintEvent } from './complaint-event.entity';
import { Complaint } from './complaint.entity';
import { ComplaintQueryDto } from './dto/complaint-query.dto';

/** The board's closed column: which closed complaints, and since when they were closed. */
export interface ClosedQuery {
  statuses: readonly ('resolved' | 'rejected')[];
  /** Closed on or after this instant (ignored for disputed ones: they wait for a member whatever their age). */
  since?: Date;
  /** Only resolved complaints whose complainant answered "not resolved". */
  disputedOnly?: boolean;
}

export interface ListScope {
  /** Set for council members: their city, whatever the filter says. */
  cityId?: number;
}

/** Opaque keyset position: the last row's (receivedAt, id). */
export function encodeCursor(c: Pick<Complaint, 'receivedAt' | 'id'>): string {
  return Buffer.from(JSON.stringify([c.receivedAt.getTime(), c.id]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): { receivedAt: number; id: number } {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((n) => Number.isSafeInteger(n) && n >= 0)) {
      return { receivedAt: parsed[0], id: parsed[1] };
    }
  } catch {
    // fall through
  }
  throw invalid('cursor is not valid; start again without it');
}

/** Queries over complaints; indexes in the complaints migration match these filters. */
@Injectable()
export class ComplaintsRepository {
  constructor(
    private readonly db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Newest first by (receivedAt, id); keyset pagination so new rows never shift a page. */
  async list(q: ComplaintQueryDto, scope: ListScope): Promise<{ rows: Complaint[]; nextCursor: string | null }> {
    const limit = q.limit ?? 25;
    const qb = this.filtered(q, scope);
    if (q.status) qb.andWhere('c.status = :status', { status: q.status });
    if (q.cursor) {
      const cur = decodeCursor(q.cursor);
      qb.andWhere('(c.receivedAt < :curAt OR (c.receivedAt = :curAt AND c.id < :curId))', { curAt: cur.receivedAt, curId: cur.id });
    }
    const rows = await qb.orderBy('c.receivedAt', 'DESC').addOrderBy('c.id', 'DESC').take(limit + 1).getMany();
    const more = rows.length > limit;
    if (more) rows.length = limit;
    return { rows, nextCursor: more ? encodeCursor(rows[rows.length - 1]) : null };
  }

  /**
   * Closed complaints, most recently closed first: a resolution's own time, a rejection's last
   * change (the row changes no more once rejected). Same filters as the list, no paging (the
   * board shows the first `limit`).
   */
  async closed(q: ComplaintQueryDto, scope: ListScope, closed: ClosedQuery): Promise<Complaint[]> {
    const qb = this.filtered(q, scope);
    const closedAt = 'COALESCE(c.outcome_at, c.updated_at)';
    if (closed.disputedOnly) {
      qb.andWhere("c.status = 'resolved' AND c.complainant_verified = :no", { no: false });
    } else {
      qb.andWhere('c.status IN (:...closedStatuses)', { closedStatuses: [...closed.statuses] });
      if (closed.since) {
        qb.andWhere(`(${closedAt} >= :since OR (c.status = 'resolved' AND c.complainant_verified = :no))`, { since: closed.since.getTime(), no: false });
      }
    }
    return qb
      .orderBy(closedAt, 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(q.limit ?? 25)
      .getMany();
  }

  /** The scope and the filters every list shares (city, facility, category, received between). */
  private filtered(q: ComplaintQueryDto, scope: ListScope) {
    const qb = this.db.manager.createQueryBuilder(Complaint, 'c');
    if (scope.cityId !== undefined) qb.andWhere('c.cityId = :scopeCity', { scopeCity: scope.cityId });
    if (q.city !== undefined) qb.andWhere('c.cityId = :city', { city: q.city });
    if (q.facility !== undefined) qb.andWhere('c.facilityId = :facility', { facility: q.facility });
    if (q.category) qb.andWhere('c.category = :category', { category: q.category });
    if (q.from && q.to && q.from > q.to) throw invalid('from must be on or before to');
    if (q.from) qb.andWhere('c.receivedAt >= :from', { from: startOfDayInZone(q.from, this.config.timeZone).getTime() });
    if (q.to) qb.andWhere('c.receivedAt < :to', { to: startOfDayInZone(addDays(q.to, 1), this.config.timeZone).getTime() });
    return qb;
  }

  timeline(complaintId: number): Promise<ComplaintEvent[]> {
    return this.db.manager.find(ComplaintEvent, { where: { complaintId }, order: { id: 'ASC' } });
  }

  /**
   * Reserves `count` consecutive numbers of a city's yearly reference sequence and returns the
   * first. One upsert: PostgreSQL holds the row lock until the transaction ends, SQLite writes are
   * serialised, so no two complaints share a number.
   */
  async reserveReferences(em: EntityManager, cityId: number, year: number, count: number): Promise<number> {
    const rows = await queryRows<{ last_value: number | string }>(
      em,
      `INSERT INTO reference_counters (city_id, year, last_value) VALUES ($1, $2, $3)
       ON CONFLICT (city_id, year) DO UPDATE SET last_value = reference_counters.last_value + $3
       RETURNING last_value`,
      [cityId, year, count],
    );
    return Number(rows[0].last_value) - count + 1;
  }
}
