import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Inject, Logger, Optional } from '@nestjs/common';
import { STATUS_CODES } from 'node:http';
import { DomainError } from './domain-errors';
import { ERROR_PAGES, ErrorPages } from './error-pages';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
  field?: string;
  reason?: string;
}

/** The one place errors become HTTP: `{ statusCode, error, message }`, never a stack or input echo. */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  /** Absent in the worker process, which serves no pages. */
  constructor(@Optional() @Inject(ERROR_PAGES) private readonly pages?: ErrorPages) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const reply = host.switchToHttp().getResponse();
    const req = host.switchToHttp().getRequest();
    const body = this.toBody(exception);
    if (body.statusCode >= 500) {
      const err = exception as Error;
      // Name and stack only: messages from drivers can quote the values that were bound.
      this.logger.error(`Unhandled ${err?.name ?? typeof exception}`, err?.stack?.split('\n').slice(1, 6).join('\n'));
    }
    // A browser on a page path gets a page; the API and JSON clients keep the JSON body.
    if (this.pages && req && !reply.sent && this.pages.wantsPage(req)) {
      void this.pages.render(req, reply, body.statusCode);
      return;
    }
    if (typeof reply.status === 'function' && typeof reply.send === 'function') {
      const r = reply.status(body.statusCode);
      if (body.statusCode === 429 && typeof r.header === 'function') r.header('retry-after', '60');
      r.send(body);
    }
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: exception.status,
        error: STATUS_CODES[exception.status] ?? 'Error',
        message: exception.details ?? exception.message,
        code: exception.code,
        ...(exception.field ? { field: exception.field } : {}),
        ...(exception.reason ? { reason: exception.reason } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      let message: string | string[] = exception.message;
      if (typeof res === 'object' && res !== null && 'message' in res) message = (res as { message: string | string[] }).message;
      if (status === HttpStatus.TOO_MANY_REQUESTS) message = 'Too many requests; wait a minute and try again';
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    }
    // Fastify's own errors (bad JSON, body too large, wrong content type) carry a statusCode.
    const fastifyError = exception as { statusCode?: number; code?: string; message?: string };
    if (fastifyError && typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      const status = fastifyError.statusCode;
      const message =
        fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? 'Request body is too large'
          : fastifyError.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE'
            ? 'Send the body as application/json'
            : status === 400
              ? 'Request body is not valid JSON'
              : (STATUS_CODES[status] ?? 'Bad request');
      return { statusCode: status, error: STATUS_CODES[status] ?? 'Error', message };
    }
    return { statusCode: 500, error: 'Internal Server Error', message: 'Something went wrong on our side; nothing was changed. Try again later.' };
  }
}
