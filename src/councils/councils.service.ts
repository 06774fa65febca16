import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { addDays, dateInZone, daysBetween } from '../common/dates';
import { conflict, DomainError, invalid, notFound } from '../common/domain-errors';
import { conflictOnDuplicate } from '../common/unique-violation';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Database } from '../database/database.service';
import { City } from './city.entity';
import { ENDING_SOON_DAYS } from './council.constants';
import { Council } from './council.entity';
import { assertCouncilVisible, councilListScope } from '../access/access-policy';
import { CouncilsRepository } from './councils.repository';
import { CreateCityDto } from './dto/city.dto';
import { CreateCouncilDto, UpdateCouncilDto } from './dto/council.dto';
import { Term } from './term.entity';
import { effectiveEnd, holdsSeatOn, maxOverlap, nextFreeStart, spanOf } from './term-rules';

export interface CityView {
  id: number;
  name: string;
  code: string;
  councilId: number | null;
}

export interface SeatHolderView {
  termId: number;
  memberId: number;
  memberName: string;
  constituency: string;
  termStart: string;
  termEnd: string;
  /** First day off the seat (the natural end, or an earlier end already recorded). */
  endsOn: string;
}

export interface CouncilSummary {
  id: number;
  cityId: number;
  cityName: string;
  cityCode: string;
  name: string;
  seats: number;
  termMonths: number;
  /** Seats held today (in the service's time zone). */
  seated: number;
  vacancies: number;
  endingSoon: number;
}

export interface CouncilDetail extends CouncilSummary {
  today: string;
  seatHolders: SeatHolderView[];
  /** Terms ending within ENDING_SOON_DAYS days, with how many days are left. */
  termsEndingSoon: Array<SeatHolderView & { daysLeft: number }>;
  /** Terms that start later (e.g. a successor already chosen). */
  upcomingTerms: SeatHolderView[];
  /** When every seat is taken: the earliest date a new full term can start. */
  nextSeatFreesOn: string | null;
}

@Injectable()
export class CouncilsService {
  constructor(
    private readonly db: Database,
    private readonly repo: CouncilsRepository,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Today's calendar date where the councils work; terms begin and end on these dates. */
  today(): string {
    return dateInZone(this.clock.now(), this.config.timeZone);
  }

  async listCities(actor: Actor): Promise<CityView[]> {
    const qb = this.db.manager
      .createQueryBuilder(City, 'city')
      .leftJoin(Council, 'council', 'council.city_id = city.id')
      .select(['city.id AS id', 'city.name AS name', 'city.code AS code', 'council.id AS "councilId"'])
      .orderBy('city.name', 'ASC');
    const scope = councilListScope(actor);
    if (scope.cityId !== undefined) qb.where('city.id = :cityId', { cityId: scope.cityId });
    const rows = await qb.getRawMany<{ id: number; name: string; code: string; councilId: number | null }>();
    return rows.map((r) => ({ id: Number(r.id), name: r.name, code: r.code, councilId: r.councilId === null ? null : Number(r.councilId) }));
  }

  async createCity(actor: Actor, dto: CreateCityDto): Promise<CityView> {
    const name = dto.name.trim();
    if (name.length < 2) throw invalid('name must be at least 2 characters');
    return conflictOnDuplicate(() => this.insertCity(actor, name, dto.code), `A city named ${name} or with code ${dto.code} already exists`);
  }

  private insertCity(actor: Actor, name: string, code: string): Promise<CityView> {
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const clash = await em.createQueryBuilder(City, 'c').where('LOWER(c.name) = :name OR c.code = :code', { name: name.toLowerCase(), code }).getOne();
      if (clash) throw conflict(clash.code === code ? `City code ${code} is already used by ${clash.name}` : `A city named ${clash.name} already exists`);
      const city = await em.save(City, em.create(City, { name, code, createdAt: this.clock.now() }));
      this.audit.record(uow, { actor, action: 'city.create', entity: 'city', entityId: city.id, details: { code: city.code } });
      return { id: city.id, name: city.name, code: city.code, councilId: null };
    });
  }

  async createCouncil(actor: Actor, dto: CreateCouncilDto): Promise<CouncilDetail> {
    const id = await conflictOnDuplicate(() => this.insertCouncil(actor, dto), 'This city already has a council; a city has one');
    return this.get(actor, id);
  }

  private insertCouncil(actor: Actor, dto: CreateCouncilDto): Promise<number> {
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const city = await em.findOne(City, { where: { id: dto.cityId } });
      if (!city) throw invalid(`cityId ${dto.cityId} does not exist`);
      if (await em.findOne(Council, { where: { cityId: city.id } })) throw conflict(`${city.name} already has a council; a city has one`);
      const council = await em.save(
        Council,
        em.create(Council, {
          cityId: city.id,
          name: dto.name?.trim() || `KPAC ${city.name}`,
          seats: dto.seats ?? 4,
          termMonths: dto.termMonths ?? 24,
          createdAt: this.clock.now(),
        }),
      );
      this.audit.record(uow, {
        actor,
        action: 'council.create',
        entity: 'council',
        entityId: council.id,
        details: { cityId: city.id, seats: council.seats, termMonths: council.termMonths },
      });
      return council.id;
    });
  }

  async update(actor: Actor, id: number, dto: UpdateCouncilDto): Promise<CouncilDetail> {
    await this.db.transaction(async (uow) => {
      const em = uow.em;
      const council = await this.repo.lockCouncil(em, id);
      if (!council) throw notFound('Council');
      const changed: string[] = [];
      if (dto.name !== undefined && dto.name.trim() !== council.name) {
        if (dto.name.trim().length < 2) throw invalid('name must be at least 2 characters');
        council.name = dto.name.trim();
        changed.push('name');
      }
      if (dto.seats !== undefined && dto.seats !== council.seats) {
        if (dto.seats < council.seats) {
          // Fewer seats must still hold every term already seated from today on.
          const spans = (await this.repo.termsOfCouncil(em, id)).map(spanOf);
          const busiest = maxOverlap(spans, this.today(), '9999-12-31');
          if (busiest > dto.seats) {
            throw new DomainError(
              'SEATS_FULL',
              `${council.name} has ${busiest} terms seated at the same time from ${this.today()} on; end terms before reducing its seats to ${dto.seats}`,
            );
          }
        }
        council.seats = dto.seats;
        changed.push('seats');
      }
      if (dto.termMonths !== undefined && dto.termMonths !== council.termMonths) {
        council.termMonths = dto.termMonths;
        changed.push('termMonths');
      }
      if (!changed.length) return;
      await em.save(Council, council);
      this.audit.record(uow, {
        actor,
        action: 'council.update',
        entity: 'council',
        entityId: id,
        details: { changed, seats: council.seats, termMonths: council.termMonths },
      });
    });
    return this.get(actor, id);
  }

  async list(actor: Actor): Promise<CouncilSummary[]> {
    const em = this.db.manager;
    const scope = councilListScope(actor);
    const councils = await em.find(Council, {
      where: scope.councilId !== undefined ? { id: scope.councilId } : {},
      order: { id: 'ASC' },
    });
    const cities = await this.repo.citiesById(em);
    const terms = councils.length
      ? await em.createQueryBuilder(Term, 't').where('t.council_id IN (:...ids)', { ids: councils.map((c) => c.id) }).getMany()
      : [];
    const today = this.today();
    return councils.map((c) => this.summary(c, cities.get(c.cityId)!, terms.filter((t) => t.councilId === c.id), today));
  }

  async get(actor: Actor, id: number): Promise<CouncilDetail> {
    assertCouncilVisible(actor, id);
    return this.detail(this.db.manager, id);
  }

  private async detail(em: EntityManager, id: number): Promise<CouncilDetail> {
    const council = await em.findOne(Council, { where: { id } });
    if (!council) throw notFound('Council');
    const city = await em.findOneOrFail(City, { where: { id: council.cityId } });
    const terms = await this.repo.termsOfCouncil(em, id);
    const members = await this.repo.membersByIds(em, terms.map((t) => t.memberId));
    const today = this.today();
    const holder = (t: Term): SeatHolderView => ({
      termId: t.id,
      memberId: t.memberId,
      memberName: members.get(t.memberId)?.name ?? '',
      constituency: t.constituency,
      termStart: t.termStart,
      termEnd: t.termEnd,
      endsOn: effectiveEnd(t),
    });
    const seated = terms.filter((t) => holdsSeatOn(t, today));
    const summary = this.summary(council, city, terms, today);
    const soonLimit = addDays(today, ENDING_SOON_DAYS);
    return {
      ...summary,
      today,
      seatHolders: seated.map(holder),
      termsEndingSoon: seated
        .filter((t) => effectiveEnd(t) <= soonLimit)
        .sort((a, b) => (effectiveEnd(a) < effectiveEnd(b) ? -1 : 1))
        .map((t) => ({ ...holder(t), daysLeft: daysBetween(today, effectiveEnd(t)) })),
      upcomingTerms: terms.filter((t) => t.termStart > today && effectiveEnd(t) > t.termStart).map(holder),
      nextSeatFreesOn: summary.vacancies > 0 ? null : nextFreeStart(terms.map(spanOf), council.seats, council.termMonths, today),
    };
  }

  private summary(council: Council, city: City, terms: Term[], today: string): CouncilSummary {
    const seated = terms.filter((t) => holdsSeatOn(t, today));
    const soonLimit = addDays(today, ENDING_SOON_DAYS);
    return {
      id: council.id,
      cityId: council.cityId,
      cityName: city.name,
      cityCode: city.code,
      name: council.name,
      seats: council.seats,
      termMonths: council.termMonths,
      seated: seated.length,
      vacancies: Math.max(0, council.seats - seated.length),
      endingSoon: seated.filter((t) => effectiveEnd(t) <= soonLimit).length,
    };
  }
}
