import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { DestinationStream } from 'pino';
import type { Params } from 'nestjs-pino';
import { AppConfig } from '../config/app-config';

/** Path segments that look like secrets (link tokens, tracking codes) and every query string are hidden. */
export function redactUrl(url: string | undefined): string {
  if (!url) return '';
  const [path, query] = url.split('?', 2);
  const safePath = path
    .split('/')
    .map((seg) => (seg.length >= 16 && /^[A-Za-z0-9_\-.~%]+$/.test(seg) && !/^\d+$/.test(seg) ? '[redacted]' : seg))
    .join('/');
  return query === undefined ? safePath : `${safePath}?[redacted]`;
}

/** A caller's well-formed X-Request-ID, or a new UUID. Fastify assigns it; pino-http logs it. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9\-]{8,64}$/.test(given) ? given : randomUUID();
}

/** pino-http options: a request id on every line, no bodies, no auth headers, no cookies. */
export function loggerParams(config: AppConfig, stream?: DestinationStream): Params {
  const options = {
    level: config.logLevel,
    genReqId: requestId,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'], censor: '[redacted]' },
    serializers: {
      req: (req: IncomingMessage & { id?: string }) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res: ServerResponse) => ({ statusCode: res.statusCode }),
    },
    quietReqLogger: true,
    // A person at a terminal reads lines, not JSON; a given stream (tests) or a pipe gets JSON.
    ...(config.logPretty && !stream ? { transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,req,res,responseTime' } } } : {}),
  };
  return { pinoHttp: stream ? [options, stream] : options, renameContext: 'context' } as Params;
}

/** Lines in a frame, so a message read once (the first admin's password) stands out among the others. */
export function framed(lines: string[]): string {
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '═'.repeat(width + 2);
  return ['', `╔${bar}╗`, ...lines.map((l) => `║ ${l.padEnd(width)} ║`), `╚${bar}╝`].join('\n');
}
