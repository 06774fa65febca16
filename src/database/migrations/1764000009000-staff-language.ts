import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { nullable } from './schema-helpers';

/**
 * A staff account's preferred language for its notifications. Null: the usual language of the
 * member's council city (decided when a mail is composed, so existing accounts need no backfill).
 */
export class StaffLanguage1764000009000 implements MigrationInterface {
  name = 'StaffLanguage1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('users', new TableColumn(nullable('language', 'varchar', { length: '2' })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('users', 'language');
  }
}
