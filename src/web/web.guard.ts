import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-errors';
import type { Role } from '../users/user.constants';
import { WebRedirect } from './web-errors';
import type { WebRequest } from './web-renderer.service';
import { WebSessionService } from './web-session.service';

export const WEB_ROLES = 'kpac:webRoles';
/** A staff page: needs a session of one of these roles (otherwise: the login page, or 403). */
export const StaffPage = (...roles: Role[]) => SetMetadata(WEB_ROLES, roles);

type CsrfCheck = (req: unknown, reply: unknown, next: (err?: unknown) => void) => void;

/**
 * Runs on every web controller (all marked @Public for the API guard): checks the CSRF token of
 * every form post and, for staff pages, loads the actor from the session cookie.
 */
@Injectable()
export class WebGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly session: WebSessionService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<WebRequest>();
    const reply = ctx.switchToHttp().getResponse<FastifyReply>();
    if (req.method === 'POST') await this.checkCsrf(req, reply);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(WEB_ROLES, [ctx.getHandler(), ctx.getClass()]);
    if (!roles) return true;
    const actor = await this.session.actor(req, reply);
    if (!actor) {
      this.session.clear(reply);
      const next = req.method === 'GET' ? `?next=${encodeURIComponent(req.url)}` : '';
      throw new WebRedirect(`/login${next}`);
    }
    req.actor = actor;
    if (!roles.includes(actor.kind as Role)) throw new DomainError('FORBIDDEN', 'This page is not for your role');
    return true;
  }

  private checkCsrf(req: WebRequest, reply: FastifyReply): Promise<void> {
    const check = (req.server as unknown as { csrfProtection: CsrfCheck }).csrfProtection;
    // The plugin answers failures itself through reply.send; catch them so the page filter can explain.
    return new Promise((resolve, reject) => {
      const fail = () => reject(new DomainError('FORBIDDEN', 'The form has expired or did not come from this site', { reason: 'csrf' }));
      const probe = { unsignCookie: (v: string) => reply.unsignCookie(v), send: fail };
      check(req, probe, (err?: unknown) => (err ? fail() : resolve()));
    });
  }
}
