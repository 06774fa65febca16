import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, fk, id, idx, nullable } from './schema-helpers';

/**
 * The Telegram bot (issue 15). A complaint may carry the chat to notify (encrypted, with a keyed
 * hash of the chat id so /forget finds it) only when the person opted in; erased with the contact
 * details. Conversations in progress are kept by that keyed hash, their draft encrypted, for 30
 * minutes of idleness at most. One row per complaint event to announce, so each is sent once.
 *
 * Plain ALTER TABLE on complaints: TypeORM's SQLite addColumn rebuilds the table, which would drop
 * the statistics triggers.
 */
export class Telegram1764000011000 implements MigrationInterface {
  name = 'Telegram1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE complaints ADD COLUMN notify_chat_enc text NULL');
    await q.query('ALTER TABLE complaints ADD COLUMN notify_chat_key varchar(64) NULL');
    await q.query('ALTER TABLE complaints ADD COLUMN notify_language varchar(2) NULL');
    await q.query('CREATE INDEX idx_complaints_notify_chat_key ON complaints (notify_chat_key)');
    await q.createTable(
      new Table({
        name: 'telegram_conversations',
        columns: [
          col('chat_key', 'varchar', { length: '64', isPrimary: true }),
          nullable('language', 'varchar', { length: '2' }),
          nullable('state_enc', 'text'),
          col('window_start', 'bigint'),
          col('window_count', 'integer'),
          col('updated_at', 'bigint'),
        ],
        indices: [idx('idx_telegram_conversations_updated', ['updated_at'])],
      }),
    );
    await q.createTable(
      new Table({
        name: 'telegram_sends',
        columns: [
          id(),
          col('complaint_id', 'integer'),
          col('event_key', 'varchar', { length: '64' }),
          col('state', 'varchar', { length: '16' }),
          col('attempts', 'integer'),
          nullable('last_error', 'varchar', { length: '64' }),
          col('created_at', 'bigint'),
          col('updated_at', 'bigint'),
          nullable('sent_at', 'bigint'),
        ],
        foreignKeys: [fk('complaint_id', 'complaints', 'CASCADE')],
        indices: [idx('uq_telegram_sends_event', ['event_key'], true), idx('idx_telegram_sends_complaint', ['complaint_id'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('telegram_sends');
    await q.dropTable('telegram_conversations');
    await q.query('DROP INDEX idx_complaints_notify_chat_key');
    await q.query('ALTER TABLE complaints DROP COLUMN notify_language');
    await q.query('ALTER TABLE complaints DROP COLUMN notify_chat_key');
    await q.query('ALTER TABLE complaints DROP COLUMN notify_chat_enc');
  }
}
