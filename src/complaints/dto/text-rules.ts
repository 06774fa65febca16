import { registerDecorator, ValidationOptions } from 'class-validator';

// NUL cannot be stored in PostgreSQL text; other control characters are never meaningful in a form.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** Free text without control characters (tabs and line breaks allowed). */
export function PlainText(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'plainText',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must not contain control characters`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || !CONTROL.test(value) },
    });
}

/** Largest id a 32-bit integer column holds; bigger numbers would be a database error, not a 400. */
export const MAX_ID = 2_147_483_647;

/**
 * Query-string ids: only plain decimal digits become numbers (Number() would also take '0x1',
 * '1e3' or ' 1 '); anything else stays a string and fails @IsInt with a clear message.
 */
export const strictInt = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value);

/** A positive 32-bit id, reported with one message however it fails. */
export function IsId(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isId',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a positive whole number`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_ID },
    });
}

/** Letters of any script (digits, punctuation and symbols do not count). */
export const letterCount = (s: string): number => (s.match(/\p{L}/gu) ?? []).length;

/** A text that says something in words: at least `min` letters (`">"` or `"..."` is no complaint). */
export function HasLetters(min: number, options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasLetters',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [min],
      options: { message: `${String(propertyName)} must say what happened in words (at least ${min} letters)`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || value === '' || letterCount(value) >= min },
    });
}
