import { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

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
