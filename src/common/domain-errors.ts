/**
 * Errors the rules raise. The one exception filter maps them to HTTP; services never
 * construct HTTP exceptions themselves.
 */
export type DomainErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'SEATS_FULL'
  | 'VALIDATION'
  | 'UNPROCESSABLE'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'TOO_MANY_REQUESTS'
  | 'GONE'
  /** A right password of an account with a second factor, without its code (or with a wrong one). */
  | 'TWO_FACTOR_REQUIRED'
  /** An account that must have a second factor and has none yet. */
  | 'TWO_FACTOR_ENROLMENT_REQUIRED';

const STATUS: Record<DomainErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  SEATS_FULL: 409,
  VALIDATION: 400,
  UNPROCESSABLE: 422,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  TOO_MANY_REQUESTS: 429,
  GONE: 410,
  TWO_FACTOR_REQUIRED: 401,
  TWO_FACTOR_ENROLMENT_REQUIRED: 403,
};

/** Every code, for the API contract (OpenAPI enum of the error body's `code`). */
export const DOMAIN_ERROR_CODES = Object.keys(STATUS) as DomainErrorCode[];

/** Where a refusal belongs on a form, and a stable reason pages can translate (never parsed from the message). */
export interface DomainErrorTarget {
  field?: string;
  reason?: string;
  /** The values a translated message of this reason states (dates, limits); never personal data. */
  args?: Record<string, string | number>;
}

export class DomainError extends Error {
  readonly status: number;
  readonly details?: string[];
  readonly field?: string;
  readonly reason?: string;
  readonly args?: Record<string, string | number>;
  constructor(
    readonly code: DomainErrorCode,
    message: string | string[],
    target: DomainErrorTarget = {},
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.status = STATUS[code];
    this.details = Array.isArray(message) ? message : undefined;
    this.field = target.field;
    this.reason = target.reason;
    this.args = target.args;
  }
}

export const notFound = (what: string) => new DomainError('NOT_FOUND', `${what} not found`);
export const conflict = (message: string) => new DomainError('CONFLICT', message);
export const invalid = (message: string | string[], target?: DomainErrorTarget) => new DomainError('VALIDATION', message, target);
export const forbidden = (message = 'You may not do this') => new DomainError('FORBIDDEN', message);
