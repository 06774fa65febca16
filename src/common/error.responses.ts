import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { DOMAIN_ERROR_CODES, DomainErrorCode } from './domain-errors';

/** Every 4xx body, as AllExceptionsFilter writes it (src/common/http-exception.filter.ts). */
export class ErrorResponse {
  @ApiProperty({ type: 'integer', example: 404 })
  statusCode: number;

  @ApiProperty({ description: 'The HTTP reason phrase', example: 'Not Found' })
  error: string;

  @ApiProperty({
    description: 'What to fix; a list with one entry per failing field for validation errors',
    oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    example: 'Complaint not found',
  })
  message: string | string[];

  @ApiPropertyOptional({ enum: DOMAIN_ERROR_CODES, description: 'Set when the rules refused: stable, unlike message' })
  code?: DomainErrorCode;

  @ApiPropertyOptional({ description: 'The input field the refusal is about, when there is one' })
  field?: string;

  @ApiPropertyOptional({ description: 'A stable reason word clients can translate (e.g. stale, enrolled)' })
  reason?: string;
}

/** What each status means on this API; the per-route decorators only pick statuses. */
const MEANING = {
  400: 'Invalid input: message lists what to fix',
  401: 'No valid bearer token (or wrong credentials on login)',
  403: 'The role or rule does not allow this (a council member needs an active term)',
  404: 'Not found, or outside the caller\'s scope (the two look the same)',
  409: 'The record is in a state that refuses this, or it clashes with another',
  410: 'Gone: the link or the data is no longer available',
  422: 'Understood but refused by a content rule (message and field say which)',
  429: 'Too many requests; wait and try again (see Retry-After)',
} as const;

export type ErrorStatus = keyof typeof MEANING;

/** The error answers of a route (or of every route of a controller), all with the one error body. */
export function ApiErrors(...statuses: ErrorStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: MEANING[status], type: ErrorResponse })));
}
