import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Actor } from '../auth/actor';
import { AuditEvent } from './audit-event.entity';

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
  async record(em: EntityManager, actor: Actor | null, entry: AuditEntry): Promise<void> {
    await em.insert(AuditEvent, {
      at: this.clock.now(),
      actorUserId: actor?.userId ?? null,
      actorType: actor?.kind ?? 'system',
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId === undefined || entry.entityId === null ? null : String(entry.entityId),
      details: entry.details ?? null,
    });
  }
}
