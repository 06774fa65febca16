import { ParseIdPipe } from '../common/parse-id.pipe';
import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { In } from 'typeorm';
import type { Actor } from '../auth/actor';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../common/domain-errors';
import { AGE_GROUPS, CATEGORIES, CHANNELS, DECLINE_REASONS, GENDERS, KEY_POPULATIONS, OUTCOMES, PRIORITIES, REJECT_REASONS, RESPONSIBLE_PARTY_TYPES } from '../complaints/complaint.constants';
import { ComplaintsService } from '../complaints/complaints.service';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';
import { StaffComplaintDto } from '../complaints/dto/create-complaint.dto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { secureCookies } from './web-cookies';
import { ReopenDto, ResolutionDto, RevealContactDto, TriageDto } from '../complaints/dto/complaint-actions.dto';
import { canEscalateTo, complaintListScope, contactRevealAccess } from '../access/access-policy';
import { ComplaintQueryDto } from '../complaints/dto/complaint-query.dto';
import { City } from '../councils/city.entity';
import { CouncilsService } from '../councils/councils.service';
import { TERM_END_REASONS } from '../councils/council.constants';
import { AddTermDto, CreateTrainingDto, EndTermDto } from '../councils/dto/member.dto';
import { MembersService } from '../councils/members.service';
import { Training } from '../councils/training.entity';
import { Database } from '../database/database.service';
import { CreateEscalationDto } from '../escalations/escalation.dto';
import { EscalationsRepository, EscalationView } from '../escalations/escalations.repository';
import { EscalationsService } from '../escalations/escalations.service';
import { Facility } from '../facilities/facility.entity';
import { FieldErrors, refusalOf } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { complaintFormBody, complaintFormValues, formInt, formOptional, formString } from './web-forms';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { StaffPage, WebGuard } from './web.guard';
import { HANDOFF_TTL_MS, PageHandoffs } from './page-handoff.service';

type Summary = Awaited<ReturnType<ComplaintsService['list']>>['items'][number];
const BOARD_LIMIT = 50;
const INTAKE_COOKIE = 'kpac_intake_done';
const INTAKE_DONE_PATH = '/staff/intake/done';

/** Council members' (and admins') pages: the triage board, a complaint with its actions, the council. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('staff')
export class StaffPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly complaints: ComplaintsService,
    private readonly escalations: EscalationsService,
    private readonly escalationsRepo: EscalationsRepository,
    private readonly councils: CouncilsService,
    private readonly db: Database,
    private readonly members: MembersService,
    private readonly intake: ComplaintIntakeService,
    private readonly handoffs: PageHandoffs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @StaffPage('kpac_member', 'admin')
  async board(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query() query: Record<string, string>) {
    const actor = req.actor!;
    const filters = {
      category: (CATEGORIES as readonly string[]).includes(query.category) ? query.category : '',
      facility: formInt(query.facility) ? String(formInt(query.facility)) : '',
      city: actor.kind === 'admin' && formInt(query.city) ? String(formInt(query.city)) : '',
      from: /^\d{4}-\d{2}-\d{2}$/.test(query.from ?? '') ? query.from : '',
      to: /^\d{4}-\d{2}-\d{2}$/.test(query.to ?? '') ? query.to : '',
    };
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
    const overdueEsc = (await this.escalationsRepo.list(actor, { responseState: 'overdue', limit: 200 })).items;
    const overdueIds = new Set(overdueEsc.map((e) => e.complaintId));
    const columns: { key: string; items: Summary[] }[] = [
      { key: 'colNew', items: received },
      { key: 'colInReview', items: inReview },
      { key: 'colEscalated', items: escalated.filter((c) => !overdueIds.has(c.id)) },
      { key: 'colOverdue', items: escalated.filter((c) => overdueIds.has(c.id)) },
      { key: 'colResponded', items: responded },
    ];
    const ownCity = complaintListScope(actor)?.cityId;
    const facilities = await this.db.manager.find(Facility, {
      where: ownCity !== undefined ? { cityId: ownCity } : {},
      order: { name: 'ASC' },
      select: { id: true, name: true, cityId: true },
    });
    const cities = await this.db.manager.find(City, { order: { name: 'ASC' } });
    const memberCity = ownCity !== undefined ? (cities.find((c) => c.id === ownCity) ?? null) : null;
    return this.renderer.render(req, reply, 'board', {
      memberCity,
      columns,
      filters,
      categories: CATEGORIES,
      facilities,
      facilityName: new Map(facilities.map((f) => [f.id, f.name])),
      cities: actor.kind === 'admin' ? cities : [],
      cityById: new Map(cities.map((c) => [c.id, c])),
    });
  }

  @Get('complaints/:id')
  @StaffPage('kpac_member', 'admin')
  async complaint(
    @Req() req: WebRequest,
    @Res() reply: FastifyReply,
    @Param('id', ParseIdPipe) id: number,
    @Query('done') done?: string,
    @Query('escalateTo') escalateTo?: string,
  ) {
    return this.renderComplaint(req, reply, id, { escalateTo }, {}, 200, done ? 'case.done' : undefined);
  }

  private async renderComplaint(
    req: WebRequest,
    reply: FastifyReply,
    id: number,
    values: Record<string, unknown>,
    errors: FieldErrors,
    status = 200,
    flash?: string,
    contact?: { phone?: string; email?: string; other?: string } | null,
  ) {
    const actor = req.actor!;
    const c = await this.complaints.detail(actor, id);
    const escalations: EscalationView[] = (await this.escalationsRepo.list(actor, { complaintId: id, limit: 50 })).items;
    const city = await this.db.manager.findOne(City, { where: { id: c.cityId } });
    const facilities = await this.db.manager.find(Facility, { order: { name: 'ASC' }, select: { id: true, name: true, cityId: true, type: true, language: true } });
    const targets = facilities.filter((f) => canEscalateTo(actor, c, f));
    const facility = c.facilityId ? facilities.find((f) => f.id === c.facilityId) : null;
    const t = this.renderer.translator(this.renderer.lang(req));
    // The facility the summary is prepared for: the one chosen (Prepare), else the last one used, else the named one.
    const wanted = [formInt(values.facilityId), formInt(values.escalateTo), escalations[0]?.facilityId, c.facilityId ?? undefined, targets[0]?.id];
    const chosen = wanted.map((w) => targets.find((f) => f.id === w)).find((f) => f) ?? null;
    const draft = c.allowedActions.includes('escalate') && chosen ? await this.escalations.draft(actor, id, chosen.id) : null;
    return this.renderer.render(
      req,
      reply,
      'complaint',
      {
        pageTitle: t('case.title', { reference: c.reference }),
        c,
        caseCity: city,
        facilityName: facility?.name ?? null,
        escalations,
        escalationFacilities: targets,
        draft,
        allowed: new Set(c.allowedActions),
        canReveal: c.hasContact && !c.contactErasedAt,
        revealNeedsReason: contactRevealAccess(actor, c) === 'with_reason',
        mayReveal: contactRevealAccess(actor, c) !== 'refused',
        contact,
        rejectReasons: REJECT_REASONS,
        outcomes: OUTCOMES,
        declineReasons: DECLINE_REASONS,
        priorities: PRIORITIES,
        categories: CATEGORIES,
        values,
        errors,
        flash,
      },
      status,
    );
  }

  @Post('complaints/:id/triage')
  @StaffPage('kpac_member', 'admin')
  async triage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const decision = formString(body.decision);
    const plain = {
      decision,
      reason: decision === 'reject' ? formOptional(body.reason) : undefined,
      category: decision === 'accept' ? formOptional(body.category) : undefined,
      priority: decision === 'accept' ? formOptional(body.priority) : undefined,
      version: formInt(body.version),
    };
    const { dto, errors } = await validateForm(TriageDto, plain);
    if (decision === 'reject' && !plain.reason) errors['reason'] = 'validation.required';
    if (Object.keys(errors).length) return this.renderComplaint(req, reply, id, body, errors, 400);
    return this.act(req, reply, id, body, () => this.complaints.triage(req.actor!, id, dto));
  }

  @Post('complaints/:id/escalate')
  @StaffPage('kpac_member', 'admin')
  async escalate(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const { dto, errors } = await validateForm(CreateEscalationDto, { facilityId: formInt(body.facilityId), summary: formString(body.summary) });
    if (errors['facilityId']) errors['facilityId'] = 'validation.required';
    if (Object.keys(errors).length) return this.renderComplaint(req, reply, id, body, errors, 400);
    return this.act(req, reply, id, body, () => this.escalations.escalate(req.actor!, id, dto), 'facilityId');
  }

  @Post('complaints/:id/resolve')
  @StaffPage('kpac_member', 'admin')
  async resolve(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const outcome = formString(body.outcome);
    const plain = {
      outcome,
      declineReason: outcome === 'unresolved_client_declined' ? formOptional(body.declineReason) : undefined,
      note: formOptional(body.note),
      version: formInt(body.version),
    };
    const { dto, errors } = await validateForm(ResolutionDto, plain);
    if (errors['outcome']) errors['outcome'] = 'validation.required';
    if (outcome === 'unresolved_client_declined' && !plain.declineReason) errors['declineReason'] = 'validation.required';
    if (Object.keys(errors).length) return this.renderComplaint(req, reply, id, body, errors, 400);
    return this.act(req, reply, id, body, () => this.complaints.resolve(req.actor!, id, dto));
  }

  @Post('complaints/:id/reopen')
  @StaffPage('kpac_member', 'admin')
  async reopen(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const { dto, errors } = await validateForm(ReopenDto, { note: formOptional(body.reopenNote), version: formInt(body.version) });
    if (Object.keys(errors).length) return this.renderComplaint(req, reply, id, body, { reopenNote: 'validation.tooLong' }, 400);
    return this.act(req, reply, id, body, () => this.complaints.reopen(req.actor!, id, dto));
  }

  /** The reveal is a POST (audited state change); the details are shown on this response only, never stored in a page URL. */
  @Post('complaints/:id/contact')
  @StaffPage('kpac_member', 'admin')
  async reveal(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const { dto, errors } = await validateForm(RevealContactDto, { reason: formOptional(body.revealReason) });
    if (errors.reason) return this.renderComplaint(req, reply, id, body, { revealReason: errors.reason }, 400);
    try {
      const { contact } = await this.complaints.revealContact(req.actor!, id, dto);
      return this.renderComplaint(req, reply, id, {}, {}, 200, undefined, contact ?? null);
    } catch (err) {
      // The complainant did not allow contact: a member is refused; an admin must give a reason.
      if (err instanceof DomainError && (err.code === 'VALIDATION' || err.code === 'FORBIDDEN')) {
        return this.renderComplaint(req, reply, id, body, { revealReason: err.code === 'VALIDATION' ? 'case.revealReasonRequired' : 'case.revealNotAllowed' }, err.status);
      }
      throw err;
    }
  }

  /** Runs a workflow action, then redirects (PRG); a refused action re-renders the page with the reason. */
  private async act(req: WebRequest, reply: FastifyReply, id: number, body: Record<string, unknown>, run: () => Promise<unknown>, validationField = 'form') {
    try {
      await run();
    } catch (err) {
      if (err instanceof DomainError && ['CONFLICT', 'INVALID_TRANSITION'].includes(err.code)) {
        return this.renderComplaint(req, reply, id, body, { form: 'error.conflictHelp' }, 409);
      }
      if (err instanceof DomainError && err.code === 'VALIDATION') {
        return this.renderComplaint(req, reply, id, body, { [validationField]: 'validation.generic' }, 400);
      }
      // A refusal that names its field and reason (e.g. a summary copying the complaint) is shown next to that field.
      if (err instanceof DomainError && err.code === 'UNPROCESSABLE' && err.field && err.reason) {
        return this.renderComplaint(req, reply, id, body, { [err.field]: `refusal.${err.reason}` }, 422);
      }
      throw err;
    }
    return reply.redirect(`/staff/complaints/${id}?done=1`, 303);
  }

  @Get('council')
  @StaffPage('kpac_member', 'admin')
  async council(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('id') idRaw?: string, @Query('done') done?: string) {
    const actor: Actor = req.actor!;
    const councilId = actor.kind === 'kpac_member' ? actor.councilId! : formInt(idRaw);
    if (!councilId) return reply.redirect('/admin/councils', 303);
    return this.renderCouncil(req, reply, councilId, { flash: done ? 'case.done' : undefined });
  }

  private async renderCouncil(
    req: WebRequest,
    reply: FastifyReply,
    councilId: number,
    state: { which?: string; values?: Record<string, unknown>; errors?: FieldErrors; refusal?: string; flash?: string },
    status = 200,
  ) {
    const actor: Actor = req.actor!;
    const council = await this.councils.get(actor, councilId);
    const memberIds = [...new Set([...council.seatHolders, ...council.upcomingTerms].map((s) => s.memberId))];
    const trainings = memberIds.length ? await this.db.manager.find(Training, { where: { memberId: In(memberIds) }, order: { date: 'DESC' } }) : [];
    const endingSoon = new Set(council.termsEndingSoon.map((t) => t.termId));
    return this.renderer.render(
      req,
      reply,
      'council',
      {
        council,
        trainings,
        endingSoon,
        canManage: actor.kind === 'admin',
        endReasons: TERM_END_REASONS,
        which: state.which,
        values: state.values ?? {},
        errors: state.errors ?? {},
        refusal: state.refusal,
        flash: state.flash,
      },
      status,
    );
  }

  /** The three council-page forms of an admin: end a term early, record a training, renew a term. */
  private async memberAction(
    req: WebRequest,
    reply: FastifyReply,
    body: Record<string, unknown>,
    which: 'end' | 'training' | 'renew',
    run: (memberId: number) => Promise<{ dtoErrors: FieldErrors; apply?: () => Promise<unknown> }>,
  ) {
    const councilId = formInt(body.councilId);
    if (!councilId) return reply.redirect('/admin/councils', 303);
    const memberId = formInt(body.memberId);
    const errors: FieldErrors = {};
    const { dtoErrors, apply } = await run(memberId ?? 0);
    for (const [k, v] of Object.entries(dtoErrors)) errors[`${which}.${k}`] = v;
    if (!memberId) errors[`${which}.memberId`] = 'validation.required';
    if (Object.keys(errors).length) return this.renderCouncil(req, reply, councilId, { which, values: body, errors }, 400);
    try {
      await apply!();
    } catch (err) {
      const refused = refusalOf(err);
      return this.renderCouncil(req, reply, councilId, { which, values: body, errors: { form: 'admin.refused' }, refusal: refused.message }, refused.status);
    }
    return reply.redirect(`/staff/council?id=${councilId}&done=1`, 303);
  }

  @Post('council/end')
  @StaffPage('admin')
  async endTerm(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    return this.memberAction(req, reply, body, 'end', async (memberId) => {
      const { dto, errors } = await validateForm(EndTermDto, { reason: formString(body.reason), endedOn: formString(body.endedOn) });
      return { dtoErrors: errors, apply: () => this.members.end(req.actor!, memberId, dto) };
    });
  }

  @Post('council/training')
  @StaffPage('admin')
  async addTraining(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    return this.memberAction(req, reply, body, 'training', async (memberId) => {
      const { dto, errors } = await validateForm(CreateTrainingDto, { topic: formString(body.topic).trim(), date: formString(body.date) });
      return { dtoErrors: errors, apply: () => this.members.addTraining(req.actor!, memberId, dto) };
    });
  }

  @Post('council/renew')
  @StaffPage('admin')
  async renewTerm(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    return this.memberAction(req, reply, body, 'renew', async (memberId) => {
      // A renewal is a new term of the same member; the constituency carries over from the last term.
      const { dto, errors } = await validateForm(AddTermDto, { termStart: formString(body.termStart) });
      return { dtoErrors: errors, apply: () => this.members.addTerm(req.actor!, memberId, dto) };
    });
  }

  /** A complaint taken on paper, by phone or in outreach, entered by a member (their own city) or an admin. */
  @Get('intake')
  @StaffPage('kpac_member', 'admin')
  intakePage(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    return this.renderIntake(req, reply, { channel: 'paper_form' }, {});
  }

  private async renderIntake(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, status = 200, refusal?: string) {
    const actor: Actor = req.actor!;
    const ownCity = complaintListScope(actor)?.cityId;
    const cities = await this.db.manager.find(City, { where: ownCity !== undefined ? { id: ownCity } : {}, order: { name: 'ASC' } });
    const facilities = await this.db.manager.find(Facility, { where: ownCity !== undefined ? { cityId: ownCity } : {}, order: { name: 'ASC' } });
    return this.renderer.render(
      req,
      reply,
      'intake',
      {
        cities,
        facilities,
        cityById: new Map(cities.map((c) => [c.id, c])),
        fixedCity: ownCity !== undefined ? cities[0] : null,
        channels: CHANNELS.filter((c) => c !== 'web'),
        categories: CATEGORIES,
        keyPopulations: KEY_POPULATIONS,
        genders: GENDERS,
        ageGroups: AGE_GROUPS,
        parties: RESPONSIBLE_PARTY_TYPES,
        values,
        errors,
        refusal,
      },
      status,
    );
  }

  @Post('intake')
  @StaffPage('kpac_member', 'admin')
  async intakeSubmit(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const actor: Actor = req.actor!;
    const values = {
      ...complaintFormValues(body),
      // A member's complaints are always for their own city, whatever the form says.
      cityId: complaintListScope(actor)?.cityId !== undefined ? String(complaintListScope(actor)!.cityId) : formString(body.cityId),
      channel: formString(body.channel),
      receivedAt: formString(body.receivedAt),
    };
    const { dto, errors } = await validateForm(StaffComplaintDto, {
      ...complaintFormBody(values),
      channel: values.channel,
      receivedAt: formOptional(values.receivedAt),
    });
    const fieldErrors: FieldErrors = {};
    for (const [k, v] of Object.entries(errors)) fieldErrors[k === 'contact.other' ? 'otherContact' : k.startsWith('contact.') ? k.slice(8) : k] ??= v;
    if (Object.keys(fieldErrors).length) return this.renderIntake(req, reply, values, fieldErrors, 400);
    try {
      const result = await this.intake.submitStaff(actor, dto);
      // The cookie holds a random id only; the code stays in a one-device record, for this account.
      const handoff = await this.handoffs.create('intake-done', { ...result, userId: actor.userId });
      reply.setCookie(INTAKE_COOKIE, handoff, {
        path: INTAKE_DONE_PATH,
        httpOnly: true,
        sameSite: 'strict',
        secure: secureCookies(this.config),
        maxAge: HANDOFF_TTL_MS / 1000,
      });
      return reply.redirect(INTAKE_DONE_PATH, 303);
    } catch (err) {
      const refused = refusalOf(err);
      return this.renderIntake(req, reply, values, { form: 'admin.refused' }, refused.status, refused.message);
    }
  }

  /** The tracking code, for the member to hand to the person; shown again on a reload for a short while. */
  @Get('intake/done')
  @StaffPage('kpac_member', 'admin')
  async intakeDone(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    const result = await this.handoffs.read<{ id?: number; reference: string; trackingCode: string; userId: number | null }>('intake-done', req.cookies?.[INTAKE_COOKIE]);
    if (!result || result.userId !== req.actor!.userId) return reply.redirect('/staff', 303);
    return this.renderer.render(req, reply, 'intake-done', { result });
  }
}
