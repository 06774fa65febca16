import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { FastifyReply } from 'fastify';
import Redis from 'ioredis';
import { Public } from '../auth/auth.decorators';
import { withTimeout } from '../common/timeout';
import { REDIS } from '../redis/redis.module';
import { HealthContributor, HEALTH_CONTRIBUTORS } from './health-contributor';
import { HealthResponse } from './health.responses';

/**
 * `ok` when the database and Redis answer; `degraded` (still 200) when only Redis is down —
 * the API works and background work waits; `down` (503) when the database is gone.
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(HEALTH_CONTRIBUTORS) private readonly contributors: HealthContributor[],
  ) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'Whether the database, Redis and the queues answer' })
  @ApiOkResponse({ type: HealthResponse, description: 'ok, or degraded when only Redis is down' })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'down: the database does not answer' })
  async check(@Res({ passthrough: true }) reply: FastifyReply) {
    const database = await this.db
      .pingCheck('database', { timeout: 2000 })
      .then(() => ({ status: 'up' as const }))
      .catch(() => ({ status: 'down' as const }));
    const redis = await withTimeout(this.redis.ping(), 1000, 'redis ping')
      .then(() => ({ status: 'up' as const }))
      .catch(() => ({ status: 'down' as const }));
    const extra: Record<string, unknown> = {};
    for (const c of this.contributors) {
      extra[c.name] = await withTimeout(c.report(), 1500, c.name).catch(() => ({ status: 'unknown' }));
    }
    const status = database.status === 'down' ? 'down' : redis.status === 'down' ? 'degraded' : 'ok';
    reply.status(status === 'down' ? 503 : 200);
    return { status, database, redis, ...extra };
  }
}
