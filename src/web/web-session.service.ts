import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Actor } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { secureCookies } from './web-cookies';
import type { WebRequest } from './web-renderer.service';

export const SESSION_COOKIE = 'kpac_session';

/**
 * Staff sessions: a signed, HttpOnly cookie holding the same short-lived token the API issues.
 * Every request re-checks it through AuthService.authenticate, so a deactivated account or a
 * council term that has ended loses access at once.
 */
@Injectable()
export class WebSessionService {
  constructor(
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(reply: FastifyReply, email: string, password: string): Promise<Actor> {
    const { accessToken } = await this.auth.login(email, password);
    const actor = await this.auth.authenticate(accessToken);
    reply.setCookie(SESSION_COOKIE, accessToken, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: secureCookies(this.config),
      signed: true,
      maxAge: this.config.tokenTtlSeconds,
    });
    return actor;
  }

  /** The actor of the session cookie, or null when there is none or it no longer grants access. */
  async actor(req: WebRequest, reply: FastifyReply): Promise<Actor | null> {
    const raw = req.cookies?.[SESSION_COOKIE];
    if (!raw) return null;
    const unsigned = reply.unsignCookie(raw);
    if (!unsigned.valid || !unsigned.value) return null;
    try {
      return await this.auth.authenticate(unsigned.value);
    } catch {
      return null;
    }
  }

  logout(reply: FastifyReply): void {
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}
