import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { DomainError } from '../common/domain-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { LANG_COOKIE, parseLang, safeNext } from './web-i18n';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { WebSessionService } from './web-session.service';
import { LoginStepViews } from './login-step-views';
import { WebGuard } from './web.guard';
import { formString } from './web-forms';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { secureCookies } from './web-cookies';

/** Landing page, language switch and staff login/logout. */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class PublicPagesController {
  constructor(
    private readonly renderer: WebRenderer,
    private readonly session: WebSessionService,
    private readonly steps: LoginStepViews,
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
    if (lang) reply.setCookie(LANG_COOKIE, lang, { path: '/', sameSite: 'lax', httpOnly: true, secure: secureCookies(this.config), maxAge: 365 * 24 * 3600 });
    return reply.redirect(safeNext(next, '/', this.config.publicUrl), 303);
  }

  @Get('login')
  async loginPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('next') next?: string) {
    const actor = await this.session.actor(req, reply);
    if (actor) return reply.redirect(homeOf(actor.kind), 303);
    return this.renderer.render(req, reply, 'login', { values: { next: safeNext(next, '') } });
  }

  @Post('login')
  @UseGuards(ThrottlerGuard)
  @Throttle({ public: { limit: 20, ttl: 60_000 } })
  async login(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const email = formString(body.email);
    const next = safeNext(body.next, '');
    try {
      const step = await this.session.login(reply, email, formString(body.password), req.ip);
      if (step.kind === 'ok') return reply.redirect(next || homeOf(step.actor.kind), 303);
      // The password was right; the second step is a page of its own (the code, or setting one up).
      if (step.kind === 'second_factor') return this.steps.code(req, reply, { challenge: step.challenge, next });
      return this.steps.enrol(req, reply, { challenge: step.challenge, enrolment: step.enrolment, next, action: '/login/enrol' });
    } catch (err) {
      if (!(err instanceof DomainError) || !['UNAUTHORIZED', 'TOO_MANY_REQUESTS', 'FORBIDDEN'].includes(err.code)) throw err;
      const key = err.code === 'TOO_MANY_REQUESTS' ? 'login.tooMany' : 'login.failed';
      return this.renderer.render(req, reply, 'login', { values: { email, next }, errors: { form: key } }, err.status === 429 ? 429 : 401);
    }
  }

  /** Ends the session on the server, and every other session and token of the account with it. */
  @Post('logout')
  async logout(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    await this.session.logout(req, reply);
    return reply.redirect('/', 303);
  }
}

export function homeOf(kind: string): string {
  if (kind === 'facility_admin') return '/facility';
  if (kind === 'admin') return '/admin/dashboard';
  return '/staff';
}
