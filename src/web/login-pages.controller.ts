import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Throttle, ThrottlerGuard } from '@nestjs/throttler';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/auth.decorators';
import { AuthService } from '../auth/auth.service';
import { LoginStepViews } from './login-step-views';
import { attempt, FormWords, PageState, pageStateOf } from './web-errors';
import { WebExceptionFilter } from './web-exception.filter';
import { formString } from './web-forms';
import { safeNext } from './web-i18n';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { WebSessionService } from './web-session.service';
import { StaffPage, WebGuard } from './web.guard';

const LIMIT = { public: { limit: 20, ttl: 60_000 } };

/** A refused password: the same words whatever refused it (wrong, inactive, no term), apart from a lockout. */
const PASSWORD_FORM: FormWords = { codes: { UNAUTHORIZED: 'login.failed', FORBIDDEN: 'login.failed', TOO_MANY_REQUESTS: 'login.tooMany' } };
/** A refusal that ends a login's second step: the login page again, saying why. */
const LOGIN_AGAIN: FormWords = { codes: { ...PASSWORD_FORM.codes, CONFLICT: 'login.failed' }, reasons: { stale: 'twoFactor.stale' } };
/** A wrong code keeps the reader on the step's page. */
const CODE_FORM: FormWords = { codes: { TWO_FACTOR_REQUIRED: 'twoFactor.wrongCode' } };

/**
 * Staff login and logout, the second step of a login (the code, or setting up a second factor
 * first) and the account page where a council member, to whom it is offered, sets one up.
 */
@ApiExcludeController()
@Public()
@UseGuards(WebGuard)
@UseFilters(WebExceptionFilter)
@Controller()
export class LoginPagesController {
  constructor(
    private readonly auth: AuthService,
    private readonly session: WebSessionService,
    private readonly steps: LoginStepViews,
    private readonly renderer: WebRenderer,
  ) {}

  @Get('login')
  async loginPage(@Req() req: WebRequest, @Res() reply: FastifyReply, @Query('next') next?: string) {
    const actor = await this.session.actor(req, reply);
    if (actor) return reply.redirect(homeOf(actor.kind), 303);
    return this.renderer.render(req, reply, 'login', { values: { next: safeNext(next, '') } });
  }

  @Post('login')
  @UseGuards(ThrottlerGuard)
  @Throttle(LIMIT)
  async login(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const email = formString(body.email);
    const next = safeNext(body.next, '');
    const { done: step, refused } = await attempt(() => this.session.login(reply, email, formString(body.password), req.ip), PASSWORD_FORM);
    if (refused) return this.loginForm(req, reply, refused, { email, next });
    if (step.kind === 'ok') return reply.redirect(next || homeOf(step.actor.kind), 303);
    // The password was right; the second step is a page of its own (the code, or setting one up).
    if (step.kind === 'second_factor') return this.steps.code(req, reply, { challenge: step.challenge, next });
    return this.steps.enrol(req, reply, { challenge: step.challenge, enrolment: step.enrolment, next, action: '/login/enrol' });
  }

  /** Ends the session on the server, and every other session and token of the account with it. */
  @Post('logout')
  async logout(@Req() req: WebRequest, @Res() reply: FastifyReply) {
    await this.session.logout(req, reply);
    return reply.redirect('/', 303);
  }

  @Post('login/code')
  @UseGuards(ThrottlerGuard)
  @Throttle(LIMIT)
  async code(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const challenge = formString(body.challenge);
    const next = safeNext(body.next, '');
    const step = await this.secondStep(() => this.auth.completeSecondStep(challenge, formString(body.otp), req.ip));
    if ('wrongCode' in step) return this.steps.code(req, reply, { challenge, next, error: step.wrongCode.errors.form }, step.wrongCode.status);
    if ('loginAgain' in step) return this.loginForm(req, reply, step.loginAgain, { next });
    await this.session.start(reply, step.done.user);
    return reply.redirect(next || homeOf(step.done.actor.kind), 303);
  }

  @Post('login/enrol')
  @UseGuards(ThrottlerGuard)
  @Throttle(LIMIT)
  async enrolAtLogin(@Req() req: WebRequest, @Res() reply: FastifyReply, @Body() body: Record<string, unknown>) {
    const challenge = formString(body.challenge);
    const next = safeNext(body.next, '');
    const step = await this.secondStep(() => this.auth.confirmEnrolment(challenge, formString(body.otp), req.ip));
    if ('wrongCode' in step) {
      const enrolment = await this.auth.enrol(challenge);
      return this.steps.enrol(req, reply, { challenge, enrolment, next, action: '/login/enrol', error: step.wrongCode.errors.form }, step.wrongCode.status);
    }
    if ('loginAgain' in step) return this.loginForm(req, reply, step.loginAgain, { next });
    await this.session.start(reply, step.done.user);
    return this.steps.recoveryCodes(req, reply, { codes: step.done.recoveryCodes, continueTo: next || homeOf(step.done.actor.kind) });
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
    const { done, refused } = await attempt(() => this.auth.confirmEnrolment(challenge, formString(body.otp), req.ip), CODE_FORM);
    if (refused) {
      const enrolment = await this.auth.enrol(challenge);
      return this.steps.enrol(req, reply, { challenge, enrolment, next: '', action: '/account/security/confirm', error: refused.errors.form }, refused.status);
    }
    // Turning the second factor on ended every session of the account, this one too: a new one.
    await this.session.start(reply, done.user);
    req.actor = done.actor;
    return this.steps.recoveryCodes(req, reply, { codes: done.recoveryCodes, continueTo: homeOf(done.actor.kind) });
  }

  /** A second step's answer, or its refusal: a wrong code (the step's page again) or the end of this login attempt. */
  private async secondStep<T>(run: () => Promise<T>): Promise<{ done: T } | { wrongCode: PageState } | { loginAgain: PageState }> {
    try {
      return { done: await run() };
    } catch (err) {
      const wrongCode = pageStateOf(err, CODE_FORM);
      if (!wrongCode.errorPage) return { wrongCode };
      const loginAgain = pageStateOf(err, LOGIN_AGAIN);
      if (!loginAgain.errorPage) return { loginAgain };
      throw err;
    }
  }

  /** Every failed login answers 401 (or 429 when locked out), so the status tells nothing about the account. */
  private loginForm(req: WebRequest, reply: FastifyReply, refused: PageState, values: { email?: string; next: string }) {
    return this.renderer.render(req, reply, 'login', { values, errors: refused.errors }, refused.status === 429 ? 429 : 401);
  }
}

function homeOf(kind: string): string {
  if (kind === 'facility_admin') return '/facility';
  if (kind === 'admin') return '/admin/dashboard';
  return '/staff';
}
