import { MigrationInterface, QueryRunner, Table, TableColumn } from 'typeorm';
import { col, fk, id, idx, nullable } from './schema-helpers';

/**
 * Staff access (issue 11): web sessions kept server-side, the second factor (TOTP secret
 * encrypted at rest, the last time step accepted, hashed recovery codes), short-lived login
 * challenges (enrolment and second step). Login failures keep their table: per-account and
 * per-address counters share it under differently keyed hashes; old keys simply age out.
 */
export class StaffAccess1764000005000 implements MigrationInterface {
  name = 'StaffAccess1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('users', [
      new TableColumn(nullable('totp_secret_enc', 'text')),
      new TableColumn(nullable('totp_enabled_at', 'bigint')),
      new TableColumn(nullable('totp_last_step', 'bigint')),
    ]);
    await q.createTable(
      new Table({
        name: 'staff_sessions',
        columns: [
          id(),
          col('token_hash', 'varchar', { length: '64', isUnique: true }),
          col('user_id', 'integer'),
          col('token_version', 'integer'),
          col('created_at', 'bigint'),
          col('last_used_at', 'bigint'),
          col('expires_at', 'bigint'),
        ],
        foreignKeys: [fk('user_id', 'users', 'CASCADE')],
        indices: [idx('idx_staff_sessions_user', ['user_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'auth_challenges',
        columns: [
          id(),
          col('token_hash', 'varchar', { length: '64', isUnique: true }),
          col('user_id', 'integer'),
          col('purpose', 'varchar', { length: '16' }),
          nullable('secret_enc', 'text'),
          col('created_at', 'bigint'),
          col('expires_at', 'bigint'),
        ],
        foreignKeys: [fk('user_id', 'users', 'CASCADE')],
        indices: [idx('idx_auth_challenges_user', ['user_id'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'recovery_codes',
        columns: [id(), col('user_id', 'integer'), col('code_hash', 'varchar', { length: '64' }), nullable('used_at', 'bigint'), col('created_at', 'bigint')],
        foreignKeys: [fk('user_id', 'users', 'CASCADE')],
        indices: [idx('idx_recovery_codes_user_hash', ['user_id', 'code_hash'], true)],
      }),
    );
    // Counters keyed the old way (a plain hash of the e-mail) would never be read again.
    await q.query('DELETE FROM login_failures');
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['recovery_codes', 'auth_challenges', 'staff_sessions']) await q.dropTable(t);
    for (const c of ['totp_last_step', 'totp_enabled_at', 'totp_secret_enc']) await q.dropColumn('users', c);
  }
}
