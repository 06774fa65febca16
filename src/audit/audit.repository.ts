import { Injectable } from '@nestjs/common';
import { Database } from '../database/database.service';
import { AuditEvent } from './audit-event.entity';
import { AuditQueryDto } from './audit-query.dto';

@Injectable()
export class AuditRepository {
  constructor(private readonly db: Database) {}

  /** Newest first, keyset on id. */
  async find(q: AuditQueryDto): Promise<{ items: AuditEvent[]; nextCursor: number | null }> {
    const limit = q.limit ?? 100;
    const qb = this.db.manager.createQueryBuilder(AuditEvent, 'a').orderBy('a.id', 'DESC').take(limit + 1);
    if (q.from) qb.andWhere('a.at >= :from', { from: Date.parse(q.from) });
    if (q.to) qb.andWhere('a.at < :to', { to: Date.parse(q.to) });
    if (q.actor) qb.andWhere('a.actor_user_id = :actor', { actor: q.actor });
    if (q.entity) qb.andWhere('a.entity = :entity', { entity: q.entity });
    if (q.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: q.entityId });
    if (q.cursor) qb.andWhere('a.id < :cursor', { cursor: q.cursor });
    const rows = await qb.getMany();
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1].id : null };
  }
}
