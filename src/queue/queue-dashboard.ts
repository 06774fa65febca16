import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter as BullBoardFastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../auth/actor';
import { AuthService } from '../auth/auth.service';
import { QueueService } from './queue.service';

export const DASHBOARD_PATH = '/admin/queues';
// bull-board's React UI sets inline styles; its scripts are files served from the same path.
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * bull-board at /admin/queues for admins only: a bearer token, or the actor a web session already
 * put on the request. Not mounted in the worker process (no HTTP there).
 *
 * Read-only for everyone: a cookie-authenticated page that could pause, empty or obliterate a
 * queue would be one forged request away from losing mail, and the database already re-creates
 * whatever must still happen (the sweep). So bull-board runs in its read-only mode, and every
 * method but GET and HEAD is refused here before it reaches bull-board at all.
 */
@Injectable()
export class QueueDashboard implements OnModuleInit {
  private readonly logger = new Logger('QueueDashboard');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly queues: QueueService,
    private readonly auth: AuthService,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (!fastify || typeof fastify.register !== 'function') return;
    const serverAdapter = new BullBoardFastifyAdapter();
    serverAdapter.setBasePath(DASHBOARD_PATH);
    createBullBoard({ queues: this.queues.allQueues().map((q) => new BullMQAdapter(q, { readOnlyMode: true })), serverAdapter: serverAdapter as never });
    const plugin = serverAdapter.registerPlugin();
    await fastify.register(
      async (scope) => {
        scope.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
          if (req.method !== 'GET' && req.method !== 'HEAD') {
            await reply
              .code(405)
              .header('allow', 'GET, HEAD')
              .send({ statusCode: 405, error: 'Method Not Allowed', message: 'The queue dashboard is read-only; queues are managed by the service itself' });
            return;
          }
          if (!(await this.isAdmin(req))) {
            await reply.code(401).header('www-authenticate', 'Bearer').send({ statusCode: 401, error: 'Unauthorized', message: 'The queue dashboard is for admins; send Authorization: Bearer <token>' });
          }
        });
        scope.addHook('onSend', async (_req, reply, payload) => {
          reply.header('content-security-policy', DASHBOARD_CSP);
          return payload;
        });
        await scope.register(plugin as never);
      },
      { prefix: DASHBOARD_PATH },
    );
  }

  private async isAdmin(req: FastifyRequest): Promise<boolean> {
    const existing = (req as unknown as { actor?: Actor }).actor;
    if (existing && existing.kind !== 'public') return existing.kind === 'admin';
    const match = req.headers.authorization?.match(/^Bearer\s+(\S+)$/i);
    if (!match) return false;
    try {
      const actor = await this.auth.authenticate(match[1]);
      return actor.kind === 'admin';
    } catch {
      return false;
    }
  }
}
