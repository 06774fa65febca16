import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../common/domain-errors';
import { ComplaintIntakeService } from '../complaints/complaint-intake.service';
import { ComplaintTrackingService, TrackView } from '../complaints/complaint-tracking.service';
import { AGE_GROUPS, CATEGORIES, GENDERS, KEY_POPULATIONS, RESPONSIBLE_PARTY_TYPES } from '../complaints/complaint.constants';
import { PublicComplaintDto } from '../complaints/dto/create-complaint.dto';
import { FeedbackDto } from '../complaints/dto/feedback.dto';
import { ConfirmComplaintDto, TrackComplaintDto } from '../complaints/dto/track-complaint.dto';
import { FeedbackService } from '../complaints/feedback.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { FieldErrors } from './web-errors';
import { complaintFormBody, complaintFormValues, formInt, formOptional, formString } from './web-forms';
import { secureCookies } from './web-cookies';
import { WebExceptionFilter } from './web-exception.filter';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { WebGuard } from './web.guard';
import { HANDOFF_TTL_MS, PageHandoffs } from './page-handoff.service';

/**
 * Cookies carrying a random id from a form post to the page that shows its result (PRG without
 * secrets in URLs or cookies): the reference and code stay in a one-device record (PageHandoffs).
 */
const DONE_COOKIE = 'kpac_done';
const TRACK_COOKIE = 'kpac_track';
type Tracked = { reference: string; trackingCode: string; flash?: string };
const RATINGS = ['waitingTime', 'staffAttitude', 'openingHours', 'confidentiality', 'overall'] as const;

/** The public pages for service users: complaint form, result, tracking and confirmation, rating. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class ComplaintPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly intake: ComplaintIntakeService,
    private readonly tracking: ComplaintTrackingService,
    private readonly feedback: FeedbackService,
    private readonly handoffs: PageHandoffs,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Cities with their facilities, for the grouped select that works without JavaScript. */
  private async places() {
    const cities = await this.feedback.cities();
    return Promise.all(cities.map(async (c) => ({ ...c, facilities: await this.feedback.facilities(c.id) })));
  }

  private async renderForm(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, status = 200) {
    return this.renderer.render(
      req,
      reply,
      'complain',
      {
        places: await this.places(),
        categories: CATEGORIES,
        keyPopulations: KEY_POPULATIONS,
        genders: GENDERS,
        ageGroups: AGE_GROUPS,
        parties: RESPONSIBLE_PARTY_TYPES,
        values,
        errors,
        script: true,
      },
      status,
    );
  }

  @Get('complain')
  complainPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('city') city?: string) {
    return this.renderForm(req, reply, { cityId: city ?? '', keyPopulations: [] }, {});
  }

  @Post('complain')
  @UseGuards(ThrottlerGuard)
  async complain(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const values = complaintFormValues(body);
    // "Show the services of this city" re-renders the form (the no-JavaScript path of city → facility).
    if (formString(body.action) === 'city') return this.renderForm(req, reply, { ...values, facilityId: '' }, {});
    const plain: Record<string, unknown> = { ...complaintFormBody(values), website: formOptional(body.website) };
    const { dto, errors } = await validateForm(PublicComplaintDto, plain);
    if (errors['cityId']) errors['cityId'] = 'validation.required';
    if (errors['category']) errors['category'] = 'validation.required';
    if (Object.keys(errors).length) return this.renderForm(req, reply, values, flattenContact(errors), 400);
    try {
      const result = await this.intake.submitPublic(dto);
      const id = await this.handoffs.create('complaint-done', { reference: result.reference, trackingCode: result.trackingCode });
      reply.setCookie(DONE_COOKIE, id, this.handoffCookie('/complain/done'));
      return reply.redirect('/complain/done', 303);
    } catch (err) {
      const field = fieldOfServiceError(err);
      if (!field) throw err;
      return this.renderForm(req, reply, values, field, 400);
    }
  }

  /** Survives reloads (cheap phones reload tabs) for HANDOFF_TTL_MS, on the submitting device only. */
  @Get('complain/done')
  async done(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    const result = await this.handoffs.read<{ reference: string; trackingCode: string }>('complaint-done', req.cookies?.[DONE_COOKIE]);
    if (!result) {
      reply.clearCookie(DONE_COOKIE, { path: '/complain/done' });
      return reply.redirect('/track', 303);
    }
    return this.renderer.render(req, reply, 'complain-done', { result });
  }

  @Get('track')
  async trackPage(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    const saved = await this.handoffs.read<Tracked>('track', req.cookies?.[TRACK_COOKIE]);
    if (saved) {
      try {
        const view = await this.tracking.track({ reference: saved.reference, trackingCode: saved.trackingCode }, req.ip);
        return this.renderTrack(req, reply, { reference: saved.reference, trackingCode: saved.trackingCode }, {}, view, 200, saved.flash);
      } catch {
        await this.handoffs.remove(req.cookies?.[TRACK_COOKIE]);
        reply.clearCookie(TRACK_COOKIE, { path: '/track' });
      }
    }
    return this.renderTrack(req, reply, {}, {}, null);
  }

  private renderTrack(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, view: TrackView | null, status = 200, flash?: string) {
    return this.renderer.render(req, reply, 'track', { values, errors, view, flash }, status);
  }

  /** Looks the complaint up and shows it through a redirect, so reloading never re-posts the code. */
  @Post('track')
  @UseGuards(ThrottlerGuard)
  async track(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const values = { reference: formString(body.reference).trim(), trackingCode: formString(body.trackingCode).trim() };
    const { dto, errors } = await validateForm(TrackComplaintDto, values);
    if (!values.reference) errors['reference'] = 'validation.required';
    if (!values.trackingCode) errors['trackingCode'] = 'validation.required';
    if (Object.keys(errors).length) return this.renderTrack(req, reply, values, errors, null, 400);
    try {
      await this.tracking.track(dto, req.ip);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'NOT_FOUND') return this.renderTrack(req, reply, values, { form: 'track.notFound' }, null, 404);
      throw err;
    }
    await this.handoffs.remove(req.cookies?.[TRACK_COOKIE]);
    reply.setCookie(TRACK_COOKIE, await this.handoffs.create('track', values), this.handoffCookie('/track'));
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
    if (answer !== 'yes' && answer !== 'no') {
      const view = await this.tracking.track(saved, req.ip);
      return this.renderTrack(req, reply, saved, { resolvedForMe: 'track.choose' }, view, 400);
    }
    const { dto, errors } = await validateForm(ConfirmComplaintDto, { ...saved, resolvedForMe: answer === 'yes', comment: formOptional(body.comment) });
    if (Object.keys(errors).length) {
      const view = await this.tracking.track(saved, req.ip);
      return this.renderTrack(req, reply, saved, errors, view, 400);
    }
    await this.tracking.confirm(dto, req.ip);
    await this.handoffs.update('track', handoff, { ...saved, flash: 'track.confirmed' });
    return reply.redirect('/track', 303);
  }

  @Get('feedback')
  async feedbackPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('thanks') thanks?: string) {
    return this.renderFeedback(req, reply, {}, {}, 200, thanks ? 'feedback.thanks' : undefined);
  }

  private async renderFeedback(req: WebRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldErrors, status = 200, flash?: string) {
    return this.renderer.render(req, reply, 'feedback', { places: await this.places(), ratings: RATINGS, values, errors, flash }, status);
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
    if (Object.keys(fieldErrors).length) return this.renderFeedback(req, reply, values, fieldErrors, 400);
    try {
      await this.feedback.submit(dto);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'VALIDATION') return this.renderFeedback(req, reply, values, { facilityId: 'validation.invalid' }, 400);
      throw err;
    }
    return reply.redirect('/feedback?thanks=1', 303);
  }

  /** The cookie holds only the record's random id; it lives as long as the record. */
  private handoffCookie(path: string) {
    return { path, httpOnly: true, sameSite: 'strict' as const, secure: secureCookies(this.config), maxAge: HANDOFF_TTL_MS / 1000 };
  }
}

/** contact.phone → phone, and so on, to match the form's field names. */
function flattenContact(errors: FieldErrors): FieldErrors {
  const out: FieldErrors = {};
  for (const [k, v] of Object.entries(errors)) {
    const name = k === 'contact.other' ? 'otherContact' : k.startsWith('contact.') ? k.slice(8) : k.startsWith('consents.') ? 'consents' : k;
    out[name] ??= v;
  }
  return out;
}

/** The intake service's own checks (date not in the future, facility in the city) shown next to their field. */
function fieldOfServiceError(err: unknown): FieldErrors | null {
  if (!(err instanceof DomainError) || err.code !== 'VALIDATION') return null;
  if (err.message.startsWith('incidentDate')) return { incidentDate: 'validation.date' };
  if (err.message.startsWith('facilityId')) return { facilityId: 'validation.facilityCity' };
  if (err.message.startsWith('cityId')) return { cityId: 'validation.required' };
  return null;
}
