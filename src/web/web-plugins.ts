import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import fastifyStatic from '@fastify/static';
import view from '@fastify/view';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Eta } from 'eta';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveKey } from '../common/crypto';
import { ERROR_PAGES, ErrorPages } from '../common/error-pages';
import { AppConfig } from '../config/app-config';
import { secureCookies } from './web-cookies';
import type { WebRequest } from './web-renderer.service';
import { WebSessionService } from './web-session.service';

export const WEB_VIEWS_DIR = join(__dirname, 'views');
export const WEB_ASSETS_DIR = join(__dirname, 'assets');
export const CSRF_COOKIE = 'kpac_csrf';


/**
 * Fastify plugins the server-rendered pages need. Kept out of createApp so the JSON API setup stays
 * as it was. Nest already parses application/x-www-form-urlencoded bodies, so @fastify/formbody
 * would only clash with that parser and is not registered.
 */
export async function registerWebPlugins(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(cookie, { secret: deriveKey(config.appSecret, 'web-cookie').toString('base64') });
  // The queue dashboard (bull-board, plain Fastify routes) accepts an admin's web session too.
  const session = app.get(WebSessionService);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/admin/queues')) return;
      const actor = await session.actor(req as WebRequest, reply);
      if (actor) (req as WebRequest).actor = actor;
    });
  // Fastify refuses an oversized body with its own JSON before any Nest filter runs; a browser
  // sending a form that big gets the 413 page instead (the length is known from the header).
  const pages = app.get<ErrorPages>(ERROR_PAGES);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (req, reply) => {
      const length = Number(req.headers['content-length'] ?? 0);
      if (length > (req.server.initialConfig.bodyLimit ?? Infinity) && pages.wantsPage(req)) {
        await pages.render(req, reply, 413);
        return reply;
      }
    });
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: CSRF_COOKIE,
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: secureCookies(config), signed: true },
  });
  await app.register(fastifyStatic, {
    root: WEB_ASSETS_DIR,
    prefix: '/assets/',
    // Small files, changed only on release; a day of caching saves phones a round trip.
    maxAge: 24 * 60 * 60 * 1000,
    decorateReply: false,
  });
  // Browsers ask for /favicon.ico on every site whatever the page links; answer it, not a 404.
  const favicon = readFileSync(join(WEB_ASSETS_DIR, 'favicon.ico'));
  app
    .getHttpAdapter()
    .getInstance()
    .get('/favicon.ico', (_req, reply) => {
      void reply.type('image/x-icon').header('cache-control', 'public, max-age=86400').send(favicon);
    });
  await app.register(view, {
    engine: { eta: new Eta({ views: WEB_VIEWS_DIR, autoEscape: true, cache: config.production, autoTrim: [false, 'nl'] }) },
    root: WEB_VIEWS_DIR,
  });
}
