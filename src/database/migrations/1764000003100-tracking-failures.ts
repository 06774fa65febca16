import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col } from './schema-helpers';

export class TrackingFailures1764000003100 implements MigrationInterface {
  name = 'TrackingFailures1764000003100';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'tracking_failures',
        columns: [col('reference', 'varchar', { length: '20', isPrimary: true }), col('count', 'integer'), col('window_start', 'bigint')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('tracking_failures');
  }
}
