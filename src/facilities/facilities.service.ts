import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { assertFacilityVisible, facilityListScope } from '../access/access-policy';
import { Clock } from '../common/clock';
import { DomainError, invalid, notFound } from '../common/domain-errors';
import { City } from '../councils/city.entity';
import { Database } from '../database/database.service';
import { CreateFacilityDto, FacilityQueryDto, UpdateFacilityDto } from './dto/facility.dto';
import { FacilitiesRepository, MAX_LADDER_DEPTH } from './facilities.repository';
import { Facility } from './facility.entity';

export interface FacilityView {
  id: number;
  name: string;
  cityId: number;
  type: string;
  contactEmails: string[];
  language: string;
  slaDays: number;
  parentId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface FacilityDetail extends FacilityView {
  /** The rungs above this facility, nearest first: where an unanswered escalation goes next. */
  ladder: Array<Pick<FacilityView, 'id' | 'name' | 'cityId' | 'type' | 'language' | 'slaDays'>>;
}

const view = (f: Facility): FacilityView => ({
  id: f.id,
  name: f.name,
  cityId: f.cityId,
  type: f.type,
  contactEmails: f.contactEmails,
  language: f.language,
  slaDays: f.slaDays,
  parentId: f.parentId,
  createdAt: f.createdAt,
  updatedAt: f.updatedAt,
});

/** Lower-cased, trimmed, duplicates dropped, order kept. */
const normaliseEmails = (emails: string[]): string[] => [...new Set(emails.map((e) => e.trim().toLowerCase()))];

@Injectable()
export class FacilitiesService {
  constructor(
    private readonly db: Database,
    private readonly repo: FacilitiesRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  /**
   * Admins see every facility. A council member sees their city's facilities and every
   * authority (the ladder often leads to a national body). A facility admin sees their own.
   */
  async list(actor: Actor, q: FacilityQueryDto): Promise<FacilityView[]> {
    const qb = this.db.manager.createQueryBuilder(Facility, 'f').orderBy('f.name', 'ASC').addOrderBy('f.id', 'ASC');
    if (q.city) qb.andWhere('f.city_id = :city', { city: q.city });
    if (q.type) qb.andWhere('f.type = :type', { type: q.type });
    const scope = facilityListScope(actor);
    if (!scope) return [];
    if (scope.cityOrAuthority !== undefined) qb.andWhere("(f.city_id = :own OR f.type = 'authority')", { own: scope.cityOrAuthority });
    if (scope.facilityId !== undefined) qb.andWhere('f.id = :fid', { fid: scope.facilityId });
    return (await qb.getMany()).map(view);
  }

  async get(actor: Actor, id: number): Promise<FacilityDetail> {
    const facility = assertFacilityVisible(actor, await this.db.manager.findOne(Facility, { where: { id } }));
    return this.detail(this.db.manager, facility);
  }

  async create(actor: Actor, dto: CreateFacilityDto): Promise<FacilityDetail> {
    const name = dto.name.trim();
    if (name.length < 2) throw invalid('name must be at least 2 characters', { field: 'name', reason: 'too_short', args: { min: 2 } });
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      await this.repo.lockLadder(em);
      await this.checkCity(em, dto.cityId);
      if (dto.parentId) await this.checkParent(em, dto.parentId);
      const now = this.clock.now();
      const facility = await em.save(
        Facility,
        em.create(Facility, {
          name,
          cityId: dto.cityId,
          type: dto.type,
          contactEmails: normaliseEmails(dto.contactEmails),
          language: dto.language,
          slaDays: dto.slaDays ?? 10,
          parentId: dto.parentId ?? null,
          createdAt: now,
          updatedAt: now,
        }),
      );
      this.audit.record(uow, {
        actor,
        action: 'facility.create',
        entity: 'facility',
        entityId: facility.id,
        details: { cityId: facility.cityId, type: facility.type, parentId: facility.parentId },
      });
      return this.detail(em, facility);
    });
  }

  async update(actor: Actor, id: number, dto: UpdateFacilityDto): Promise<FacilityDetail> {
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      await this.repo.lockLadder(em);
      const facility = await em.findOne(Facility, { where: { id } });
      if (!facility) throw notFound('Facility');
      const changed: string[] = [];
      if (dto.name !== undefined && dto.name.trim() !== facility.name) {
        if (dto.name.trim().length < 2) throw invalid('name must be at least 2 characters', { field: 'name', reason: 'too_short', args: { min: 2 } });
        facility.name = dto.name.trim();
        changed.push('name');
      }
      if (dto.cityId !== undefined && dto.cityId !== facility.cityId) {
        await this.checkCity(em, dto.cityId);
        facility.cityId = dto.cityId;
        changed.push('cityId');
      }
      if (dto.type !== undefined && dto.type !== facility.type) {
        if (facility.type === 'authority') {
          const below = await em.count(Facility, { where: { parentId: facility.id } });
          if (below > 0) {
            throw new DomainError('CONFLICT', `${below} facilities escalate to ${facility.name}; give them another parent authority before changing its type`, { field: 'type', reason: 'type_has_children', args: { count: below } });
          }
        }
        facility.type = dto.type;
        changed.push('type');
      }
      if (dto.contactEmails !== undefined) {
        const emails = normaliseEmails(dto.contactEmails);
        if (JSON.stringify(emails) !== JSON.stringify(facility.contactEmails)) {
          facility.contactEmails = emails;
          changed.push('contactEmails');
        }
      }
      if (dto.language !== undefined && dto.language !== facility.language) {
        facility.language = dto.language;
        changed.push('language');
      }
      if (dto.slaDays !== undefined && dto.slaDays !== facility.slaDays) {
        facility.slaDays = dto.slaDays;
        changed.push('slaDays');
      }
      if (dto.parentId !== undefined && dto.parentId !== facility.parentId) {
        if (dto.parentId !== null) {
          const parent = await this.checkParent(em, dto.parentId);
          await this.refuseCycle(em, facility, parent);
        }
        facility.parentId = dto.parentId;
        changed.push('parentId');
      }
      if (changed.length) {
        facility.updatedAt = this.clock.now();
        await em.save(Facility, facility);
        this.audit.record(uow, {
          actor,
          action: 'facility.update',
          entity: 'facility',
          entityId: facility.id,
          details: { changed, parentId: facility.parentId },
        });
      }
      return this.detail(em, facility);
    });
  }

  private async detail(em: EntityManager, facility: Facility): Promise<FacilityDetail> {
    const ladder = await this.repo.ladderAbove(em, facility);
    return {
      ...view(facility),
      ladder: ladder.map((r) => ({ id: r.id, name: r.name, cityId: r.cityId, type: r.type, language: r.language, slaDays: r.slaDays })),
    };
  }

  private async checkCity(em: EntityManager, cityId: number): Promise<void> {
    if (!(await em.exists(City, { where: { id: cityId } }))) throw invalid(`cityId ${cityId} does not exist`, { field: 'cityId', reason: 'unknown' });
  }

  private async checkParent(em: EntityManager, parentId: number): Promise<Facility> {
    const parent = await em.findOne(Facility, { where: { id: parentId } });
    if (!parent) throw invalid(`parentId ${parentId} does not exist`, { field: 'parentId', reason: 'unknown' });
    if (parent.type !== 'authority') {
      throw invalid(`parentId ${parentId} is of type ${parent.type}; the next rung of the ladder must be a facility of type authority`, { field: 'parentId', reason: 'not_authority' });
    }
    return parent;
  }

  /** Refuses a parent that sits below the facility already, which would make the ladder loop. */
  private async refuseCycle(em: EntityManager, facility: Facility, parent: Facility): Promise<void> {
    const path = [facility, parent];
    let current: Facility | null = parent;
    while (current) {
      if (current.id === facility.id) {
        throw new DomainError('CONFLICT', `The escalation ladder would loop: ${path.map((f) => f.name).join(' → ')}; choose a parent above ${facility.name}`, { field: 'parentId', reason: 'ladder_loop', args: { path: path.map((f) => f.name).join(' → ') } });
      }
      if (current.parentId === null || path.length > MAX_LADDER_DEPTH) break;
      current = await em.findOne(Facility, { where: { id: current.parentId } });
      if (current) path.push(current);
    }
    if (path.length > MAX_LADDER_DEPTH) throw new DomainError('CONFLICT', `The escalation ladder would be longer than ${MAX_LADDER_DEPTH} rungs`, { field: 'parentId', reason: 'ladder_depth', args: { max: MAX_LADDER_DEPTH } });
  }
}
