import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Actor } from '../auth/actor';
import { AuditEvent } from './audit-event.entity';
import { bulkInsert } from '../database/sql';

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | number | null;
  /** Ids, field names and enum values only — never names, contact details or free text. */
  details?: Record<string, any>;
}

@Injectable()
export class AuditService {
  constructor(private readonly clock: Clock) {}

  /** Written inside the caller's transaction so the record and the change commit together. */
  record(em: EntityManager, actor: Actor | null, entry: AuditEntry): Promise<void> {
    return this.recordMany(em, [{ actor, ...entry }]);
  }

  /** Several records in one statement (a batch of intakes). */
  async recordMany(em: EntityManager, entries: (AuditEntry & { actor: Actor | null })[]): Promise<void> {
    if (!entries.length) return;
    const at = this.clock.now();
    const rows = entries.map(({ actor, ...entry }) => ({
      at,
      actorUserId: actor?.userId ?? null,
      actorType: actor?.kind ?? 'system',
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      details: entry.details ?? null,
    }));
    await bulkInsert(em, AuditEvent, rows);
  }
}
