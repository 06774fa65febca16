import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { complaintListScope, councilListScope } from '../access/access-policy';
import { Public } from '../auth/auth.decorators';
import { ParseIdPipe } from '../common/parse-id.pipe';
import { CATEGORIES } from '../complaints/complaint.constants';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';
import { ComplaintsService } from '../complaints/complaints.service';
import { ReopenDto, ResolutionDto, RevealContactDto, TriageDto } from '../complaints/dto/complaint-actions.dto';
import { StaffComplaintDto } from '../complaints/dto/create-complaint.dto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CreateEscalationDto } from '../escalations/escalation.dto';
import { EscalationsService } from '../escalations/escalations.service';
import { ComplaintPageViews } from './complaint-page-views.service';
import { DashboardViews } from './dashboard-views.service';
import { BOARD_STATUSES, MemberViews } from './member-views.service';
import { HANDOFF_TTL_MS, PageHandoffs } from './page-handoff.service';
import { secureCookies } from './web-cookies';
import { attempt, FormWords, STAFF_FORM } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { complaintFormBody, complaintFormErrors, complaintFormValues, formDay, formInt, formOptional, formString, hasErrors } from './web-forms';
import { FormState, WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { StaffPage, WebGuard } from './web.guard';

/** A workflow action refused: the case changed meanwhile, or a rule about a field (e.g. a summary copying the complaint). */
const CASE_ACTION: FormWords = { codes: { CONFLICT: 'error.conflictHelp', INVALID_TRANSITION: 'error.conflictHelp', VALIDATION: 'validation.generic' } };
/** The complainant did not allow contact: a member is refused; an admin must give a reason. */
const REVEAL: FormWords = { field: 'revealReason', codes: { VALIDATION: 'case.revealReasonRequired', FORBIDDEN: 'case.revealNotAllowed' } };

type Contact = { phone?: string; email?: string; other?: string } | null;

const INTAKE_COOKIE = 'kpac_intake_done';
const INTAKE_DONE_PATH = '/staff/intake/done';

/**
 * Council members' (and admins') pages: the triage board, a complaint's page with its workflow
 * actions, the council, paper intake, the city's dashboard. The admin's council forms are in
 * admin-pages.controller.ts with the other council forms.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller('staff')
export class MemberPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly views: MemberViews,
    private readonly caseViews: ComplaintPageViews,
    private readonly complaints: ComplaintsService,
    private readonly escalations: EscalationsService,
    private readonly dashboards: DashboardViews,
    private readonly intake: ComplaintIntakeService,
    private readonly handoffs: PageHandoffs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @StaffPage('kpac_member', 'admin')
  async board(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query() query: Record<string, string>) {
    const filters = {
      status: (BOARD_STATUSES as readonly string[]).includes(query.status) ? query.status : '',
      category: (CATEGORIES as readonly string[]).includes(query.category) ? query.category : '',
      facility: String(formInt(query.facility) || ''),
      city: String(formInt(query.city) || ''),
      from: formDay(query.from) ?? '',
      to: formDay(query.to) ?? '',
    };
    return this.renderer.render(req, reply, 'board', await this.views.board(req.actor!, filters));
  }

  /** A member's own council; an admin names one (from the councils page). */
  @Get('council')
  @StaffPage('kpac_member', 'admin')
  async council(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('id') idRaw?: string, @Query('done') done?: string) {
    const councilId = councilListScope(req.actor!).councilId ?? formInt(idRaw);
    if (!councilId) return reply.redirect('/admin/councils', 303);
    return this.renderer.renderForm(req, reply, 'council', await this.views.council(req.actor!, councilId), { flash: done ? 'case.done' : undefined });
  }

  @Get('dashboard')
  @StaffPage('kpac_member')
  async dashboard(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('from') from?: string, @Query('to') to?: string) {
    const data = await this.dashboards.dashboard(req.actor!, this.renderer.lang(req), '/staff/dashboard', formDay(from), formDay(to));
    return this.renderer.render(req, reply, 'dashboard', data);
  }

  /** A complaint taken on paper, by phone or in outreach, entered by a member (their own city) or an admin. */
  @Get('intake')
  @StaffPage('kpac_member', 'admin')
  intakePage(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    return this.intakeForm(req, reply, { values: { channel: 'paper_form' } });
  }

  private async intakeForm(req: WebRequest, reply: FastifyReply, state: FormState) {
    return this.renderer.renderForm(req, reply, 'intake', await this.views.intakeForm(req.actor!), state);
  }

  @Post('intake')
  @StaffPage('kpac_member', 'admin')
  async intakeSubmit(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const actor = req.actor!;
    const ownCity = complaintListScope(actor)?.cityId;
    const values = {
      ...complaintFormValues(body),
      // A member's complaints are always for their own city, whatever the form says.
      cityId: ownCity !== undefined ? String(ownCity) : formString(body.cityId),
      channel: formString(body.channel),
      receivedAt: formString(body.receivedAt),
      slipReference: formString(body.slipReference),
    };
    const { dto, errors } = await validateForm(StaffComplaintDto, {
      ...complaintFormBody(values),
      channel: values.channel,
      receivedAt: formOptional(values.receivedAt),
      slipReference: formOptional(values.slipReference),
    });
    const fieldErrors = complaintFormErrors(errors);
    if (fieldErrors['phone'] === 'validation.generic') fieldErrors['phone'] = 'validation.phone';
    if (hasErrors(fieldErrors)) return this.intakeForm(req, reply, { values, errors: fieldErrors, status: 400 });
    const { done, refused } = await attempt(() => this.intake.submitStaff(actor, dto), STAFF_FORM);
    if (refused) return this.intakeForm(req, reply, { values, ...refused });
    // The cookie holds a random id only; the code stays in a one-device record, for this account.
    const handoff = await this.handoffs.create('intake-done', { ...done, userId: actor.userId });
    reply.setCookie(INTAKE_COOKIE, handoff, {
      path: INTAKE_DONE_PATH,
      httpOnly: true,
      sameSite: 'strict',
      secure: secureCookies(this.config),
      maxAge: HANDOFF_TTL_MS / 1000,
    });
    return reply.redirect(INTAKE_DONE_PATH, 303);
  }

  /** The tracking code, for the member to hand to the person; shown again on a reload for a short while. */
  @Get('intake/done')
  @StaffPage('kpac_member', 'admin')
  async intakeDone(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('view') view?: string) {
    const result = await this.handoffs.read<{ id?: number; reference: string; trackingCode: string | null; userId: number | null }>('intake-done', req.cookies?.[INTAKE_COOKIE]);
    if (!result || result.userId !== req.actor!.userId) return reply.redirect('/staff', 303);
    return this.renderer.render(req, reply, 'intake-done', { result, print: view === 'print', script: true });
  }

  @Get('complaints/:id')
  @StaffPage('kpac_member', 'admin')
  complaint(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Query('done') done?: string, @Query('escalateTo') escalateTo?: string) {
    return this.casePage(req, reply, id, { values: { escalateTo }, flash: done ? 'case.done' : undefined });
  }

  /** `contact` only on the answer to a reveal: the details are never stored in a page URL. */
  private async casePage(req: WebRequest, reply: FastifyReply, id: number, state: FormState, contact?: Contact) {
    const data = await this.caseViews.page(req.actor!, id, state.values ?? {});
    const t = this.renderer.translator(this.renderer.lang(req));
    return this.renderer.renderForm(req, reply, 'complaint', { ...data, pageTitle: t('case.title', { reference: data.c.reference }), contact }, state);
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
    if (hasErrors(errors)) return this.casePage(req, reply, id, { values: body, errors, status: 400 });
    return this.act(req, reply, id, body, () => this.complaints.triage(req.actor!, id, dto));
  }

  @Post('complaints/:id/escalate')
  @StaffPage('kpac_member', 'admin')
  async escalate(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const { dto, errors } = await validateForm(CreateEscalationDto, { facilityId: formInt(body.facilityId), summary: formString(body.summary) });
    if (errors['facilityId']) errors['facilityId'] = 'validation.required';
    if (hasErrors(errors)) return this.casePage(req, reply, id, { values: body, errors, status: 400 });
    return this.act(req, reply, id, body, () => this.escalations.escalate(req.actor!, id, dto));
  }

  @Post('complaints/:id/resolve')
  @StaffPage('kpac_member', 'admin')
  async resolve(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const outcome = formString(body.outcome);
    const plain = {
      outcome,
      declineReason: outcome === 'unresolved_client_declined' ? formOptional(body.declineReason) : undefined,
      note: formOptional(body.note),
      publicNote: formOptional(body.publicNote),
      version: formInt(body.version),
    };
    const { dto, errors } = await validateForm(ResolutionDto, plain);
    if (errors['outcome']) errors['outcome'] = 'validation.required';
    if (outcome === 'unresolved_client_declined' && !plain.declineReason) errors['declineReason'] = 'validation.required';
    if (hasErrors(errors)) return this.casePage(req, reply, id, { values: body, errors, status: 400 });
    return this.act(req, reply, id, body, () => this.complaints.resolve(req.actor!, id, dto));
  }

  @Post('complaints/:id/reopen')
  @StaffPage('kpac_member', 'admin')
  async reopen(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const { dto, errors } = await validateForm(ReopenDto, { note: formOptional(body.reopenNote), version: formInt(body.version) });
    if (hasErrors(errors)) return this.casePage(req, reply, id, { values: body, errors: { reopenNote: 'validation.tooLong' }, status: 400 });
    return this.act(req, reply, id, body, () => this.complaints.reopen(req.actor!, id, dto));
  }

  /** The reveal is a POST (audited state change); the details are shown on this response only. */
  @Post('complaints/:id/contact')
  @StaffPage('kpac_member', 'admin')
  async reveal(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const { dto, errors } = await validateForm(RevealContactDto, { reason: formOptional(body.revealReason) });
    if (errors.reason) return this.casePage(req, reply, id, { values: body, errors: { revealReason: errors.reason }, status: 400 });
    const { done, refused } = await attempt(() => this.complaints.revealContact(req.actor!, id, dto), REVEAL);
    if (refused) return this.casePage(req, reply, id, { values: body, ...refused });
    return this.casePage(req, reply, id, {}, done.contact ?? null);
  }

  /** Runs a workflow action, then redirects (PRG); a refused action shows the page again with the reason. */
  private async act(req: WebRequest, reply: FastifyReply, id: number, body: Record<string, unknown>, run: () => Promise<unknown>) {
    const { refused } = await attempt(run, CASE_ACTION);
    if (refused) return this.casePage(req, reply, id, { values: body, ...refused });
    return reply.redirect(`/staff/complaints/${id}?done=1`, 303);
  }
}
