import { ParseIdPipe } from '../common/parse-id.pipe';
import { Body, Controller, Get, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { notFound } from '../common/domain-errors';
import { RespondByLinkDto, RespondDto, TOKEN_RE } from '../escalations/escalation.dto';
import { EscalationLinkService, LinkView } from '../escalations/escalation-link.service';
import { EscalationsRepository } from '../escalations/escalations.repository';
import { EscalationsService } from '../escalations/escalations.service';
import { attempt, FieldErrors, FormWords } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { formString } from './web-forms';
import { LANG_COOKIE, parseLang } from './web-i18n';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { validateForm } from './web-validation';
import { StaffPage, WebGuard } from './web.guard';

/** An escalation answered meanwhile is no refusal to explain: the list shows it answered. */
const ANSWERED_MEANWHILE: FormWords = { codes: { CONFLICT: 'error.conflict' } };

/**
 * Facility administrators: the page behind the e-mailed link (GET shows, changes nothing; only the
 * form POST consumes the token) and, after login, their facility's escalations.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class FacilityPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly links: EscalationLinkService,
    private readonly escalations: EscalationsService,
    private readonly repo: EscalationsRepository,
  ) {}

  @Get('respond/thanks')
  thanks(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('lang') lang?: string) {
    // The facility's language travels in the redirect; the reader's own choice still wins.
    if (!parseLang(req.cookies?.[LANG_COOKIE])) req.webLang = parseLang(lang) ?? undefined;
    return this.renderer.render(req, reply, 'respond-thanks');
  }

  @Get('respond/:token')
  async linkPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('token') token: string) {
    if (!TOKEN_RE.test(token)) throw notFound('Response link');
    await this.inFacilityLanguage(req, token);
    const view = await this.links.view(token);
    return this.renderLink(req, reply, token, view, {}, {});
  }

  /** A used or expired link is explained in the language of the e-mail it came in, too. */
  private async inFacilityLanguage(req: WebRequest, token: string): Promise<void> {
    if (parseLang(req.cookies?.[LANG_COOKIE])) return;
    req.webLang = parseLang(await this.links.languageOf(token)) ?? undefined;
  }

  private renderLink(req: WebRequest, reply: FastifyReply, token: string, view: LinkView, values: Record<string, unknown>, errors: FieldErrors, status = 200) {
    // The facility's own language unless the reader chose another with the switch.
    if (!parseLang(req.cookies?.[LANG_COOKIE])) req.webLang = parseLang(view.facility.language) ?? undefined;
    // Links carry the token: keep it out of caches and referrers (helmet sets no-referrer already).
    reply.header('x-robots-tag', 'noindex');
    return this.renderer.render(req, reply, 'respond', { token, view, values, errors }, status);
  }

  @Post('respond/:token')
  @UseGuards(ThrottlerGuard)
  async respond(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('token') token: string, @Body() body: Record<string, unknown>) {
    if (!TOKEN_RE.test(token)) throw notFound('Response link');
    await this.inFacilityLanguage(req, token);
    const response = formString(body.response);
    const { dto, errors } = await validateForm(RespondByLinkDto, { token, response });
    if (Object.keys(errors).length) {
      const view = await this.links.view(token);
      return this.renderLink(req, reply, token, view, { response }, { response: response.trim() ? errors.response ?? 'validation.generic' : 'validation.required' }, 400);
    }
    const done = await this.links.respond(dto.token, dto.response);
    return reply.redirect(`/respond/thanks?lang=${parseLang(done.language) ?? ''}`, 303);
  }

  @Get('facility')
  @StaffPage('facility_admin', 'admin')
  async list(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('done') done?: string) {
    const { items } = await this.repo.list(req.actor!, { limit: 100 });
    return this.renderer.renderForm(req, reply, 'facility-escalations', { items }, { flash: done ? 'respond.thanks' : undefined });
  }

  @Post('facility/escalations/:id/respond')
  @StaffPage('facility_admin', 'admin')
  async respondAsStaff(@Req() req: WebRequest, @Res() reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: Record<string, unknown>) {
    const response = formString(body.response);
    const { dto, errors } = await validateForm(RespondDto, { response });
    if (Object.keys(errors).length) {
      const { items } = await this.repo.list(req.actor!, { limit: 100 });
      const errors = { [`response-${id}`]: response.trim() ? 'validation.generic' : 'validation.required' };
      return this.renderer.renderForm(req, reply, 'facility-escalations', { items }, { errors, values: { [`response-${id}`]: response }, status: 400 });
    }
    const { refused } = await attempt(() => this.escalations.respondAsStaff(req.actor!, id, dto.response), ANSWERED_MEANWHILE);
    // Answered meanwhile (through the link, or by a colleague): the list shows how it stands now.
    return reply.redirect(refused ? '/facility' : '/facility?done=1', 303);
  }
}
