import { EntityManager } from 'typeorm';

/**
 * Runs one statement written with PostgreSQL `$1` placeholders on either dialect (SQLite reads
 * them as `?1`). Used for the few upserts the query builder cannot express portably.
 */
export async function queryRows<T = Record<string, unknown>>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  if (em.connection.options.type !== 'sqlite') return em.query(sql, params);
  // TypeORM's SQLite runner discards rows of statements that start with INSERT/UPDATE, which
  // would lose RETURNING; a leading comment makes it fetch them.
  return em.query(`/* returning */ ${sql.replace(/\$(\d+)/g, '?$1')}`, params);
}
