import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuditRepository } from '../audit/audit.repository';
import { Public } from '../auth/auth.decorators';
import { City } from '../councils/city.entity';
import { CouncilsService } from '../councils/councils.service';
import { Member } from '../councils/member.entity';
import { Database } from '../database/database.service';
import { FacilitiesService } from '../facilities/facilities.service';
import { UsersService } from '../users/users.service';
import { Facility } from '../facilities/facility.entity';
import { WebExceptionFilter } from './web-exception.filter';
import { formInt, formString } from './web-forms';
import { CreateUserDto, UpdateUserDto } from '../users/create-user.dto';
import { CreateFacilityDto, UpdateFacilityDto } from '../facilities/dto/facility.dto';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CreateMemberDto } from '../councils/dto/member.dto';
import { MembersService } from '../councils/members.service';
import { FACILITY_TYPES, LANGUAGES } from '../facilities/facility.constants';
import { CONSTITUENCIES } from '../councils/council.constants';
import { ROLES } from '../users/user.constants';
import { validateForm } from './web-validation';
import { FieldErrors, refusalOf } from './web-errors';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { StaffPage, WebGuard } from './web.guard';

/** Network coordinators: councils, facilities and the ladder, accounts, audit trail (the dashboard: dashboard-pages.controller.ts). */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@StaffPage('admin')
@Controller('admin')
export class AdminPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly councils: CouncilsService,
    private readonly facilities: FacilitiesService,
    private readonly users: UsersService,
    private readonly db: Database,
    private readonly members: MembersService,
    private readonly audit: AuditRepository,
  ) {}

  @Get('councils')
  councilsPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.renderCouncils(req, reply, {}, {}, 200, done ? 'case.done' : undefined);
  }

  private async renderCouncils(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, status = 200, flash?: string, refusal?: string) {
    const list = await this.councils.list(req.actor!);
    return this.renderer.render(req, reply, 'admin-councils', { councils: list, constituencies: CONSTITUENCIES, values, errors, flash, refusal }, status);
  }

  @Post('members')
  async addMember(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const councilId = formInt(body.councilId);
    const { dto, errors } = await validateForm(CreateMemberDto, { name: formString(body.name).trim(), constituency: formString(body.constituency), termStart: formString(body.termStart) });
    if (!councilId) errors['councilId'] = 'validation.required';
    if (Object.keys(errors).length) return this.renderCouncils(req, reply, body, errors, 400);
    try {
      await this.members.create(req.actor!, councilId!, dto);
    } catch (err) {
      const refused = refusalOf(err);
      return this.renderCouncils(req, reply, body, { form: 'admin.refused' }, refused.status, undefined, refused.message);
    }
    return reply.redirect('/admin/councils?done=1', 303);
  }

  @Get('facilities')
  facilitiesPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.renderFacilities(req, reply, {}, {}, 200, done ? 'case.done' : undefined);
  }

  private async renderFacilities(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, status = 200, flash?: string, refusal?: string) {
    const list = await this.facilities.list(req.actor!, {});
    const cities = await this.db.manager.find(City, { order: { name: 'ASC' } });
    return this.renderer.render(
      req,
      reply,
      'admin-facilities',
      {
        facilities: list,
        byId: new Map(list.map((f) => [f.id, f])),
        cities,
        cityById: new Map(cities.map((c) => [c.id, c])),
        types: FACILITY_TYPES,
        languages: LANGUAGES,
        values,
        errors,
        flash,
        refusal,
      },
      status,
    );
  }

  @Post('facilities')
  async addFacility(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const emails = formString(body.contactEmails)
      .split(/[\s,;]+/)
      .filter(Boolean);
    const { dto, errors } = await validateForm(CreateFacilityDto, {
      name: formString(body.name).trim(),
      cityId: formInt(body.cityId),
      type: formString(body.type),
      contactEmails: emails,
      language: formString(body.language),
      slaDays: formInt(body.slaDays),
      parentId: formInt(body.parentId),
    });
    if (Object.keys(errors).length) return this.renderFacilities(req, reply, body, errors, 400);
    try {
      await this.facilities.create(req.actor!, dto);
    } catch (err) {
      const refused = refusalOf(err);
      return this.renderFacilities(req, reply, body, { form: 'admin.refused' }, refused.status, undefined, refused.message);
    }
    return reply.redirect('/admin/facilities?done=1', 303);
  }

  @Get('facilities/:id/edit')
  async editFacilityPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number) {
    const f = await this.facilities.get(req.actor!, id);
    const values = { name: f.name, cityId: f.cityId, type: f.type, parentId: f.parentId ?? '', contactEmails: f.contactEmails.join(', '), language: f.language, slaDays: f.slaDays };
    return this.renderEditFacility(req, reply, id, values, {});
  }

  private async renderEditFacility(req: WebRequest, reply: FastifyReply, id: number, values: Record<string, unknown>, errors: FieldErrors, status = 200, refusal?: string) {
    const facility = await this.facilities.get(req.actor!, id);
    const list = await this.facilities.list(req.actor!, {});
    const cities = await this.db.manager.find(City, { order: { name: 'ASC' } });
    return this.renderer.render(
      req,
      reply,
      'admin-facility-edit',
      {
        facility,
        // The service refuses cycles and non-authority parents; the list only offers the likely choices.
        parents: list.filter((f) => f.type === 'authority' && f.id !== id),
        cities,
        types: FACILITY_TYPES,
        languages: LANGUAGES,
        values,
        errors,
        refusal,
      },
      status,
    );
  }

  @Post('facilities/:id')
  async updateFacility(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const emails = formString(body.contactEmails)
      .split(/[\s,;]+/)
      .filter(Boolean);
    const parentRaw = formString(body.parentId).trim();
    const { dto, errors } = await validateForm(UpdateFacilityDto, {
      name: formString(body.name).trim(),
      cityId: formInt(body.cityId),
      type: formString(body.type),
      contactEmails: emails,
      language: formString(body.language),
      slaDays: formInt(body.slaDays),
      // An empty choice removes the parent (top of the ladder); anything unreadable is reported, not dropped.
      parentId: parentRaw === '' ? null : (formInt(parentRaw) ?? parentRaw),
    });
    if (Object.keys(errors).length) return this.renderEditFacility(req, reply, id, body, errors, 400);
    try {
      await this.facilities.update(req.actor!, id, dto);
    } catch (err) {
      const refused = refusalOf(err, { keepNotFound: true });
      return this.renderEditFacility(req, reply, id, body, { form: 'admin.refused' }, refused.status, refused.message);
    }
    return reply.redirect('/admin/facilities?done=1', 303);
  }

  @Get('users')
  usersPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.renderUsers(req, reply, {}, {}, 200, done ? 'case.done' : undefined);
  }

  private async renderUsers(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, status = 200, flash?: string, refusal?: string) {
    const list = await this.users.list();
    const members = await this.db.manager.find(Member, { select: { id: true, name: true }, order: { name: 'ASC' } });
    const facilities = await this.db.manager.find(Facility, { select: { id: true, name: true }, order: { name: 'ASC' } });
    return this.renderer.render(
      req,
      reply,
      'admin-users',
      {
        users: list,
        members,
        facilities,
        roles: ROLES,
        memberName: new Map(members.map((m) => [m.id, m.name])),
        facilityName: new Map(facilities.map((f) => [f.id, f.name])),
        values,
        errors,
        flash,
        refusal,
      },
      status,
    );
  }

  @Post('users')
  async addUser(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const role = formString(body.role);
    const { dto, errors } = await validateForm(CreateUserDto, {
      email: formString(body.email).trim(),
      password: formString(body.password),
      role,
      memberId: role === 'kpac_member' ? formInt(body.memberId) : undefined,
      facilityId: role === 'facility_admin' ? formInt(body.facilityId) : undefined,
    });
    const { password: _omit, ...kept } = body;
    if (Object.keys(errors).length) return this.renderUsers(req, reply, kept, errors, 400);
    try {
      await this.users.create(req.actor!, dto);
    } catch (err) {
      const refused = refusalOf(err);
      return this.renderUsers(req, reply, kept, { form: 'admin.refused' }, refused.status, undefined, refused.message);
    }
    return reply.redirect('/admin/users?done=1', 303);
  }

  @Post('users/:id/active')
  async setUserActive(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const raw = formString(body.active);
    const { dto, errors } = await validateForm(UpdateUserDto, { active: raw === 'true' ? true : raw === 'false' ? false : raw });
    if (Object.keys(errors).length) return this.renderUsers(req, reply, {}, { form: 'validation.invalid' }, 400);
    try {
      await this.users.update(req.actor!, id, dto);
    } catch (err) {
      const refused = refusalOf(err, { keepNotFound: true });
      return this.renderUsers(req, reply, {}, { form: 'admin.refused' }, refused.status, undefined, refused.message);
    }
    return reply.redirect('/admin/users?done=1', 303);
  }

  /** A lost phone: the account's second factor goes (audited), and it sets one up again at its next login. */
  @Post('users/:id/2fa/reset')
  async resetSecondFactor(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number) {
    try {
      await this.users.resetSecondFactor(req.actor!, id);
    } catch (err) {
      const refused = refusalOf(err, { keepNotFound: true });
      return this.renderUsers(req, reply, {}, { form: 'admin.refused' }, refused.status, undefined, refused.message);
    }
    return reply.redirect('/admin/users?done=1', 303);
  }

  @Get('audit')
  async auditPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('cursor') cursor?: string) {
    const page = await this.audit.find({ cursor: formInt(cursor), limit: 100 });
    return this.renderer.render(req, reply, 'admin-audit', { items: page.items, nextCursor: page.nextCursor });
  }
}

