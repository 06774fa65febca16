import { MigrationInterface, QueryRunner, Table } from 'typeorm';
import { col, id } from './schema-helpers';

/*
 * Monthly rollup of escalation figures for stats/sla (src/statistics/escalation-rollup.ts explains
 * the scheme). As in 1764000003000, the trigger SQL is history and installed here only: a later
 * migration that rebuilds the escalations table on SQLite drops these triggers with the old table
 * and must create them again from its own copy of the SQL.
 *
 * Every change of a column the figures read marks the escalation's month dirty; a child escalation
 * (a step up the ladder) also marks its parent's month, whose "escalated up" count it changes.
 */
const WATCHED = 'created_at, responded_at, due_at, response_state, city_id, facility_id, parent_escalation_id';

/** Also 1764000013000's down(), which puts these back. */
export const OLD_SQLITE_TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS trg_escalations_stats_ins AFTER INSERT ON escalations BEGIN
     INSERT INTO escalation_stats_dirty (created_at) VALUES (NEW.created_at);
     INSERT INTO escalation_stats_dirty (created_at) SELECT created_at FROM escalations WHERE id = NEW.parent_escalation_id;
   END`,
  `CREATE TRIGGER IF NOT EXISTS trg_escalations_stats_upd AFTER UPDATE OF ${WATCHED} ON escalations BEGIN
     INSERT INTO escalation_stats_dirty (created_at) VALUES (NEW.created_at);
     INSERT INTO escalation_stats_dirty (created_at) SELECT OLD.created_at WHERE OLD.created_at <> NEW.created_at;
     INSERT INTO escalation_stats_dirty (created_at) SELECT created_at FROM escalations WHERE id = OLD.parent_escalation_id;
     INSERT INTO escalation_stats_dirty (created_at) SELECT created_at FROM escalations WHERE id = NEW.parent_escalation_id;
   END`,
  `CREATE TRIGGER IF NOT EXISTS trg_escalations_stats_del AFTER DELETE ON escalations BEGIN
     INSERT INTO escalation_stats_dirty (created_at) VALUES (OLD.created_at);
     INSERT INTO escalation_stats_dirty (created_at) SELECT created_at FROM escalations WHERE id = OLD.parent_escalation_id;
   END`,
];
export const OLD_POSTGRES_TRIGGERS = [
  `CREATE OR REPLACE FUNCTION kpac_escalation_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN
       INSERT INTO escalation_stats_dirty (created_at) VALUES (OLD.created_at);
       INSERT INTO escalation_stats_dirty (created_at) SELECT created_at FROM escalations WHERE id = OLD.parent_escalation_id;
     END IF;
     IF TG_OP <> 'DELETE' THEN
       INSERT INTO escalation_stats_dirty (created_at) VALUES (NEW.created_at);
       INSERT INTO escalation_stats_dirty (created_at) SELECT created_at FROM escalations WHERE id = NEW.parent_escalation_id;
     END IF;
     RETURN NULL;
   END $$`,
  `DROP TRIGGER IF EXISTS trg_escalations_stats ON escalations`,
  `CREATE TRIGGER trg_escalations_stats AFTER INSERT OR DELETE OR UPDATE OF ${WATCHED} ON escalations FOR EACH ROW EXECUTE FUNCTION kpac_escalation_stats_dirty()`,
];

export class EscalationRollup1764000012000 implements MigrationInterface {
  name = 'EscalationRollup1764000012000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'escalation_stats_monthly',
        columns: [
          col('month', 'varchar', { length: '7' }),
          col('city_id', 'integer'),
          col('facility_id', 'integer'),
          col('n', 'integer'),
          col('responded', 'integer'),
          col('within', 'integer'),
          // Unanswered and marked overdue by the sweep; awaiting ones past due are counted live.
          col('overdue', 'integer'),
          col('escalated_up', 'integer'),
          // Responded escalations per response-time bucket (tenths of a day), 'bucket:count' joined by
          // commas: a month holds thousands of (facility, bucket) pairs, and summing those rows in
          // SQL cost as much as counting the escalations themselves.
          col('histogram', 'text'),
        ],
        indices: [{ name: 'idx_esm_month', columnNames: ['month', 'city_id', 'facility_id'] }],
      }),
    );
    await q.createTable(new Table({ name: 'escalation_stats_months', columns: [col('month', 'varchar', { length: '7', isPrimary: true }), col('built_at', 'bigint')] }));
    await q.createTable(new Table({ name: 'escalation_stats_dirty', columns: [id(), col('created_at', 'bigint')] }));
    for (const sql of q.connection.driver.options.type === 'postgres' ? OLD_POSTGRES_TRIGGERS : OLD_SQLITE_TRIGGERS) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS trg_escalations_stats ON escalations');
      await q.query('DROP FUNCTION IF EXISTS kpac_escalation_stats_dirty()');
    } else {
      for (const t of ['trg_escalations_stats_ins', 'trg_escalations_stats_upd', 'trg_escalations_stats_del']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
    }
    for (const t of ['escalation_stats_dirty', 'escalation_stats_months', 'escalation_stats_monthly']) await q.dropTable(t);
  }
}
