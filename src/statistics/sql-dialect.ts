/**
 * Statistics queries are written once with `?` placeholders; PostgreSQL wants `$1, $2…`.
 * The SQL here never contains a literal question mark, so a plain rewrite is safe.
 */
export function placeholders(sql: string, sqlite: boolean): string {
  if (sqlite) return sql;
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** pg returns COUNT/SUM as strings; SQLite as numbers. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
