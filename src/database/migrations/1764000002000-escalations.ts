import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, fk, id, idx, nullable } from './schema-helpers';

export class Escalations1764000002000 implements MigrationInterface {
  name = 'Escalations1764000002000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'escalations',
        columns: [
          id(),
          col('complaint_id', 'integer'),
          col('city_id', 'integer'),
          col('facility_id', 'integer'),
          col('rung', 'integer'),
          nullable('parent_escalation_id', 'integer'),
          col('summary', 'text'),
          col('disclose_identity', 'boolean', { default: false }),
          col('due_at', 'bigint'),
          col('delivery_state', 'varchar', { length: '16' }),
          col('response_state', 'varchar', { length: '16' }),
          nullable('response', 'text'),
          nullable('responded_at', 'bigint'),
          nullable('responded_by', 'integer'),
          nullable('token_hash', 'varchar', { length: '64' }),
          nullable('token_enc', 'text'),
          col('token_expires_at', 'bigint'),
          nullable('token_used_at', 'bigint'),
          nullable('created_by', 'integer'),
          col('created_at', 'bigint'),
          col('updated_at', 'bigint'),
          nullable('last_error', 'varchar', { length: '500' }),
        ],
        foreignKeys: [
          fk('complaint_id', 'complaints'),
          fk('city_id', 'cities'),
          fk('facility_id', 'facilities'),
          fk('parent_escalation_id', 'escalations'),
          fk('responded_by', 'users'),
          fk('created_by', 'users'),
        ],
        indices: [
          idx('idx_escalations_complaint', ['complaint_id', 'id']),
          // Scoped lists, newest first, keyset on id.
          idx('idx_escalations_city', ['city_id', 'id']),
          idx('idx_escalations_facility', ['facility_id', 'id']),
          // SLA statistics: response times per facility and period.
          idx('idx_escalations_sla', ['facility_id', 'created_at', 'responded_at']),
          // The sweep's breach scan.
          { name: 'idx_escalations_awaiting_due', columnNames: ['due_at'], where: "response_state = 'awaiting'" },
          idx('idx_escalations_token', ['token_hash'], true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'mail_sends',
        columns: [
          id(),
          col('subject_key', 'varchar', { length: '64' }),
          col('step', 'varchar', { length: '32' }),
          col('audience', 'varchar', { length: '16' }),
          nullable('escalation_id', 'integer'),
          nullable('council_id', 'integer'),
          nullable('term_id', 'integer'),
          col('state', 'varchar', { length: '16' }),
          col('attempts', 'integer', { default: 0 }),
          col('message_id', 'varchar', { length: '200' }),
          col('due_at', 'bigint'),
          nullable('claimed_at', 'bigint'),
          nullable('sent_at', 'bigint'),
          nullable('last_error', 'varchar', { length: '500' }),
          col('created_at', 'bigint'),
          col('updated_at', 'bigint'),
        ],
        foreignKeys: [fk('escalation_id', 'escalations'), fk('council_id', 'councils'), fk('term_id', 'terms')],
        indices: [
          idx('uq_mail_sends_key_step', ['subject_key', 'step'], true),
          idx('idx_mail_sends_escalation', ['escalation_id']),
          // The sweep: steps not yet sent whose time has come.
          { name: 'idx_mail_sends_open_due', columnNames: ['due_at'], where: "state IN ('pending', 'sending')" },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'outbox',
        columns: [
          id(),
          col('job_name', 'varchar', { length: '64' }),
          col('job_id', 'varchar', { length: '128' }),
          col('payload', 'text'),
          nullable('run_at', 'bigint'),
          col('created_at', 'bigint'),
          nullable('relayed_at', 'bigint'),
          col('attempts', 'integer', { default: 0 }),
        ],
        indices: [{ name: 'idx_outbox_unrelayed', columnNames: ['id'], where: 'relayed_at IS NULL' }, idx('idx_outbox_relayed_at', ['relayed_at'])],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['outbox', 'mail_sends', 'escalations']) await q.dropTable(t);
  }
}
