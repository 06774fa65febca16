import { Injectable } from '@nestjs/common';
import { AuditRepository } from '../audit/audit.repository';
import type { Actor } from '../auth/actor';
import { CONSTITUENCIES } from '../councils/council.constants';
import { CouncilsService } from '../councils/councils.service';
import { MembersService } from '../councils/members.service';
import { FacilitiesService, FacilityDetail } from '../facilities/facilities.service';
import { FACILITY_TYPES, LANGUAGES } from '../facilities/facility.constants';
import { PASSWORD_MIN_LENGTH, ROLES } from '../users/user.constants';
import { UsersService } from '../users/users.service';

/** View data of the network coordinators' pages: councils, facilities and the ladder, accounts, audit trail. */
@Injectable()
export class AdminViews {
  constructor(
    private readonly councils: CouncilsService,
    private readonly members: MembersService,
    private readonly facilities: FacilitiesService,
    private readonly users: UsersService,
    private readonly audit: AuditRepository,
  ) {}

  async councilList(actor: Actor) {
    return { councils: await this.councils.list(actor), constituencies: CONSTITUENCIES };
  }

  async facilityList(actor: Actor) {
    const [list, cities] = await Promise.all([this.facilities.list(actor, {}), this.councils.listCities(actor)]);
    return {
      facilities: list,
      byId: new Map(list.map((f) => [f.id, f])),
      cities,
      cityById: new Map(cities.map((c) => [c.id, c])),
      types: FACILITY_TYPES,
      languages: LANGUAGES,
    };
  }

  async facilityEdit(actor: Actor, id: number): Promise<{ facility: FacilityDetail } & Record<string, unknown>> {
    const facility = await this.facilities.get(actor, id);
    const [list, cities] = await Promise.all([this.facilities.list(actor, {}), this.councils.listCities(actor)]);
    return {
      facility,
      // The service refuses cycles and non-authority parents; the list only offers the likely choices.
      parents: list.filter((f) => f.type === 'authority' && f.id !== id),
      cities,
      types: FACILITY_TYPES,
      languages: LANGUAGES,
    };
  }

  async accounts(actor: Actor) {
    const [users, members, facilities, cities] = await Promise.all([this.users.list(), this.members.names(actor), this.facilities.list(actor, {}), this.councils.listCities(actor)]);
    // Names repeat across cities: every member is shown with their council's city.
    const cityOfCouncil = new Map(cities.filter((c) => c.councilId !== null).map((c) => [c.councilId!, c]));
    return {
      users,
      members: members.map((m) => ({ ...m, city: cityOfCouncil.get(m.councilId) ?? null })),
      facilities,
      cityById: new Map(cities.map((c) => [c.id, c])),
      roles: ROLES,
      passwordMin: PASSWORD_MIN_LENGTH,
      memberName: new Map(members.map((m) => [m.id, m.name])),
      memberCity: new Map(members.map((m) => [m.id, cityOfCouncil.get(m.councilId) ?? null])),
      facilityName: new Map(facilities.map((f) => [f.id, f.name])),
    };
  }

  auditTrail(cursor: number | undefined) {
    return this.audit.find({ cursor, limit: 100 });
  }
}
