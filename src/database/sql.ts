import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { param, toDialect } from './sql-dialect';

/*
 * Hand-written statements for the hot write paths (intake, escalation, mail state), portable
 * between SQLite and PostgreSQL.
 */

/**
 * Runs one statement written with PostgreSQL `$1` placeholders on either dialect (SQLite reads
 * them as `?1`). Used for the few upserts the query builder cannot express portably.
 */
export async function queryRows<T = Record<string, unknown>>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  if (em.connection.options.type !== 'sqlite') {
    const result = await em.query(sql, params);
    // TypeORM answers an UPDATE or DELETE on PostgreSQL with [rows, rowCount].
    return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number' ? result[0] : result;
  }
  // TypeORM's SQLite runner discards rows of statements that start with INSERT/UPDATE, which
  // would lose RETURNING; a leading comment makes it fetch them.
  return em.query(`/* returning */ ${toDialect(sql, true)}`, params);
}

/**
 * One multi-row INSERT built from the entity's column metadata (names, transformers, booleans).
 * The query builder does the same but copies its whole parameter map once per value (quadratic
 * in the rows of a batch). Columns no row sets are left to their defaults.
 */
export async function bulkInsert<T extends ObjectLiteral>(em: EntityManager, target: EntityTarget<T>, rows: Partial<T>[]): Promise<void> {
  if (!rows.length) return;
  const meta = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const columns = meta.columns.filter((c) => rows.some((r) => (r as ObjectLiteral)[c.propertyName] !== undefined));
  const params: unknown[] = [];
  const values = rows.map((r) => {
    const cells = columns.map((c) => {
      const v = (r as ObjectLiteral)[c.propertyName];
      return v === undefined ? 'NULL' : param(params, driver.preparePersistentValue(v, c));
    });
    return `(${cells.join(', ')})`;
  });
  const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
  await em.query(toDialect(`INSERT INTO ${driver.escape(meta.tableName)} (${names}) VALUES ${values.join(', ')}`, driver.options.type === 'sqlite'), params);
}
