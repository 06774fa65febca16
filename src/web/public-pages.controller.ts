import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';
import { ComplaintTrackingService, TrackView } from '../complaints/complaint-tracking.service';
import { PublicComplaintDto } from '../complaints/dto/create-complaint.dto';
import { FeedbackDto } from '../complaints/dto/feedback.dto';
import { ConfirmComplaintDto, TrackComplaintDto } from '../complaints/dto/track-complaint.dto';
import { FeedbackService } from '../complaints/feedback.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { HANDOFF_TTL_MS, PageHandoffs } from './page-handoff.service';
import { PublicViews } from './public-views.service';
import { secureCookies } from './web-cookies';
import { attempt, FieldErrors, FormWords } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import {
  applyConsentAnswer,
  complaintFormBody,
  complaintFormErrors,
  complaintFormValues,
  ConsentQuestion,
  consentQuestion,
  formInt,
  formOptional,
  formString,
  hasErrors,
  RATINGS,
} from './web-forms';
import { LANG_COOKIE, parseLang, safeNext, WebLang } from './web-i18n';
import { FormState, WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { WebGuard } from './web.guard';

/**
 * Cookies carrying a random id from a form post to the page that shows its result (PRG without
 * secrets in URLs or cookies): the reference and code stay in a one-device record (PageHandoffs).
 */
const DONE_COOKIE = 'kpac_done';
const TRACK_COOKIE = 'kpac_track';
type Tracked = { reference: string; trackingCode: string; flash?: string };

/** The intake's own checks (a date not in the future, a facility of the city) name their field. */
const COMPLAINT_FORM: FormWords = { codes: {} };
const TRACK_FORM: FormWords = { codes: { NOT_FOUND: 'track.notFound' } };
const FEEDBACK_FORM: FormWords = { field: 'facilityId', codes: { VALIDATION: 'validation.invalid' } };

/** The public pages for service users: landing, language, complaint form and result, tracking and confirmation, rating. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class PublicPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly views: PublicViews,
    private readonly intake: ComplaintIntakeService,
    private readonly tracking: ComplaintTrackingService,
    private readonly feedback: FeedbackService,
    private readonly handoffs: PageHandoffs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  landing(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    return this.renderer.render(req, reply, 'landing');
  }

  /** Plain links, so the switch works without JavaScript; remembered for a year. */
  @Get('lang/:code')
  switchLanguage(@Param('code') code: string, @Query('next') next: string | undefined, @Res() reply: FastifyReply) {
    const lang = parseLang(code);
    if (lang) this.rememberLang(reply, lang);
    return reply.redirect(safeNext(next, '/', this.config.publicUrl), 303);
  }

  @Get('complain')
  complainPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('city') city?: string) {
    return this.complaintForm(req, reply, { values: { cityId: city ?? '', keyPopulations: [] } });
  }

  private async complaintForm(req: WebRequest, reply: FastifyReply, state: FormState, question: ConsentQuestion | null = null) {
    return this.renderer.renderForm(req, reply, 'complain', { ...(await this.views.complaintForm()), question }, state);
  }

  @Post('complain')
  @UseGuards(ThrottlerGuard)
  async complain(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const answer = formString(body.consentAnswer);
    const values = applyConsentAnswer(complaintFormValues(body), answer);
    // A language button inside the form: the same form again in that language, with what was typed.
    const lang = parseLang(formString(body.switchLang));
    if (lang) {
      this.rememberLang(reply, lang);
      req.webLang = lang;
      return this.complaintForm(req, reply, { values });
    }
    // "Show the services of this city" re-renders the form (the no-JavaScript path of city → facility).
    if (formString(body.action) === 'city') return this.complaintForm(req, reply, { values: { ...values, facilityId: '' } });
    const { dto, errors: dtoErrors } = await validateForm(PublicComplaintDto, { ...complaintFormBody(values), website: formOptional(body.website) });
    const errors = complaintFormErrors(dtoErrors);
    if (errors['cityId']) errors['cityId'] = 'validation.required';
    if (errors['category']) errors['category'] = 'validation.required';
    if (errors['phone'] === 'validation.generic') errors['phone'] = 'validation.phone';
    // Every error of a submission at once: the intake's own checks are worded now too.
    if (hasErrors(errors)) for (const [k, v] of Object.entries(await this.views.complaintChecks(values))) errors[k] ??= v;
    const question = consentQuestion(values, answer);
    if (hasErrors(errors)) return this.complaintForm(req, reply, { values, errors, status: 400 }, question);
    if (question) return this.complaintForm(req, reply, { values }, question);
    const { done, refused } = await attempt(() => this.intake.submitPublic(dto), COMPLAINT_FORM);
    if (refused) return this.complaintForm(req, reply, { values, ...refused });
    const id = await this.handoffs.create('complaint-done', { reference: done.reference, trackingCode: done.trackingCode });
    reply.setCookie(DONE_COOKIE, id, this.handoffCookie('/complain/done'));
    return reply.redirect('/complain/done', 303);
  }

  /** Survives reloads (cheap phones reload tabs) for HANDOFF_TTL_MS, on the submitting device only. */
  @Get('complain/done')
  async done(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('view') view?: string) {
    const result = await this.handoffs.read<{ reference: string; trackingCode: string }>('complaint-done', req.cookies?.[DONE_COOKIE]);
    if (!result) {
      reply.clearCookie(DONE_COOKIE, { path: '/complain/done' });
      return reply.redirect('/track', 303);
    }
    // `?view=print`: the codes alone, for printing or saving as a file (the browser's print menu or the button).
    return this.renderer.render(req, reply, 'complain-done', { result, print: view === 'print', script: true });
  }

  /** `?reference=&code=` (a slip's QR code) only fills the form in: a GET looks nothing up. */
  @Get('track')
  async trackPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('reference') reference?: unknown, @Query('code') code?: unknown) {
    const saved = await this.handoffs.read<Tracked>('track', req.cookies?.[TRACK_COOKIE]);
    if (saved) {
      const values = { reference: saved.reference, trackingCode: saved.trackingCode };
      // A saved lookup that no longer answers (locked out, erased) is forgotten: the empty form again.
      const view = await this.tracking.track(values, req.ip).catch(() => null);
      if (view) return this.trackForm(req, reply, view, { values, flash: saved.flash });
      await this.handoffs.remove(req.cookies?.[TRACK_COOKIE]);
      reply.clearCookie(TRACK_COOKIE, { path: '/track' });
    }
    const prefill = { reference: formString(reference).trim().slice(0, 30), trackingCode: formString(code).trim().slice(0, 60) };
    return this.trackForm(req, reply, null, prefill.reference || prefill.trackingCode ? { values: prefill } : {});
  }

  private trackForm(req: WebRequest, reply: FastifyReply, view: TrackView | null, state: FormState) {
    return this.renderer.renderForm(req, reply, 'track', { view, script: true }, state);
  }

  /** Looks the complaint up and shows it through a redirect, so reloading never re-posts the code. */
  @Post('track')
  @UseGuards(ThrottlerGuard)
  async track(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const values = { reference: formString(body.reference).trim(), trackingCode: formString(body.trackingCode).trim() };
    const { dto, errors } = await validateForm(TrackComplaintDto, values);
    if (errors['reference']) errors['reference'] = 'validation.reference';
    if (!values.reference) errors['reference'] = 'validation.required';
    if (!values.trackingCode) errors['trackingCode'] = 'validation.required';
    if (hasErrors(errors)) return this.trackForm(req, reply, null, { values, errors, status: 400 });
    const { refused } = await attempt(() => this.tracking.track(dto, req.ip), TRACK_FORM);
    if (refused) return this.trackForm(req, reply, null, { values, ...refused });
    await this.handoffs.remove(req.cookies?.[TRACK_COOKIE]);
    // Kept as read (canonical), so the page shows the reference the way it is written.
    const found = { reference: dto.reference, trackingCode: dto.trackingCode };
    reply.setCookie(TRACK_COOKIE, await this.handoffs.create('track', found), this.handoffCookie('/track'));
    return reply.redirect('/track', 303);
  }

  @Post('track/confirm')
  @UseGuards(ThrottlerGuard)
  async confirm(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const handoff = req.cookies?.[TRACK_COOKIE];
    const stored = await this.handoffs.read<Tracked>('track', handoff);
    if (!stored || !handoff) return reply.redirect('/track', 303);
    const saved = { reference: stored.reference, trackingCode: stored.trackingCode };
    const answer = formString(body.resolvedForMe);
    let errors: FieldErrors = { resolvedForMe: 'track.choose' };
    if (answer === 'yes' || answer === 'no') {
      const checked = await validateForm(ConfirmComplaintDto, { ...saved, resolvedForMe: answer === 'yes', comment: formOptional(body.comment) });
      if (!hasErrors(checked.errors)) {
        await this.tracking.confirm(checked.dto, req.ip);
        await this.handoffs.update('track', handoff, { ...saved, flash: 'track.confirmed' });
        return reply.redirect('/track', 303);
      }
      errors = checked.errors;
    }
    // What was typed stays on the form: the comment and the answer, if one was chosen.
    const values = { resolvedForMe: answer, comment: formString(body.comment) };
    return this.trackForm(req, reply, await this.tracking.track(saved, req.ip), { values, errors, status: 400 });
  }

  @Get('feedback')
  async feedbackPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('thanks') thanks?: string) {
    return this.feedbackForm(req, reply, { flash: thanks ? 'feedback.thanks' : undefined });
  }

  private async feedbackForm(req: WebRequest, reply: FastifyReply, state: FormState) {
    return this.renderer.renderForm(req, reply, 'feedback', await this.views.feedbackForm(), state);
  }

  @Post('feedback')
  @UseGuards(ThrottlerGuard)
  async rate(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const values: Record<string, string> = { facilityId: formString(body.facilityId), comment: formString(body.comment) };
    const ratings: Record<string, number | undefined> = {};
    for (const r of RATINGS) {
      values[r] = formString(body[r]);
      ratings[r] = formInt(body[r]);
    }
    const { dto, errors } = await validateForm(FeedbackDto, {
      facilityId: formInt(body.facilityId),
      ratings,
      comment: formOptional(body.comment),
      website: formOptional(body.website),
    });
    const fieldErrors: FieldErrors = {};
    for (const [k, v] of Object.entries(errors)) {
      if (k.startsWith('ratings.')) fieldErrors[k.slice(8)] = 'validation.rating';
      else if (k === 'ratings') for (const r of RATINGS) fieldErrors[r] ??= 'validation.rating';
      else fieldErrors[k] = k === 'facilityId' ? 'validation.required' : v;
    }
    if (hasErrors(fieldErrors)) return this.feedbackForm(req, reply, { values, errors: fieldErrors, status: 400 });
    const { refused } = await attempt(() => this.feedback.submit(dto), FEEDBACK_FORM);
    if (refused) return this.feedbackForm(req, reply, { values, ...refused });
    return reply.redirect('/feedback?thanks=1', 303);
  }

  private rememberLang(reply: FastifyReply, lang: WebLang) {
    reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, secure: secureCookies(this.config), maxAge: 365 * 24 * 3600 });
  }

  /** The cookie holds only the record's random id; it lives as long as the record. */
  private handoffCookie(path: string) {
    return { path, httpOnly: true, sameSite: 'strict' as const, secure: secureCookies(this.config), maxAge: HANDOFF_TTL_MS / 1000 };
  }
}
