import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import { inputRuleKey, withArgs } from './field-rules';
import type { FieldErrors } from './web-errors';

/** class-validator constraint names → message keys (validation.*) shown next to a field. */
const CONSTRAINT_KEYS: Record<string, string> = {
  isNotEmpty: 'validation.required',
  isDefined: 'validation.required',
  isIn: 'validation.invalid',
  isInt: 'validation.invalid',
  min: 'validation.invalid',
  max: 'validation.invalid',
  maxLength: 'validation.tooLong',
  minLength: 'validation.tooShort',
  isEmail: 'validation.email',
  isCalendarDate: 'validation.date',
  matches: 'validation.generic',
  hasLetters: 'validation.describe',
};

/** A too-long text is told its limit (`validation.atMost?n=5000`): class-validator's message holds the number. */
function atMost(message: string): string {
  const limit = /(\d+) characters/.exec(message)?.[1];
  return limit ? withArgs('validation.atMost', { n: limit }) : 'validation.tooLong';
}

function collect(errors: ValidationError[], prefix: string, out: FieldErrors): void {
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) {
      const names = Object.keys(e.constraints);
      // A rule stated for this field (field-rules.ts) first, then the kind of check.
      const rule = e.target ? names.map((n) => inputRuleKey(e.target!.constructor, e.property, n)).find(Boolean) : undefined;
      const hit = names.find((n) => CONSTRAINT_KEYS[n]);
      out[field] ??= rule ?? (hit === 'maxLength' ? atMost(e.constraints.maxLength) : hit ? CONSTRAINT_KEYS[hit] : 'validation.generic');
    }
    if (e.children?.length) collect(e.children, field, out);
  }
}

/**
 * Validates a form with the feature's own DTO (the same rules as its JSON API), so the web layer
 * never restates them. Answers the DTO or the field errors.
 */
export async function validateForm<T extends object>(cls: ClassConstructor<T>, plain: Record<string, unknown>): Promise<{ dto: T; errors: FieldErrors }> {
  const dto = plainToInstance(cls, plain);
  const errors: FieldErrors = {};
  collect(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }), '', errors);
  return { dto, errors };
}
