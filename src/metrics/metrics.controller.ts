import { Controller, Get, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Roles } from '../auth/auth.decorators';
import { ApiErrors } from '../common/error.responses';
import { MetricsService } from './metrics.service';

/** The figures on the main port: admins' bearer tokens only (a scraper gets an admin account or METRICS_PORT). */
@ApiTags('operations')
@ApiBearerAuth()
@ApiErrors(401, 403)
@Roles('admin')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics: requests by route, outbox, queues, mail, SLA breaches, backup age' })
  @ApiOkResponse({ schema: { type: 'string' }, description: 'Prometheus text exposition format 0.0.4' })
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const body = await this.metrics.render();
    reply.header('content-type', this.metrics.contentType());
    return body;
  }
}
