import { TableColumnOptions, TableForeignKeyOptions, TableIndexOptions } from 'typeorm';

/*
 * Column, key and index shorthands for the migrations in this folder. Every migration imports only
 * typeorm and files of this folder, never the app (test/unit/migrations-self-contained.spec.ts):
 * a migration is history, and runtime code changes. For the same reason these helpers never
 * change what they return; a new need is a new helper.
 *
 * A migration that rebuilds the complaints or complaint_key_populations table on SQLite (TypeORM's
 * path for most ALTERs) drops the statistics triggers with it and must create them again itself
 * (see 1764000003000-statistics.ts); nothing else installs them.
 *
 * Instants are bigint epoch milliseconds; calendar dates are 'YYYY-MM-DD' varchar(10).
 */
export const id = (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' });
export const col = (name: string, type: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type, isNullable: false, ...extra });
export const nullable = (name: string, type: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type, isNullable: true, ...extra });
export const fk = (column: string, table: string, onDelete: TableForeignKeyOptions['onDelete'] = 'RESTRICT'): TableForeignKeyOptions => ({
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete,
});
export const idx = (name: string, columns: string[], isUnique = false): TableIndexOptions => ({ name, columnNames: columns, isUnique });
