import { registerDecorator, ValidationOptions } from 'class-validator';
import { isValidDate } from './dates';

/** A real calendar date written 'YYYY-MM-DD' (no time part; impossible dates such as 2026-02-30 fail). */
export function IsCalendarDate(options: ValidationOptions = {}): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be a date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isValidDate(value) },
    });
}
