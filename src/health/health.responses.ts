import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ComponentHealthResponse {
  @ApiProperty({ enum: ['up', 'down'] })
  status: 'up' | 'down';
}

export class OutboxHealthResponse {
  @ApiProperty({ type: 'integer', description: 'Outbox records not yet handed to the queue' })
  unrelayed: number;
}

export class QueuesHealthResponse {
  @ApiProperty({ enum: ['up', 'down', 'unknown'], description: 'unknown when the figures did not come in time' })
  status: 'up' | 'down' | 'unknown';

  @ApiPropertyOptional({ type: OutboxHealthResponse })
  outbox?: OutboxHealthResponse;

  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    additionalProperties: { type: 'object', additionalProperties: { type: 'integer' } },
    description: 'Job counts by state (waiting, active, delayed, failed, completed, prioritized) per queue; null while Redis is down',
  })
  jobs?: Record<string, Record<string, number>> | null;
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'degraded', 'down'], description: 'degraded: Redis is down, the API works and background work waits' })
  status: 'ok' | 'degraded' | 'down';

  @ApiProperty({ type: ComponentHealthResponse })
  database: ComponentHealthResponse;

  @ApiProperty({ type: ComponentHealthResponse })
  redis: ComponentHealthResponse;

  @ApiProperty({ type: QueuesHealthResponse })
  queues: QueuesHealthResponse;
}
