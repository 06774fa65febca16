import { Injectable } from '@nestjs/common';
import { Actor } from '../auth/actor';
import { Many, many, UnitOfWork } from '../database/unit-of-work';
import { AuditEvent } from './audit-event.entity';

export interface AuditEntry {
  /** Who did it; null for the system. */
  actor: Actor | null;
  action: string;
  entity: string;
  entityId?: string | number | null;
  /** Ids, field names and enum values only — never names, contact details or free text. */
  details?: Record<string, any>;
}

@Injectable()
export class AuditService {
  /** Appended to the caller's unit of work, so the record and the change commit together. */
  record(uow: UnitOfWork, entries: Many<AuditEntry>): void {
    uow.append(
      AuditEvent,
      many(entries).map((e) => ({
        at: uow.now,
        actorUserId: e.actor?.userId ?? null,
        actorType: e.actor?.kind ?? 'system',
        action: e.action,
        entity: e.entity,
        entityId: e.entityId === undefined || e.entityId === null ? null : String(e.entityId),
        details: e.details ?? null,
      })),
    );
  }
}
