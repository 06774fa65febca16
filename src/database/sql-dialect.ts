/*
 * One placeholder style for every hand-written statement: PostgreSQL's own `$1, $2, …` (a statement
 * may use one value twice). SQLite reads the same numbered parameters as `?1, ?2, …`, so the one
 * rewrite is `$n` → `?n`. Dollar-quoted PostgreSQL bodies (`$$`) carry no digit and are left alone.
 */
export function toDialect(sql: string, isSqlite: boolean): string {
  return isSqlite ? sql.replace(/\$(\d+)/g, '?$1') : sql;
}

/** Appends `value` to `params` and returns its placeholder (`$n`). */
export function param(params: unknown[], value: unknown): string {
  return `$${params.push(value)}`;
}

/** Placeholders for an `IN (…)` list, appending each value to `params`. */
export function paramList(params: unknown[], values: readonly unknown[]): string {
  return values.map((v) => param(params, v)).join(', ');
}

/** pg returns COUNT/SUM and bigint columns as strings; SQLite as numbers. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
