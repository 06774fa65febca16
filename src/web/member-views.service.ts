import { Injectable } from '@nestjs/common';
import { canManageCouncils, complaintListScope } from '../access/access-policy';
import type { Actor } from '../auth/actor';
import { Clock } from '../common/clock';
import { CATEGORIES, CHANNELS, STATUSES } from '../complaints/complaint.constants';
import { ComplaintsService } from '../complaints/complaints.service';
import { ComplaintQueryDto } from '../complaints/dto/complaint-query.dto';
import { TERM_END_REASONS } from '../councils/council.constants';
import { CouncilsService } from '../councils/councils.service';
import { MembersService } from '../councils/members.service';
import { EscalationsRepository } from '../escalations/escalations.repository';
import { FacilitiesService } from '../facilities/facilities.service';
import { COMPLAINT_CHOICES } from './web-forms';

type Summary = Awaited<ReturnType<ComplaintsService['list']>>['items'][number];
const BOARD_LIMIT = 50;
/** How far back the closed column reaches (disputed complaints stay whatever their age). */
export const CLOSED_DAYS = 90;
/** The board's status filter: one status, or the disputed ones; '' shows every column. */
export const BOARD_STATUSES = [...STATUSES, 'disputed'] as const;

/** The board's filters as the form sent them ('' for none). */
export interface BoardFilters {
  status: string;
  category: string;
  facility: string;
  city: string;
  from: string;
  to: string;
}

/** View data of the council members' pages (and admins' on them): the board, the council, paper intake. */
@Injectable()
export class MemberViews {
  constructor(
    private readonly complaints: ComplaintsService,
    private readonly escalations: EscalationsRepository,
    private readonly councils: CouncilsService,
    private readonly members: MembersService,
    private readonly facilities: FacilitiesService,
    private readonly clock: Clock,
  ) {}

  /** The triage board: open complaints in columns, with the filters a member's scope allows. */
  async board(actor: Actor, asked: BoardFilters) {
    const ownCity = complaintListScope(actor)?.cityId;
    // Only a national view filters by city; a member's board is their city's.
    const filters = { ...asked, city: ownCity === undefined ? asked.city : '' };
    const base: Partial<ComplaintQueryDto> = {
      category: (filters.category || undefined) as ComplaintQueryDto['category'],
      facility: filters.facility ? Number(filters.facility) : undefined,
      city: filters.city ? Number(filters.city) : undefined,
      from: filters.from || undefined,
      to: filters.to || undefined,
      limit: BOARD_LIMIT,
    };
    const shown = (...statuses: string[]) => !filters.status || statuses.includes(filters.status);
    const none = async () => [] as Summary[];
    const listOf = async (status: ComplaintQueryDto['status']) =>
      shown(status!) ? (await this.complaints.list(actor, { ...base, status } as ComplaintQueryDto)).items : [];
    const closedOf = () => {
      if (!shown('resolved', 'rejected', 'disputed')) return none();
      const both = ['resolved', 'rejected'] as const;
      const statuses = both.filter((x) => !filters.status || filters.status === 'disputed' || filters.status === x);
      const since = new Date(this.clock.now().getTime() - CLOSED_DAYS * 86_400_000);
      return this.complaints.listClosed(actor, base as ComplaintQueryDto, { statuses, since, disputedOnly: filters.status === 'disputed' });
    };
    const [received, inReview, escalated, responded, closed] = await Promise.all([listOf('received'), listOf('in_review'), listOf('escalated'), listOf('responded'), closedOf()]);
    // Overdue: escalated complaints whose facility has missed its answer date (the SLA sweep marks them).
    const overdueEsc = escalated.length ? (await this.escalations.list(actor, { responseState: 'overdue', limit: 200 })).items : [];
    const overdueIds = new Set(overdueEsc.map((e) => e.complaintId));
    const columns: { key: string; items: Summary[] }[] = [
      { key: 'colNew', items: received, statuses: ['received'] },
      { key: 'colInReview', items: inReview, statuses: ['in_review'] },
      { key: 'colEscalated', items: escalated.filter((c) => !overdueIds.has(c.id)), statuses: ['escalated'] },
      { key: 'colOverdue', items: escalated.filter((c) => overdueIds.has(c.id)), statuses: ['escalated'] },
      { key: 'colResponded', items: responded, statuses: ['responded'] },
      { key: filters.status === 'disputed' ? 'colDisputed' : 'colClosed', items: closed, statuses: ['resolved', 'rejected', 'disputed'] },
    ]
      .filter((col) => shown(...col.statuses))
      .map(({ key, items }) => ({ key, items }));
    const [facilities, cities] = await Promise.all([this.facilities.list(actor, { city: ownCity }), this.councils.listCities(actor)]);
    return {
      memberCity: ownCity !== undefined ? (cities.find((c) => c.id === ownCity) ?? null) : null,
      columns,
      filters,
      categories: CATEGORIES,
      statuses: BOARD_STATUSES,
      closedDays: CLOSED_DAYS,
      facilities,
      facilityName: new Map(facilities.map((f) => [f.id, f.name])),
      cities: ownCity === undefined ? cities : [],
      cityById: new Map(cities.map((c) => [c.id, c])),
    };
  }

  /** A council: seats, terms ending soon, trainings of the people on it; the admin's forms to manage it. */
  async council(actor: Actor, councilId: number) {
    const council = await this.councils.get(actor, councilId);
    const members = await this.members.list(actor, councilId);
    // Newest first, as the council page lists them per member.
    const trainings = members
      .flatMap((m) => m.trainings.map((t) => ({ memberId: m.id, topic: t.topic, date: t.date })))
      .sort((a, b) => (a.date < b.date ? 1 : a.date > b.date ? -1 : 0));
    return {
      council,
      trainings,
      endingSoon: new Set(council.termsEndingSoon.map((t) => t.termId)),
      canManage: canManageCouncils(actor),
      endReasons: TERM_END_REASONS,
    };
  }

  /** The paper intake form: a member's own city fixed, an admin chooses among all. */
  async intakeForm(actor: Actor) {
    const ownCity = complaintListScope(actor)?.cityId;
    const [cities, facilities] = await Promise.all([this.councils.listCities(actor), this.facilities.list(actor, { city: ownCity })]);
    return {
      cities,
      facilities,
      cityById: new Map(cities.map((c) => [c.id, c])),
      fixedCity: ownCity !== undefined ? (cities[0] ?? null) : null,
      channels: CHANNELS.filter((c) => c !== 'web' && c !== 'telegram'),
      ...COMPLAINT_CHOICES,
    };
  }
}
