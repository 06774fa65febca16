import { Body, Controller, Get, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { DomainError } from '../common/domain-errors';
import { LoginStepViews } from './login-step-views';
import { homeOf } from './public-pages.controller';
import { WebExceptionFilter } from './web-exception.filter';
import { formString } from './web-forms';
import { safeNext } from './web-i18n';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { WebSessionService } from './web-session.service';
import { StaffPage, WebGuard } from './web.guard';

const LIMIT = { public: { limit: 20, ttl: 60_000 } };

/**
 * The second step of a web login (the code, or setting up a second factor first) and the
 * account page where a council member, to whom it is offered, sets one up after logging in.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class SecondFactorPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly session: WebSessionService,
    private readonly steps: LoginStepViews,
    private readonly renderer: WebRenderer,
  ) {}

  @Post('login/code')
  @UseGuards(ThrottlerGuard)
  @Throttle(LIMIT)
  async code(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const challenge = formString(body.challenge);
    const next = safeNext(body.next, '');
    try {
      const { user, actor } = await this.auth.completeSecondStep(challenge, formString(body.otp), req.ip);
      await this.session.start(reply, user);
      return reply.redirect(next || homeOf(actor.kind), 303);
    } catch (err) {
      if (err instanceof DomainError && err.code === 'TWO_FACTOR_REQUIRED') return this.steps.code(req, reply, { challenge, next, error: 'twoFactor.wrongCode' }, 401);
      return this.backToLogin(req, reply, err, next);
    }
  }

  @Post('login/enrol')
  @UseGuards(ThrottlerGuard)
  @Throttle(LIMIT)
  async enrolAtLogin(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const challenge = formString(body.challenge);
    const next = safeNext(body.next, '');
    try {
      const { user, actor, recoveryCodes } = await this.auth.confirmEnrolment(challenge, formString(body.otp), req.ip);
      await this.session.start(reply, user);
      return this.steps.recoveryCodes(req, reply, { codes: recoveryCodes, continueTo: next || homeOf(actor.kind) });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'TWO_FACTOR_REQUIRED') {
        const enrolment = await this.auth.enrol(challenge);
        return this.steps.enrol(req, reply, { challenge, enrolment, next, action: '/login/enrol', error: 'twoFactor.wrongCode' }, 401);
      }
      return this.backToLogin(req, reply, err, next);
    }
  }

  @Get('account/security')
  @StaffPage('admin', 'kpac_member', 'facility_admin')
  async account(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    return this.renderer.render(req, reply, 'account-security', await this.auth.secondFactorState(req.actor!));
  }

  @Post('account/security/enrol')
  @StaffPage('admin', 'kpac_member', 'facility_admin')
  async startEnrolment(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    const challenge = await this.auth.startEnrolment(req.actor!);
    const enrolment = await this.auth.enrol(challenge);
    return this.steps.enrol(req, reply, { challenge, enrolment, next: '', action: '/account/security/confirm' });
  }

  @Post('account/security/confirm')
  @StaffPage('admin', 'kpac_member', 'facility_admin')
  @UseGuards(ThrottlerGuard)
  @Throttle(LIMIT)
  async confirmEnrolment(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const challenge = formString(body.challenge);
    try {
      const { user, actor, recoveryCodes } = await this.auth.confirmEnrolment(challenge, formString(body.otp), req.ip);
      // Turning the second factor on ended every session of the account, this one too: a new one.
      await this.session.start(reply, user);
      req.actor = actor;
      return this.steps.recoveryCodes(req, reply, { codes: recoveryCodes, continueTo: homeOf(actor.kind) });
    } catch (err) {
      if (err instanceof DomainError && err.code === 'TWO_FACTOR_REQUIRED') {
        const enrolment = await this.auth.enrol(challenge);
        return this.steps.enrol(req, reply, { challenge, enrolment, next: '', action: '/account/security/confirm', error: 'twoFactor.wrongCode' }, 401);
      }
      throw err;
    }
  }

  /** A refusal that ends this login attempt: the login page again, saying why. */
  private backToLogin(req: WebRequest, reply: FastifyReply, err: unknown, next: string) {
    if (!(err instanceof DomainError) || !['UNAUTHORIZED', 'TOO_MANY_REQUESTS', 'FORBIDDEN', 'CONFLICT'].includes(err.code)) throw err;
    const key = err.code === 'TOO_MANY_REQUESTS' ? 'login.tooMany' : err.reason === 'stale' ? 'twoFactor.stale' : 'login.failed';
    return this.renderer.render(req, reply, 'login', { values: { next }, errors: { form: key } }, err.status === 429 ? 429 : 401);
  }
}
