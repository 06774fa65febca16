import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { AddTermDto, CreateMemberDto, CreateTrainingDto, EndTermDto } from '../councils/dto/member.dto';
import { MembersService } from '../councils/members.service';
import { CreateFacilityDto, UpdateFacilityDto } from '../facilities/dto/facility.dto';
import { FacilitiesService, FacilityDetail } from '../facilities/facilities.service';
import { CreateUserDto, UpdateUserDto } from '../users/create-user.dto';
import { UsersService } from '../users/users.service';
import { AdminViews } from './admin-views.service';
import { DashboardViews } from './dashboard-views.service';
import { MemberViews } from './member-views.service';
import { attempt, FieldErrors, FormWords, STAFF_FORM, STAFF_RECORD_FORM } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { formDay, formInt, formString, hasErrors } from './web-forms';
import { FormState, WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { StaffPage, WebGuard } from './web.guard';

type FormBody = Record<string, unknown>;

/**
 * Network coordinators: the dashboard, councils and their members (every council form, those on
 * the council page too), facilities and the ladder, accounts, the audit trail.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@StaffPage('admin')
@Controller()
export class AdminPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly views: AdminViews,
    private readonly memberViews: MemberViews,
    private readonly dashboards: DashboardViews,
    private readonly members: MembersService,
    private readonly facilities: FacilitiesService,
    private readonly users: UsersService,
  ) {}

  @Get('admin/dashboard')
  async dashboard(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('from') from?: string, @Query('to') to?: string) {
    const data = await this.dashboards.dashboard(req.actor!, this.renderer.lang(req), '/admin/dashboard', formDay(from), formDay(to));
    return this.renderer.render(req, reply, 'dashboard', data);
  }

  @Get('admin/councils')
  councilsPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.councilsForm(req, reply, { flash: done ? 'case.done' : undefined });
  }

  private async councilsForm(req: WebRequest, reply: FastifyReply, state: FormState) {
    return this.renderer.renderForm(req, reply, 'admin-councils', await this.views.councilList(req.actor!), state);
  }

  @Post('admin/members')
  async addMember(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    const councilId = formInt(body.councilId);
    const { dto, errors } = await validateForm(CreateMemberDto, { name: formString(body.name).trim(), constituency: formString(body.constituency), termStart: formString(body.termStart) });
    if (!councilId) errors['councilId'] = 'validation.required';
    if (hasErrors(errors)) return this.councilsForm(req, reply, { values: body, errors, status: 400 });
    const { refused } = await attempt(() => this.members.create(req.actor!, councilId!, dto), STAFF_FORM);
    if (refused) return this.councilsForm(req, reply, { values: body, ...refused });
    return reply.redirect('/admin/councils?done=1', 303);
  }

  @Post('staff/council/end')
  async endTerm(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    const { dto, errors } = await validateForm(EndTermDto, { reason: formString(body.reason), endedOn: formString(body.endedOn) });
    return this.memberForm(req, reply, body, 'end', errors, (memberId) => this.members.end(req.actor!, memberId, dto));
  }

  @Post('staff/council/training')
  async addTraining(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    const { dto, errors } = await validateForm(CreateTrainingDto, { topic: formString(body.topic).trim(), date: formString(body.date) });
    return this.memberForm(req, reply, body, 'training', errors, (memberId) => this.members.addTraining(req.actor!, memberId, dto));
  }

  @Post('staff/council/renew')
  async renewTerm(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    // A renewal is a new term of the same member; the constituency carries over from the last term.
    const { dto, errors } = await validateForm(AddTermDto, { termStart: formString(body.termStart) });
    return this.memberForm(req, reply, body, 'renew', errors, (memberId) => this.members.addTerm(req.actor!, memberId, dto));
  }

  /** The three forms of the council page (end a term early, record a training, renew a term); their fields are named `which.field`. */
  private async memberForm(req: WebRequest, reply: FastifyReply, body: FormBody, which: string, dtoErrors: FieldErrors, run: (memberId: number) => Promise<unknown>) {
    const councilId = formInt(body.councilId);
    if (!councilId) return reply.redirect('/admin/councils', 303);
    const memberId = formInt(body.memberId);
    const errors = { ...dtoErrors };
    if (!memberId) errors.memberId = 'validation.required';
    const { refused } = hasErrors(errors) ? { refused: { errors, status: 400 } } : await attempt(() => run(memberId!), STAFF_FORM);
    if (!refused) return reply.redirect(`/staff/council?id=${councilId}&done=1`, 303);
    const data = await this.memberViews.council(req.actor!, councilId);
    return this.renderer.renderForm(req, reply, 'council', { ...data, which }, { values: body, ...refused, errors: prefixed(refused.errors, which) });
  }

  @Get('admin/facilities')
  facilitiesPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.facilitiesForm(req, reply, { flash: done ? 'case.done' : undefined });
  }

  private async facilitiesForm(req: WebRequest, reply: FastifyReply, state: FormState) {
    return this.renderer.renderForm(req, reply, 'admin-facilities', await this.views.facilityList(req.actor!), state);
  }

  @Post('admin/facilities')
  async addFacility(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    const { dto, errors } = await validateForm(CreateFacilityDto, { ...facilityForm(body), parentId: formInt(body.parentId) });
    if (hasErrors(errors)) return this.facilitiesForm(req, reply, { values: body, errors, status: 400 });
    const { refused } = await attempt(() => this.facilities.create(req.actor!, dto), STAFF_FORM);
    if (refused) return this.facilitiesForm(req, reply, { values: body, ...refused });
    return reply.redirect('/admin/facilities?done=1', 303);
  }

  @Get('admin/facilities/:id/edit')
  async editFacilityPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number) {
    const data = await this.views.facilityEdit(req.actor!, id);
    return this.renderer.renderForm(req, reply, 'admin-facility-edit', data, { values: facilityValues(data.facility) });
  }

  @Post('admin/facilities/:id')
  async updateFacility(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: FormBody) {
    const parentRaw = formString(body.parentId).trim();
    // An empty choice removes the parent (top of the ladder); anything unreadable is reported, not dropped.
    const { dto, errors } = await validateForm(UpdateFacilityDto, { ...facilityForm(body), parentId: parentRaw === '' ? null : (formInt(parentRaw) ?? parentRaw) });
    const { refused } = hasErrors(errors) ? { refused: { errors, status: 400 } } : await attempt(() => this.facilities.update(req.actor!, id, dto), STAFF_RECORD_FORM);
    if (!refused) return reply.redirect('/admin/facilities?done=1', 303);
    return this.renderer.renderForm(req, reply, 'admin-facility-edit', await this.views.facilityEdit(req.actor!, id), { values: body, ...refused });
  }

  @Get('admin/users')
  usersPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    return this.usersForm(req, reply, { flash: done ? 'case.done' : undefined });
  }

  private async usersForm(req: WebRequest, reply: FastifyReply, state: FormState) {
    return this.renderer.renderForm(req, reply, 'admin-users', await this.views.accounts(req.actor!), state);
  }

  @Post('admin/users')
  async addUser(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    const role = formString(body.role);
    const { dto, errors } = await validateForm(CreateUserDto, {
      email: formString(body.email).trim(),
      password: formString(body.password),
      role,
      memberId: role === 'kpac_member' ? formInt(body.memberId) : undefined,
      facilityId: role === 'facility_admin' ? formInt(body.facilityId) : undefined,
      language: formString(body.language) || undefined,
    });
    const { password: _omit, ...kept } = body;
    if (hasErrors(errors)) return this.usersForm(req, reply, { values: kept, errors, status: 400 });
    return this.accountAction(req, reply, () => this.users.create(req.actor!, dto), STAFF_FORM, kept);
  }

  @Post('admin/users/:id/active')
  async setUserActive(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: FormBody) {
    const raw = formString(body.active);
    const { dto, errors } = await validateForm(UpdateUserDto, { active: raw === 'true' ? true : raw === 'false' ? false : raw });
    if (hasErrors(errors)) return this.usersForm(req, reply, { errors: { form: 'validation.invalid' }, status: 400 });
    return this.accountAction(req, reply, () => this.users.update(req.actor!, id, dto), STAFF_RECORD_FORM);
  }

  /** The language of an account's notifications; empty: the usual one of the council's city. Sessions stay. */
  @Post('admin/users/language')
  async setUserLanguage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: FormBody) {
    const id = formInt(body.userId);
    const raw = formString(body.language);
    const { dto, errors } = await validateForm(UpdateUserDto, { language: raw === '' ? null : raw });
    if (!id || hasErrors(errors)) return this.usersForm(req, reply, { errors: { form: 'validation.invalid' }, status: 400 });
    return this.accountAction(req, reply, () => this.users.update(req.actor!, id, dto), STAFF_RECORD_FORM);
  }

  /** A lost phone: the account's second factor goes (audited), and it sets one up again at its next login. */
  @Post('admin/users/:id/2fa/reset')
  resetSecondFactor(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number) {
    return this.accountAction(req, reply, () => this.users.resetSecondFactor(req.actor!, id), STAFF_RECORD_FORM);
  }

  private async accountAction(req: WebRequest, reply: FastifyReply, run: () => Promise<unknown>, form: FormWords, values: FormBody = {}) {
    const { refused } = await attempt(run, form);
    if (refused) return this.usersForm(req, reply, { values, ...refused });
    return reply.redirect('/admin/users?done=1', 303);
  }

  @Get('admin/audit')
  async auditPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('cursor') cursor?: string) {
    return this.renderer.render(req, reply, 'admin-audit', await this.views.auditTrail(formInt(cursor)));
  }
}

/** The fields the new-facility and edit forms share, shaped as the DTOs take them. */
function facilityForm(body: FormBody) {
  return {
    name: formString(body.name).trim(),
    cityId: formInt(body.cityId),
    type: formString(body.type),
    contactEmails: formString(body.contactEmails)
      .split(/[\s,;]+/)
      .filter(Boolean),
    language: formString(body.language),
    slaDays: formInt(body.slaDays),
  };
}

/** A facility as its edit form shows it. */
function facilityValues(f: FacilityDetail): Record<string, unknown> {
  return { name: f.name, cityId: f.cityId, type: f.type, parentId: f.parentId ?? '', contactEmails: f.contactEmails.join(', '), language: f.language, slaDays: f.slaDays };
}

/** Field names as the council page's forms name them (`end.reason`); the line above the forms stays. */
function prefixed(errors: FieldErrors, which: string): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === 'form' ? k : `${which}.${k}`, v]));
}
