import { HttpException } from '@nestjs/common';
import { DomainError, DomainErrorCode } from '../common/domain-errors';
import { serviceRuleKey } from './field-rules';

/** Thrown by web guards and controllers to answer with a 303 redirect (e.g. to the login page). */
export class WebRedirect extends Error {
  constructor(readonly location: string) {
    super('redirect');
  }
}

/** Field-level validation messages, keyed by form field name; values are message keys. */
export type FieldErrors = Record<string, string>;

/** What a page shows for an error. */
export interface PageState {
  status: number;
  /** Message keys by form field; `form` is the line above the form (on the error page, its title). */
  errors: FieldErrors;
  /** The refusal in the service's own words (English), shown under that line on staff forms. */
  refusal?: string;
  /** Not the form's to show: the error page shows it (or sends the browser to `redirect`). */
  errorPage?: true;
  redirect?: string;
}

/**
 * How one form words the refusals it shows. A refusal that names its field is always shown next
 * to that field. `codes` gives the line above the form (or next to `field`) by error code, and
 * `reasons` a more precise one for a code the form shows. An error that neither names a field
 * nor has words here is not the form's: it goes to the error page.
 */
export interface FormWords {
  codes: Partial<Record<DomainErrorCode, string>>;
  reasons?: Record<string, string>;
  field?: string;
}

/** Staff forms show any refusal as "This was refused:" with the service's own words under it. */
const REFUSED = 'admin.refused';
/** The line above a staff form when the refusal is shown next to its field. */
const FIX_MARKED = 'admin.fixMarked';
export const STAFF_FORM: FormWords = {
  codes: {
    NOT_FOUND: REFUSED,
    CONFLICT: REFUSED,
    INVALID_TRANSITION: REFUSED,
    SEATS_FULL: REFUSED,
    VALIDATION: REFUSED,
    UNPROCESSABLE: REFUSED,
    UNAUTHORIZED: REFUSED,
    FORBIDDEN: REFUSED,
    TOO_MANY_REQUESTS: REFUSED,
    GONE: REFUSED,
    TWO_FACTOR_REQUIRED: REFUSED,
    TWO_FACTOR_ENROLMENT_REQUIRED: REFUSED,
  } satisfies Record<DomainErrorCode, string>,
};

/** A staff form about one record: that the record is gone is the error page's to say. */
export const STAFF_RECORD_FORM: FormWords = { codes: { ...STAFF_FORM.codes, NOT_FOUND: undefined } };

/** The error page's title by code (422 and an unasked second factor have none of their own). */
const ERROR_PAGE: FormWords = {
  codes: {
    VALIDATION: 'error.invalid',
    FORBIDDEN: 'error.forbidden',
    TWO_FACTOR_ENROLMENT_REQUIRED: 'error.forbidden',
    NOT_FOUND: 'error.notFound',
    CONFLICT: 'error.conflict',
    INVALID_TRANSITION: 'error.conflict',
    SEATS_FULL: 'error.conflict',
    GONE: 'error.gone',
    TOO_MANY_REQUESTS: 'error.tooMany',
  },
  reasons: { csrf: 'error.csrf' },
};

/** Framework errors (a throttled route, a bad parameter) by status. */
const HTTP_TITLES: Record<number, string> = {
  400: 'error.invalid',
  403: 'error.forbidden',
  404: 'error.notFound',
  405: 'error.methodNotAllowed',
  413: 'error.tooLarge',
  415: 'error.invalid',
  429: 'error.tooMany',
};

/** The status of a framework error: Nest's HttpException, or Fastify's own (body too large, bad JSON). */
export function httpStatusOf(err: unknown): number {
  if (err instanceof HttpException) return err.getStatus();
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : 500;
}

/** The error page's title for a bare status (the global filter's pages). */
export const errorTitleOf = (status: number): string => HTTP_TITLES[status] ?? 'error.server';

/**
 * The message next to the field a refusal names: a rule about content (422) by its reason
 * (`refusal.*`), an input check by the kind of check.
 */
const FIELD_KEYS: Record<string, string> = {
  required: 'validation.required',
  unknown: 'validation.invalid',
  too_short: 'validation.tooShort',
  date_out_of_range: 'validation.date',
  facility_not_in_city: 'validation.facilityCity',
  slip_unknown: 'validation.slipUnknown',
  slip_used: 'validation.slipUsed',
  slip_expired: 'validation.slipExpired',
  // The city list on the form is the way out: it asks for a city again.
  unknown_city: 'validation.required',
};

function fieldKey(err: DomainError): string {
  const rule = serviceRuleKey(err);
  if (rule) return rule;
  if (err.code === 'UNPROCESSABLE' && err.reason) return `refusal.${err.reason}`;
  return FIELD_KEYS[err.reason ?? ''] ?? 'validation.generic';
}

function lineOf(err: DomainError, words: FormWords): string | undefined {
  const byCode = words.codes[err.code];
  return byCode && ((err.reason && words.reasons?.[err.reason]) || byCode);
}

/**
 * The one mapping from an error to what a page shows, by the error's code, field and reason
 * (never its message text). With `form`, a refusal the form can show is placed on it; anything
 * else (and every call without `form`, as the exception filter makes) is the error page's state.
 */
export function pageStateOf(err: unknown, form?: FormWords): PageState {
  if (err instanceof DomainError) {
    if (form && err.status < 500) {
      const errors: FieldErrors = {};
      if (err.field) errors[err.field] = fieldKey(err);
      const line = lineOf(err, form);
      // Translated words replace the service's English: next to the field (the line above the
      // form then only points to it), or a form-level rule by its reason. English is the
      // fallback for a refusal no table words yet.
      const formRule = err.field ? undefined : serviceRuleKey(err);
      const own = line === REFUSED ? (err.field ? FIX_MARKED : formRule) : undefined;
      if (line) errors[form.field ?? 'form'] ??= own ?? line;
      if (Object.keys(errors).length) return { status: err.status, errors, refusal: line && !own ? err.message : undefined };
    }
    if (err.code === 'UNAUTHORIZED') return { status: 303, errors: {}, errorPage: true, redirect: '/login' };
    return { status: err.status, errors: { form: lineOf(err, ERROR_PAGE) ?? 'error.server' }, errorPage: true };
  }
  const status = httpStatusOf(err);
  return { status, errors: { form: errorTitleOf(status) }, errorPage: true };
}

export type Attempt<T> = { done: T; refused?: undefined } | { done?: undefined; refused: PageState };

/**
 * Runs a form's action: what it answered, or the page state of a refusal the form shows. Anything
 * else is rethrown, for the exception filter's error page.
 */
export async function attempt<T>(run: () => Promise<T>, form: FormWords): Promise<Attempt<T>> {
  try {
    return { done: await run() };
  } catch (err) {
    const refused = pageStateOf(err, form);
    if (refused.errorPage) throw err;
    return { refused };
  }
}
