import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, idx, nullable } from './schema-helpers';

/**
 * Complaint-box slips (issue 15): references and tracking-code hashes issued ahead of a complaint,
 * printed on paper and bound to a complaint by staff intake. `complaint_id` has no foreign key:
 * the slip is marked in the same unit of work before the complaint row is written (at flush).
 */
export class Slips1764000010000 implements MigrationInterface {
  name = 'Slips1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'slips',
        columns: [
          col('reference', 'varchar', { length: '20', isPrimary: true }),
          col('city_id', 'integer'),
          nullable('facility_id', 'integer'),
          col('code_hash', 'varchar', { length: '64' }),
          col('batch_id', 'varchar', { length: '36' }),
          nullable('issued_by', 'integer'),
          col('issued_at', 'bigint'),
          col('expires_at', 'bigint'),
          nullable('used_at', 'bigint'),
          nullable('complaint_id', 'integer'),
        ],
        foreignKeys: [
          { columnNames: ['city_id'], referencedTableName: 'cities', referencedColumnNames: ['id'], onDelete: 'RESTRICT' },
          { columnNames: ['facility_id'], referencedTableName: 'facilities', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
        indices: [idx('idx_slips_batch', ['batch_id']), idx('idx_slips_expires', ['expires_at'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('slips');
  }
}
