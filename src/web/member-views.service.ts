import { Injectable } from '@nestjs/common';
import { canManageCouncils, complaintListScope } from '../access/access-policy';
import type { Actor } from '../auth/actor';
import { CATEGORIES, CHANNELS } from '../complaints/complaint.constants';
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

/** The board's filters as the form sent them ('' for none). */
export interface BoardFilters {
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
    const listOf = async (status: ComplaintQueryDto['status']) => (await this.complaints.list(actor, { ...base, status } as ComplaintQueryDto)).items;
    const [received, inReview, escalated, responded] = await Promise.all([listOf('received'), listOf('in_review'), listOf('escalated'), listOf('responded')]);
    // Overdue: escalated complaints whose facility has missed its answer date (the SLA sweep marks them).
    const overdueEsc = (await this.escalations.list(actor, { responseState: 'overdue', limit: 200 })).items;
    const overdueIds = new Set(overdueEsc.map((e) => e.complaintId));
    const columns: { key: string; items: Summary[] }[] = [
      { key: 'colNew', items: received },
      { key: 'colInReview', items: inReview },
      { key: 'colEscalated', items: escalated.filter((c) => !overdueIds.has(c.id)) },
      { key: 'colOverdue', items: escalated.filter((c) => overdueIds.has(c.id)) },
      { key: 'colResponded', items: responded },
    ];
    const [facilities, cities] = await Promise.all([this.facilities.list(actor, { city: ownCity }), this.councils.listCities(actor)]);
    return {
      memberCity: ownCity !== undefined ? (cities.find((c) => c.id === ownCity) ?? null) : null,
      columns,
      filters,
      categories: CATEGORIES,
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
