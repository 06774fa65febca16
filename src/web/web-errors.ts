import { DomainError } from '../common/domain-errors';

/** Thrown by web guards and controllers to answer with a 303 redirect (e.g. to the login page). */
export class WebRedirect extends Error {
  constructor(readonly location: string) {
    super('redirect');
  }
}

/** Field-level validation messages, keyed by form field name; values are message keys. */
export type FieldErrors = Record<string, string>;

/**
 * A service's refusal (a 4xx DomainError) to show on the form that caused it; anything else is
 * rethrown to the error page. `keepNotFound` rethrows 404 too (the record itself is gone).
 */
export function refusalOf(err: unknown, opts: { keepNotFound?: boolean } = {}): DomainError {
  if (err instanceof DomainError && err.status < 500 && !(opts.keepNotFound && err.status === 404)) return err;
  throw err;
}
