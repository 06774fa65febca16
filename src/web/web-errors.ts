/** Thrown by web guards and controllers to answer with a 303 redirect (e.g. to the login page). */
export class WebRedirect extends Error {
  constructor(readonly location: string) {
    super('redirect');
  }
}

/** Field-level validation messages, keyed by form field name; values are message keys. */
export type FieldErrors = Record<string, string>;
