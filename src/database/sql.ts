import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { toDialect } from './sql-dialect';

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
 * One multi-row INSERT built from the entity's column metadata (names, transformers, booleans),
 * optionally with RETURNING. The query builder does the same but copies its whole parameter
 * map once per value (quadratic in the rows of a batch), and it emits no RETURNING for SQLite,
 * which has had it since 3.35. Columns no row sets are left to their defaults.
 */
export async function bulkInsert<T extends ObjectLiteral>(
  em: EntityManager,
  target: EntityTarget<T>,
  rows: Partial<T>[],
  returning: (keyof T & string)[] = [],
): Promise<Record<string, unknown>[]> {
  if (!rows.length) return [];
  const meta = em.connection.getMetadata(target);
  const driver = em.connection.driver;
  const sqlite = driver.options.type === 'sqlite';
  const columns = meta.columns.filter((c) => rows.some((r) => (r as ObjectLiteral)[c.propertyName] !== undefined));
  const params: unknown[] = [];
  const values = rows.map((r) => {
    const cells = columns.map((c) => {
      const v = (r as ObjectLiteral)[c.propertyName];
      if (v === undefined) return 'NULL';
      params.push(driver.preparePersistentValue(v, c));
      return sqlite ? '?' : `$${params.length}`;
    });
    return `(${cells.join(', ')})`;
  });
  const names = columns.map((c) => driver.escape(c.databaseName)).join(', ');
  let sql = `INSERT INTO ${driver.escape(meta.tableName)} (${names}) VALUES ${values.join(', ')}`;
  if (!returning.length) {
    await em.query(sql, params);
    return [];
  }
  sql += ` RETURNING ${returning.map((p) => driver.escape(meta.findColumnWithPropertyName(p)!.databaseName)).join(', ')}`;
  // TypeORM's SQLite runner discards the rows of a statement starting with INSERT; a leading
  // comment makes it fetch them.
  return em.query(sqlite ? `/* returning */ ${sql}` : sql, params);
}

/**
 * Sets one column of several rows, each to its own value, in one statement
 * (`UPDATE … SET c = CASE id WHEN … END WHERE id IN (…)`).
 */
export async function setColumnById(em: EntityManager, table: string, column: string, values: { id: number; value: unknown }[]): Promise<void> {
  if (!values.length) return;
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const cases = values.map((v) => `WHEN ${p(v.id)} THEN ${p(v.value)}`).join(' ');
  const ids = values.map((v) => p(v.id)).join(', ');
  await queryRows(em, `UPDATE ${table} SET ${column} = CASE id ${cases} END WHERE id IN (${ids})`, params);
}
