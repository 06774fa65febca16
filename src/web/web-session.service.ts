import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { AuthService, Enrolment } from '../auth/auth.service';
import { SESSION_ABSOLUTE_MS, StaffSessions } from '../auth/staff-sessions.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import type { User } from '../users/user.entity';
import { secureCookies } from './web-cookies';
import { LANG_COOKIE, parseLang } from './web-i18n';
import type { WebRequest } from './web-renderer.service';

export const SESSION_COOKIE = 'kpac_session';

/** Where a web login stands after the password form. */
export type WebLoginStep =
  | { kind: 'ok'; actor: Actor }
  | { kind: 'second_factor'; challenge: string }
  | { kind: 'enrol'; challenge: string; enrolment: Enrolment };

/**
 * Staff sessions on the web: a signed, HttpOnly cookie holding a random session id; the session
 * itself (expiry, last use) is a row (StaffSessions). Every request re-checks it and rebuilds the
 * actor, so logout, deactivation or a council term that has ended cut access at once.
 */
@Injectable()
export class WebSessionService {
  constructor(
    private readonly auth: AuthService,
    private readonly sessions: StaffSessions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The password form: a session at once, or the second step (a code, or setting one up first). */
  async login(reply: FastifyReply, email: string, password: string, address: string): Promise<WebLoginStep> {
    const outcome = await this.auth.login({ email, password, address });
    if (outcome.kind === 'ok') {
      await this.start(reply, outcome.user);
      return { kind: 'ok', actor: outcome.actor };
    }
    if (outcome.kind === 'second_factor') return { kind: 'second_factor', challenge: await this.auth.secondStepChallenge(outcome.user) };
    return { kind: 'enrol', challenge: outcome.enrolmentToken, enrolment: await this.auth.enrol(outcome.enrolmentToken) };
  }

  /** Sets the cookie of a new session for this account. */
  async start(reply: FastifyReply, user: User): Promise<void> {
    const id = await this.sessions.create(user);
    reply.setCookie(SESSION_COOKIE, id, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(this.config),
      signed: true,
      maxAge: SESSION_ABSOLUTE_MS / 1000,
    });
  }

  /** The actor of the session cookie, or null when there is none or it no longer grants access. */
  async actor(req: WebRequest, reply: FastifyReply): Promise<Actor | null> {
    const user = await this.user(req, reply);
    if (!user || !this.auth.usable(user)) return null;
    // Staff pages speak the account's language (as its e-mails do) unless the switch chose one.
    if (!parseLang(req.cookies?.[LANG_COOKIE])) req.webLang ??= parseLang(user.language) ?? undefined;
    try {
      return await this.auth.actorFor(user);
    } catch {
      return null;
    }
  }

  /** Ends this account's sessions and tokens everywhere, then the cookie. */
  async logout(req: WebRequest, reply: FastifyReply): Promise<void> {
    const user = await this.user(req, reply);
    if (user) await this.auth.logout({ kind: user.role, userId: user.id });
    this.clear(reply);
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  private async user(req: WebRequest, reply: FastifyReply): Promise<User | null> {
    const raw = req.cookies?.[SESSION_COOKIE];
    if (!raw) return null;
    const unsigned = reply.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return null;
    return this.sessions.resolve(unsigned.value);
  }
}
