import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, idx, nullable } from './schema-helpers';

/**
 * Hardening: the key table (random key ids with check values, stored data keys); tracking
 * failures counted per reference AND client (a keyed hash of the address), so a stranger's wrong
 * codes never lock the complainant out; and the short-lived, one-device records that let a done
 * page show a tracking code again after a reload without the code ever sitting in a cookie.
 */
export class Hardening1764000006000 implements MigrationInterface {
  name = 'Hardening1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'encryption_keys',
        columns: [
          col('kid', 'varchar', { length: '32', isPrimary: true }),
          col('purpose', 'varchar', { length: '32' }),
          nullable('check_value', 'varchar', { length: '64' }),
          nullable('key_enc', 'text'),
          col('created_at', 'bigint'),
          nullable('retired_at', 'bigint'),
        ],
        indices: [idx('idx_encryption_keys_purpose', ['purpose'])],
      }),
    );
    // Per-reference counts cannot be split by client afterwards; they are throttle state only.
    await q.dropTable('tracking_failures');
    await q.createTable(
      new Table({
        name: 'tracking_failures',
        columns: [
          col('reference', 'varchar', { length: '20', isPrimary: true }),
          col('client_key', 'varchar', { length: '64', isPrimary: true }),
          col('count', 'integer'),
          col('last_failure_at', 'bigint'),
        ],
        indices: [idx('idx_tracking_failures_last', ['last_failure_at'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'page_handoffs',
        columns: [
          col('id_hash', 'varchar', { length: '64', isPrimary: true }),
          col('kind', 'varchar', { length: '16' }),
          col('payload_enc', 'text'),
          col('expires_at', 'bigint'),
          col('created_at', 'bigint'),
        ],
        indices: [idx('idx_page_handoffs_expires', ['expires_at'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('page_handoffs');
    await q.dropTable('tracking_failures');
    await q.createTable(
      new Table({
        name: 'tracking_failures',
        columns: [col('reference', 'varchar', { length: '20', isPrimary: true }), col('count', 'integer'), col('window_start', 'bigint')],
      }),
    );
    await q.dropTable('encryption_keys');
  }
}
