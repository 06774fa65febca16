import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Actor } from '../auth/actor';
import { StaffSessions } from '../auth/staff-sessions.service';
import { Clock } from '../common/clock';
import { conflict, DomainError, invalid, notFound } from '../common/domain-errors';
import { Database } from '../database/database.service';
import { UnitOfWork } from '../database/unit-of-work';
import type { Constituency } from './council.constants';
import { Council } from './council.entity';
import { assertCouncilVisible, councilListScope } from '../access/access-policy';
import { CouncilsRepository } from './councils.repository';
import { CouncilsService } from './councils.service';
import { AddTermDto, CreateMemberDto, CreateTrainingDto, EndTermDto } from './dto/member.dto';
import { Member } from './member.entity';
import { Term } from './term.entity';
import { effectiveEnd, firstFullDate, fits, holdsSeatOn, nextFreeStart, spanOf, termEndFor } from './term-rules';
import { Training } from './training.entity';

export interface TermView {
  id: number;
  constituency: string;
  termStart: string;
  termEnd: string;
  endedOn: string | null;
  endReason: string | null;
  /** First day off the seat. */
  endsOn: string;
}

export interface MemberView {
  id: number;
  councilId: number;
  name: string;
  /** Holds a seat today. */
  seated: boolean;
  currentTerm: TermView | null;
  terms: TermView[];
  trainings: Array<{ id: number; topic: string; date: string }>;
}

const termView = (t: Term): TermView => ({
  id: t.id,
  constituency: t.constituency,
  termStart: t.termStart,
  termEnd: t.termEnd,
  endedOn: t.endedOn,
  endReason: t.endReason,
  endsOn: effectiveEnd(t),
});

@Injectable()
export class MembersService {
  constructor(
    private readonly db: Database,
    private readonly repo: CouncilsRepository,
    private readonly councils: CouncilsService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly sessions: StaffSessions,
  ) {}

  async list(actor: Actor, councilId: number): Promise<MemberView[]> {
    assertCouncilVisible(actor, councilId);
    const em = this.db.manager;
    if (!(await em.exists(Council, { where: { id: councilId } }))) throw notFound('Council');
    const members = await em.find(Member, { where: { councilId }, order: { name: 'ASC', id: 'ASC' } });
    const terms = await this.repo.termsOfCouncil(em, councilId);
    const trainings = await this.repo.trainingsOfMembers(em, members.map((m) => m.id));
    const today = this.councils.today();
    return members.map((m) => this.view(m, terms.filter((t) => t.memberId === m.id), trainings.filter((t) => t.memberId === m.id), today));
  }

  /** Ids and names of the members the actor's council scope covers, by name (for pickers). */
  async names(actor: Actor): Promise<Array<{ id: number; name: string; councilId: number }>> {
    const { councilId } = councilListScope(actor);
    const rows = await this.db.manager.find(Member, { where: councilId !== undefined ? { councilId } : {}, select: { id: true, name: true, councilId: true }, order: { name: 'ASC' } });
    return rows.map((m) => ({ id: m.id, name: m.name, councilId: m.councilId }));
  }

  async get(actor: Actor, memberId: number): Promise<MemberView> {
    const member = await this.db.manager.findOne(Member, { where: { id: memberId } });
    if (!member) throw notFound('Member');
    assertCouncilVisible(actor, member.councilId, 'Member');
    return this.load(this.db.manager, member);
  }

  /** Seats a new person on the council for one term starting `termStart`. */
  async create(actor: Actor, councilId: number, dto: CreateMemberDto): Promise<MemberView> {
    const name = dto.name.trim();
    if (!name) throw invalid('name must not be blank', { field: 'name', reason: 'required' });
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const council = await this.repo.lockCouncil(em, councilId);
      if (!council) throw notFound('Council');
      const { termStart, termEnd } = await this.checkSeat(em, council, dto.termStart);
      const member = await em.save(Member, em.create(Member, { councilId, name, createdAt: this.clock.now() }));
      this.audit.record(uow, { actor, action: 'member.create', entity: 'member', entityId: member.id, details: { councilId } });
      await this.insertTerm(uow, actor, council, member, dto.constituency, termStart, termEnd);
      return this.load(em, member);
    });
  }

  /** Another term for someone already on the council, e.g. starting the day the current one ends. */
  async addTerm(actor: Actor, memberId: number, dto: AddTermDto): Promise<MemberView> {
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const member = await em.findOne(Member, { where: { id: memberId } });
      if (!member) throw notFound('Member');
      const council = await this.repo.lockCouncil(em, member.councilId);
      if (!council) throw notFound('Council');
      const own = await this.repo.termsOfMember(em, memberId);
      const termEnd = termEndFor(dto.termStart, council.termMonths);
      const clash = own.find((t) => t.termStart < termEnd && dto.termStart < effectiveEnd(t));
      if (clash) {
        throw new DomainError(
          'CONFLICT',
          `This member already holds a seat from ${clash.termStart} to ${effectiveEnd(clash)}; a new term can start on ${effectiveEnd(clash)} at the earliest`,
          { reason: 'term_overlap', args: { from: clash.termStart, free: effectiveEnd(clash) } },
        );
      }
      const constituency = dto.constituency ?? own[own.length - 1]?.constituency;
      if (!constituency) throw invalid('constituency is required: this member has no earlier term to take it from', { field: 'constituency', reason: 'required' });
      await this.checkSeat(em, council, dto.termStart);
      await this.insertTerm(uow, actor, council, member, constituency, dto.termStart, termEnd);
      return this.load(em, member);
    });
  }

  /**
   * Ends the member's seat early: the term running on `endedOn` ends that day, and any later term
   * already planned is cancelled, so every seat they held from that day on is free.
   */
  async end(actor: Actor, memberId: number, dto: EndTermDto): Promise<MemberView> {
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const member = await em.findOne(Member, { where: { id: memberId } });
      if (!member) throw notFound('Member');
      // Same lock as seating, so an end and a new seat on one council are checked in order.
      await this.repo.lockCouncil(em, member.councilId);
      const own = await this.repo.termsOfMember(em, memberId);
      const affected = own.filter((t) => holdsSeatOn(t, dto.endedOn) || (t.termStart > dto.endedOn && effectiveEnd(t) > t.termStart));
      if (!affected.length) {
        const last = own.filter((t) => effectiveEnd(t) > t.termStart).pop();
        throw new DomainError(
          'CONFLICT',
          last ? `This member holds no seat on or after ${dto.endedOn}: their last term ends on ${effectiveEnd(last)}` : 'This member holds no seat to end',
          { field: 'endedOn', reason: 'no_seat', args: { date: dto.endedOn, ...(last ? { free: effectiveEnd(last) } : {}) } },
        );
      }
      for (const t of affected) {
        t.endedOn = t.termStart > dto.endedOn ? t.termStart : dto.endedOn;
        t.endReason = dto.reason;
        await em.update(Term, { id: t.id }, { endedOn: t.endedOn, endReason: t.endReason });
        this.audit.record(uow, {
          actor,
          action: t.endedOn === t.termStart ? 'term.cancel' : 'term.end',
          entity: 'term',
          entityId: t.id,
          details: { memberId, councilId: member.councilId, reason: dto.reason, endedOn: t.endedOn },
        });
      }
      // The member's sessions and tokens end with the seat (each request checks the term as well).
      await this.sessions.revokeMember(em, memberId);
      return this.load(em, member);
    });
  }

  async addTraining(actor: Actor, memberId: number, dto: CreateTrainingDto): Promise<{ id: number; memberId: number; topic: string; date: string }> {
    const topic = dto.topic.trim();
    if (!topic) throw invalid('topic must not be blank', { field: 'topic', reason: 'required' });
    return this.db.transaction(async (uow) => {
      const em = uow.em;
      const member = await em.findOne(Member, { where: { id: memberId } });
      if (!member) throw notFound('Member');
      const training = await em.save(Training, em.create(Training, { memberId, topic, date: dto.date, createdAt: this.clock.now() }));
      // The topic is free text; the audit keeps ids only.
      this.audit.record(uow, { actor, action: 'training.create', entity: 'training', entityId: training.id, details: { memberId } });
      return { id: training.id, memberId, topic: training.topic, date: training.date };
    });
  }

  /** Refuses a term that would put more than `seats` terms of the council on the same day. */
  private async checkSeat(em: EntityManager, council: Council, termStart: string): Promise<{ termStart: string; termEnd: string }> {
    const termEnd = termEndFor(termStart, council.termMonths);
    const spans = (await this.repo.termsOfCouncil(em, council.id)).map(spanOf);
    if (!fits(spans, council.seats, termStart, termEnd)) {
      const full = firstFullDate(spans, council.seats, termStart, termEnd) ?? termStart;
      const free = nextFreeStart(spans, council.seats, council.termMonths, termStart);
      throw new DomainError(
        'SEATS_FULL',
        `${council.name} has ${council.seats} seats and all are taken on ${full}; a seat frees on ${free}, the earliest a new ${council.termMonths}-month term can start`,
        { reason: 'seats_full', args: { seats: council.seats, full, free, months: council.termMonths } },
      );
    }
    return { termStart, termEnd };
  }

  private async insertTerm(
    uow: UnitOfWork,
    actor: Actor,
    council: Council,
    member: Member,
    constituency: Constituency,
    termStart: string,
    termEnd: string,
  ): Promise<void> {
    const term = await uow.em.save(
      Term,
      uow.em.create(Term, { memberId: member.id, councilId: council.id, constituency, termStart, termEnd, endedOn: null, endReason: null, createdAt: uow.now }),
    );
    this.audit.record(uow, {
      actor,
      action: 'term.create',
      entity: 'term',
      entityId: term.id,
      details: { memberId: member.id, councilId: council.id, constituency, termStart, termEnd },
    });
  }

  private async load(em: EntityManager, member: Member): Promise<MemberView> {
    const terms = await this.repo.termsOfMember(em, member.id);
    const trainings = await this.repo.trainingsOfMembers(em, [member.id]);
    return this.view(member, terms, trainings, this.councils.today());
  }

  private view(member: Member, terms: Term[], trainings: Training[], today: string): MemberView {
    const current = terms.find((t) => holdsSeatOn(t, today)) ?? null;
    return {
      id: member.id,
      councilId: member.councilId,
      name: member.name,
      seated: current !== null,
      currentTerm: current ? termView(current) : null,
      terms: terms.map(termView),
      trainings: trainings.map((t) => ({ id: t.id, topic: t.topic, date: t.date })),
    };
  }
}
