import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, fk, id, idx, nullable } from './schema-helpers';

/** Hand-written with the QueryRunner API so the same migration runs on SQLite and PostgreSQL. */
export class Foundation1764000000000 implements MigrationInterface {
  name = 'Foundation1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'cities',
        columns: [id(), col('name', 'varchar', { length: '100', isUnique: true }), col('code', 'varchar', { length: '3', isUnique: true }), col('created_at', 'bigint')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'councils',
        columns: [
          id(),
          col('city_id', 'integer', { isUnique: true }),
          col('name', 'varchar', { length: '200' }),
          col('seats', 'integer', { default: 4 }),
          col('term_months', 'integer', { default: 24 }),
          col('created_at', 'bigint'),
        ],
        foreignKeys: [fk('city_id', 'cities')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'members',
        columns: [id(), col('council_id', 'integer'), col('name', 'varchar', { length: '200' }), col('created_at', 'bigint')],
        foreignKeys: [fk('council_id', 'councils')],
        indices: [idx('idx_members_council', ['council_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'terms',
        columns: [
          id(),
          col('member_id', 'integer'),
          col('council_id', 'integer'),
          col('constituency', 'varchar', { length: '32' }),
          col('term_start', 'varchar', { length: '10' }),
          col('term_end', 'varchar', { length: '10' }),
          nullable('ended_on', 'varchar', { length: '10' }),
          nullable('end_reason', 'varchar', { length: '16' }),
          col('created_at', 'bigint'),
        ],
        foreignKeys: [fk('member_id', 'members'), fk('council_id', 'councils')],
        indices: [idx('idx_terms_council_start', ['council_id', 'term_start']), idx('idx_terms_member', ['member_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'trainings',
        columns: [id(), col('member_id', 'integer'), col('topic', 'varchar', { length: '200' }), col('date', 'varchar', { length: '10' }), col('created_at', 'bigint')],
        foreignKeys: [fk('member_id', 'members')],
        indices: [idx('idx_trainings_member', ['member_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'facilities',
        columns: [
          id(),
          col('name', 'varchar', { length: '200' }),
          col('city_id', 'integer'),
          col('type', 'varchar', { length: '32' }),
          col('contact_emails', 'text'),
          col('language', 'varchar', { length: '2' }),
          col('sla_days', 'integer', { default: 10 }),
          nullable('parent_id', 'integer'),
          col('created_at', 'bigint'),
          col('updated_at', 'bigint'),
        ],
        foreignKeys: [fk('city_id', 'cities'), fk('parent_id', 'facilities')],
        indices: [idx('idx_facilities_city', ['city_id']), idx('idx_facilities_parent', ['parent_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'users',
        columns: [
          id(),
          col('email', 'varchar', { length: '254', isUnique: true }),
          col('password_hash', 'varchar', { length: '200' }),
          col('role', 'varchar', { length: '16' }),
          nullable('member_id', 'integer'),
          nullable('facility_id', 'integer'),
          col('active', 'boolean', { default: true }),
          col('token_version', 'integer', { default: 0 }),
          col('created_at', 'bigint'),
        ],
        foreignKeys: [fk('member_id', 'members'), fk('facility_id', 'facilities')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'login_failures',
        columns: [col('key', 'varchar', { length: '64', isPrimary: true }), col('count', 'integer'), col('window_start', 'bigint')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          id(),
          col('at', 'bigint'),
          nullable('actor_user_id', 'integer'),
          col('actor_type', 'varchar', { length: '16' }),
          col('action', 'varchar', { length: '64' }),
          col('entity', 'varchar', { length: '32' }),
          nullable('entity_id', 'varchar', { length: '64' }),
          nullable('details', 'text'),
        ],
        indices: [idx('idx_audit_at', ['at']), idx('idx_audit_actor_at', ['actor_user_id', 'at']), idx('idx_audit_entity', ['entity', 'entity_id'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['audit_events', 'login_failures', 'users', 'facilities', 'trainings', 'terms', 'members', 'councils', 'cities']) {
      await q.dropTable(t);
    }
  }
}
