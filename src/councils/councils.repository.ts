import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Database } from '../database/database.service';
import { City } from './city.entity';
import { Council } from './council.entity';
import { Member } from './member.entity';
import { Term } from './term.entity';
import { Training } from './training.entity';

/** Queries shared by the council and member services. */
@Injectable()
export class CouncilsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Reads a council inside a write transaction and, on PostgreSQL, locks its row so two requests
   * seating members on the same council check the seat count one after the other. SQLite write
   * transactions are already serialised by `Database`.
   */
  async lockCouncil(em: EntityManager, councilId: number): Promise<Council | null> {
    const qb = em.createQueryBuilder(Council, 'c').where('c.id = :id', { id: councilId });
    if (!this.db.isSqlite) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  termsOfCouncil(em: EntityManager, councilId: number): Promise<Term[]> {
    return em.find(Term, { where: { councilId }, order: { termStart: 'ASC', id: 'ASC' } });
  }

  termsOfMember(em: EntityManager, memberId: number): Promise<Term[]> {
    return em.find(Term, { where: { memberId }, order: { termStart: 'ASC', id: 'ASC' } });
  }

  async membersByIds(em: EntityManager, ids: number[]): Promise<Map<number, Member>> {
    if (!ids.length) return new Map();
    const rows = await em.createQueryBuilder(Member, 'm').where('m.id IN (:...ids)', { ids: [...new Set(ids)] }).getMany();
    return new Map(rows.map((m) => [m.id, m]));
  }

  async trainingsOfMembers(em: EntityManager, memberIds: number[]): Promise<Training[]> {
    if (!memberIds.length) return [];
    return em
      .createQueryBuilder(Training, 't')
      .where('t.member_id IN (:...ids)', { ids: [...new Set(memberIds)] })
      .orderBy('t.date', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .getMany();
  }

  async citiesById(em: EntityManager): Promise<Map<number, City>> {
    const rows = await em.find(City);
    return new Map(rows.map((c) => [c.id, c]));
  }
}
