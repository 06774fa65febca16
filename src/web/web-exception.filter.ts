import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError } from '../common/domain-errors';
import { WebRedirect } from './web-errors';
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
    let status = 500;
    let key = 'error.server';
    if (exception instanceof DomainError) {
      status = exception.status;
      if (exception.code === 'UNAUTHORIZED') {
        reply.redirect('/login', 303);
        return;
      }
      key =
        exception.message === 'csrf'
          ? 'error.csrf'
          : ({ 404: 'error.notFound', 403: 'error.forbidden', 409: 'error.conflict', 410: 'error.gone', 429: 'error.tooMany', 400: 'error.invalid' } as Record<number, string>)[status] ?? 'error.server';
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      key = ({ 400: 'error.invalid', 403: 'error.forbidden', 404: 'error.notFound', 429: 'error.tooMany' } as Record<number, string>)[status] ?? 'error.server';
    } else {
      const err = exception as Error;
      // Name and stack only: driver messages can quote bound values.
      this.logger.error(`Unhandled ${err?.name ?? typeof exception}`, err?.stack?.split('\n').slice(1, 6).join('\n'));
    }
    if (status === 429) reply.header('retry-after', '60');
    try {
      await this.renderer.render(req, reply, 'error', { titleKey: key, status }, status);
    } catch (renderErr) {
      this.logger.error(`Error page failed: ${(renderErr as Error)?.name}`);
      if (!reply.sent) reply.status(status).type('text/plain; charset=utf-8').send(String(status));
    }
  }
}
