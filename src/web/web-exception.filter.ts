import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-errors';
import { pageStateOf, WebRedirect } from './web-errors';
import { WebRenderer, WebRequest } from './web-renderer.service';

/** Errors on web pages become pages (or redirects), never JSON. */
@Catch()
export class WebExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('WebErrors');

  constructor(private readonly renderer: WebRenderer) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const req = host.switchToHttp().getRequest<WebRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (reply.sent) return;
    if (exception instanceof WebRedirect) {
      reply.redirect(exception.location, 303);
      return;
    }
    const { status, errors, redirect } = pageStateOf(exception);
    if (redirect) {
      reply.redirect(redirect, 303);
      return;
    }
    if (!(exception instanceof DomainError) && !(exception instanceof HttpException)) {
      const err = exception as Error;
      // Name and stack only: driver messages can quote bound values.
      this.logger.error(`Unhandled ${err?.name ?? typeof exception}`, err?.stack?.split('\n').slice(1, 6).join('\n'));
    }
    if (status === 429) reply.header('retry-after', '60');
    try {
      await this.renderer.render(req, reply, 'error', { titleKey: errors.form, status }, status);
    } catch (renderErr) {
      this.logger.error(`Error page failed: ${(renderErr as Error)?.name}`);
      if (!reply.sent) reply.status(status).type('text/plain; charset=utf-8').send(String(status));
    }
  }
}
