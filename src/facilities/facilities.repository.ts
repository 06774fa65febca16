import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../database/database.service';
import { Facility } from './facility.entity';

/** Arbitrary constant naming the PostgreSQL advisory lock that guards ladder changes. */
const LADDER_LOCK_KEY = 4_517_301;

/** Longest ladder followed; far beyond any real chain of authorities, it stops a corrupt loop. */
export const MAX_LADDER_DEPTH = 32;

@Injectable()
export class FacilitiesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Two concurrent edits (A under B, B under A) could each pass the cycle check alone. On
   * PostgreSQL one transaction-scoped advisory lock orders every ladder change; SQLite write
   * transactions are already serialised by `Database`.
   */
  async lockLadder(em: EntityManager): Promise<void> {
    if (!this.db.isSqlite) await em.query('SELECT pg_advisory_xact_lock($1)', [LADDER_LOCK_KEY]);
  }

  /** The rungs above a facility, nearest first (parent, grandparent, …). */
  async ladderAbove(em: EntityManager, facility: Pick<Facility, 'id' | 'parentId'>): Promise<Facility[]> {
    const rungs: Facility[] = [];
    const seen = new Set([facility.id]);
    let next = facility.parentId;
    while (next !== null && !seen.has(next) && rungs.length < MAX_LADDER_DEPTH) {
      const rung = await em.findOne(Facility, { where: { id: next } });
      if (!rung) break;
      rungs.push(rung);
      seen.add(rung.id);
      next = rung.parentId;
    }
    return rungs;
  }
}
