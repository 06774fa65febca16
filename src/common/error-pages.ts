import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Errors that reach the global filter (unknown paths, bodies too large, anything outside a page
 * controller) are JSON unless the web layer answers them as a page. The web module provides this;
 * common/ only names it, so it never imports the pages.
 */
export const ERROR_PAGES = Symbol('ERROR_PAGES');

export interface ErrorPages {
  /** Whether this request is a browser's on a page path (not the API, not a JSON client). */
  wantsPage(req: FastifyRequest): boolean;
  /** Renders the error page for `status`; resolves once the reply is sent. */
  render(req: FastifyRequest, reply: FastifyReply, status: number): Promise<void>;
}

/** Paths that are always JSON, whatever the client accepts. */
const JSON_PATHS = /^\/(api|health|metrics)(\/|$|\?)|^\/admin\/queues\/api(\/|$|\?)/;

/** A browser on a page path: not the API, and not a client that asks for JSON (or sends it). */
export function isPageRequest(req: FastifyRequest): boolean {
  if (JSON_PATHS.test(req.url)) return false;
  const accept = String(req.headers.accept ?? '').toLowerCase();
  if (accept.includes('application/json') && !accept.includes('text/html')) return false;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  return !type.startsWith('application/json');
}
