import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, fk, id, idx, nullable } from './schema-helpers';

export class Complaints1764000001000 implements MigrationInterface {
  name = 'Complaints1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'complaints',
        columns: [
          id(),
          col('reference', 'varchar', { length: '20', isUnique: true }),
          col('tracking_hash', 'varchar', { length: '64' }),
          col('channel', 'varchar', { length: '16' }),
          col('city_id', 'integer'),
          nullable('facility_id', 'integer'),
          col('category', 'varchar', { length: '32' }),
          col('description', 'text'),
          nullable('desired_outcome', 'text'),
          nullable('incident_date', 'varchar', { length: '10' }),
          col('key_populations', 'text'),
          nullable('gender', 'varchar', { length: '20' }),
          nullable('age_group', 'varchar', { length: '8' }),
          nullable('responsible_party_type', 'varchar', { length: '16' }),
          nullable('contact_enc', 'text'),
          nullable('contact_erased_at', 'bigint'),
          col('may_contact', 'boolean', { default: false }),
          col('disclose_identity', 'boolean', { default: false }),
          col('priority', 'varchar', { length: '8', default: "'normal'" }),
          col('status', 'varchar', { length: '16' }),
          nullable('reject_reason', 'varchar', { length: '16' }),
          nullable('outcome', 'varchar', { length: '32' }),
          nullable('decline_reason', 'varchar', { length: '32' }),
          nullable('outcome_by', 'integer'),
          nullable('outcome_at', 'bigint'),
          nullable('complainant_verified', 'boolean'),
          nullable('complainant_verified_at', 'bigint'),
          col('received_at', 'bigint'),
          col('received_quarter', 'varchar', { length: '7' }),
          nullable('created_by', 'integer'),
          col('created_at', 'bigint'),
          col('updated_at', 'bigint'),
          col('version', 'integer'),
        ],
        foreignKeys: [fk('city_id', 'cities'), fk('facility_id', 'facilities'), fk('outcome_by', 'users'), fk('created_by', 'users')],
        // Triage list: newest first, keyset on (received_at, id), filtered by scope and status.
        indices: [
          idx('idx_complaints_received', ['received_at', 'id']),
          idx('idx_complaints_city_received', ['city_id', 'received_at', 'id']),
          idx('idx_complaints_city_status_received', ['city_id', 'status', 'received_at', 'id']),
          idx('idx_complaints_status_received', ['status', 'received_at', 'id']),
          idx('idx_complaints_facility_received', ['facility_id', 'received_at', 'id']),
          idx('idx_complaints_outcome_at', ['status', 'outcome_at']),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'complaint_key_populations',
        columns: [col('complaint_id', 'integer', { isPrimary: true }), col('key_population', 'varchar', { length: '32', isPrimary: true })],
        foreignKeys: [fk('complaint_id', 'complaints', 'CASCADE')],
        indices: [idx('idx_ckp_kp', ['key_population', 'complaint_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'complaint_events',
        columns: [
          id(),
          col('complaint_id', 'integer'),
          col('at', 'bigint'),
          col('type', 'varchar', { length: '32' }),
          col('public', 'boolean', { default: true }),
          nullable('actor_user_id', 'integer'),
          nullable('note', 'text'),
          nullable('data', 'text'),
        ],
        foreignKeys: [fk('complaint_id', 'complaints', 'CASCADE'), fk('actor_user_id', 'users')],
        indices: [idx('idx_complaint_events_complaint', ['complaint_id', 'id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'reference_counters',
        columns: [col('city_id', 'integer', { isPrimary: true }), col('year', 'integer', { isPrimary: true }), col('last_value', 'integer')],
        foreignKeys: [fk('city_id', 'cities')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'feedback',
        columns: [
          id(),
          col('facility_id', 'integer'),
          col('waiting_time', 'smallint'),
          col('staff_attitude', 'smallint'),
          col('opening_hours', 'smallint'),
          col('confidentiality', 'smallint'),
          col('overall', 'smallint'),
          nullable('comment', 'text'),
          col('created_at', 'bigint'),
          col('quarter', 'varchar', { length: '7' }),
        ],
        foreignKeys: [fk('facility_id', 'facilities')],
        indices: [idx('idx_feedback_facility_quarter', ['facility_id', 'quarter'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['feedback', 'reference_counters', 'complaint_events', 'complaint_key_populations', 'complaints']) await q.dropTable(t);
  }
}
