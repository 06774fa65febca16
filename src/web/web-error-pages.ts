import { Injectable, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ErrorPages, isPageRequest } from '../common/error-pages';
import { errorTitleOf } from './web-errors';
import { WebRenderer, WebRequest } from './web-renderer.service';
import { WebSessionService } from './web-session.service';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/**
 * The error pages of errors no page controller caught: an unknown path, a method the path does
 * not take (405 with Allow), a body over the limit (413), anything thrown outside a controller.
 * In the reader's language (cookie, then Accept-Language) and inside the site's layout.
 */
@Injectable()
export class WebErrorPages implements ErrorPages {
  private readonly logger = new Logger('WebErrors');

  constructor(
    private readonly renderer: WebRenderer,
    private readonly session: WebSessionService,
  ) {}

  wantsPage(req: FastifyRequest): boolean {
    return isPageRequest(req);
  }

  async render(request: FastifyRequest, reply: FastifyReply, status: number): Promise<void> {
    const req = request as WebRequest;
    let answer = status;
    if (answer === 404 && !req.routeOptions?.url) {
      const allowed = this.allowedMethods(req);
      if (allowed.length) {
        answer = 405;
        reply.header('allow', allowed.join(', '));
      }
    }
    if (answer === 429) reply.header('retry-after', '60');
    try {
      // A signed-in member who mistypes an address keeps the staff menu (the guard does the same read).
      req.actor ??= (await this.session.actor(req, reply)) ?? undefined;
    } catch {
      req.actor = undefined;
    }
    try {
      await this.renderer.render(req, reply, 'error', { titleKey: errorTitleOf(answer), status: answer }, answer);
    } catch (err) {
      this.logger.error(`Error page failed: ${(err as Error)?.name}`);
      if (!reply.sent) reply.status(answer).type('text/plain; charset=utf-8').send(String(answer));
    }
  }

  /** The methods another route of this path takes (none when the path itself is unknown). */
  private allowedMethods(req: FastifyRequest): string[] {
    const url = req.url.split('?')[0];
    const found = METHODS.filter((method) => method !== req.method && req.server.findRoute({ method, url }));
    return found.length && found.includes('GET') ? [...found, 'HEAD'] : found;
  }
}
