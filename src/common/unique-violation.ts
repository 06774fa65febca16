import { QueryFailedError } from 'typeorm';
import { conflict, DomainError } from './domain-errors';

/** True when the database refused a row because a unique index already holds its value. */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const driverError = (err as QueryFailedError & { driverError?: { code?: string; message?: string } }).driverError;
  // PostgreSQL: SQLSTATE 23505. SQLite: SQLITE_CONSTRAINT with a "UNIQUE constraint failed" message.
  return driverError?.code === '23505' || (driverError?.code === 'SQLITE_CONSTRAINT' && /UNIQUE/i.test(driverError.message ?? ''));
}

/**
 * Runs a write and turns a unique-index refusal into a 409. The services check for duplicates
 * first; this covers two concurrent requests on PostgreSQL that both passed that check.
 */
export async function conflictOnDuplicate<T>(work: () => Promise<T>, message: string): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof DomainError) && isUniqueViolation(err)) throw conflict(message);
    throw err;
  }
}
