import { ColumnOptions, ValueTransformer } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds (bigint): the same SQL on SQLite and PostgreSQL,
 * no driver time-zone surprises, cheap range scans.
 */
const epochMs: ValueTransformer = {
  to: (v: Date | null | undefined) => (v === null || v === undefined ? v : v.getTime()),
  from: (v: string | number | null) => (v === null || v === undefined ? null : new Date(Number(v))),
};

export const instant = (opts: Partial<ColumnOptions> = {}): ColumnOptions => ({ type: 'bigint', transformer: epochMs, ...opts });

/** bigint counters come back from pg as strings. */
export const bigintNumber: ValueTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null || v === undefined ? null : Number(v)),
};

/** JSON kept as text so both dialects store it the same way. */
export const jsonText: ValueTransformer = {
  to: (v: unknown) => (v === undefined ? undefined : v === null ? null : JSON.stringify(v)),
  from: (v: string | null) => (v === null || v === undefined ? null : JSON.parse(v)),
};
