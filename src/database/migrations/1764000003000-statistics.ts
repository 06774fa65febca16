import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';
import { col, id } from './schema-helpers';

/**
 * Covering indexes for the statistics routes. Each one holds every column its query reads, so
 * SQLite answers from the index alone; an index on the GROUP BY columns only made a 1M-row
 * aggregate slower (ENGINEERING-NOTES). Figures for each are in BENCHMARKS.md.
 */
const COMPLAINT_STATS_COLUMNS = ['status', 'outcome', 'facility_id', 'category', 'gender', 'age_group', 'received_quarter'];

/*
 * Rollup triggers (src/statistics/monthly-rollup.ts explains what they feed). Their SQL lives here,
 * in the migration, and is installed by it only: the text is part of history, so it is never edited
 * — a change of the triggers is a new migration. A later migration that rebuilds the complaints or
 * complaint_key_populations table on SQLite (TypeORM's path for most ALTERs) drops these triggers
 * with the old table, and must create them again itself, from its own copy of the SQL.
 */
const SQLITE_TRIGGERS = [
  `CREATE TRIGGER IF NOT EXISTS trg_complaints_stats_ins AFTER INSERT ON complaints BEGIN INSERT INTO complaint_stats_dirty (received_at) VALUES (NEW.received_at); END`,
  `CREATE TRIGGER IF NOT EXISTS trg_complaints_stats_upd AFTER UPDATE OF status, outcome, city_id, facility_id, category, gender, age_group, received_at ON complaints BEGIN
     INSERT INTO complaint_stats_dirty (received_at) VALUES (NEW.received_at);
     INSERT INTO complaint_stats_dirty (received_at) SELECT OLD.received_at WHERE OLD.received_at <> NEW.received_at;
   END`,
  `CREATE TRIGGER IF NOT EXISTS trg_complaints_stats_del AFTER DELETE ON complaints BEGIN INSERT INTO complaint_stats_dirty (received_at) VALUES (OLD.received_at); END`,
  `CREATE TRIGGER IF NOT EXISTS trg_ckp_stats_ins AFTER INSERT ON complaint_key_populations BEGIN INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = NEW.complaint_id; END`,
  `CREATE TRIGGER IF NOT EXISTS trg_ckp_stats_del AFTER DELETE ON complaint_key_populations BEGIN INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = OLD.complaint_id; END`,
];
const POSTGRES_TRIGGERS = [
  `CREATE OR REPLACE FUNCTION kpac_complaint_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP <> 'INSERT' THEN INSERT INTO complaint_stats_dirty (received_at) VALUES (OLD.received_at); END IF;
     IF TG_OP <> 'DELETE' THEN INSERT INTO complaint_stats_dirty (received_at) VALUES (NEW.received_at); END IF;
     RETURN NULL;
   END $$`,
  `CREATE OR REPLACE FUNCTION kpac_ckp_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'DELETE' THEN
       INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = OLD.complaint_id;
     ELSE
       INSERT INTO complaint_stats_dirty (received_at) SELECT received_at FROM complaints WHERE id = NEW.complaint_id;
     END IF;
     RETURN NULL;
   END $$`,
  `DROP TRIGGER IF EXISTS trg_complaints_stats ON complaints`,
  `CREATE TRIGGER trg_complaints_stats AFTER INSERT OR DELETE OR UPDATE OF status, outcome, city_id, facility_id, category, gender, age_group, received_at ON complaints FOR EACH ROW EXECUTE FUNCTION kpac_complaint_stats_dirty()`,
  `DROP TRIGGER IF EXISTS trg_ckp_stats ON complaint_key_populations`,
  `CREATE TRIGGER trg_ckp_stats AFTER INSERT OR DELETE ON complaint_key_populations FOR EACH ROW EXECUTE FUNCTION kpac_ckp_stats_dirty()`,
];

export class Statistics1764000003000 implements MigrationInterface {
  name = 'Statistics1764000003000';

  async up(q: QueryRunner): Promise<void> {
    // Monthly rollup of complaint counts (src/statistics/monthly-rollup.ts explains the scheme).
    await q.createTable(
      new Table({
        name: 'complaint_stats_monthly',
        columns: [
          col('month', 'varchar', { length: '7' }),
          col('city_id', 'integer'),
          col('dim', 'varchar', { length: '16' }),
          col('value', 'varchar', { length: '40' }),
          col('bucket', 'varchar', { length: '32' }),
          col('n', 'integer'),
        ],
        indices: [{ name: 'idx_csm_lookup', columnNames: ['dim', 'month', 'city_id', 'value', 'bucket', 'n'] }],
      }),
    );
    await q.createTable(new Table({ name: 'complaint_stats_months', columns: [col('month', 'varchar', { length: '7', isPrimary: true }), col('built_at', 'bigint')] }));
    await q.createTable(new Table({ name: 'complaint_stats_dirty', columns: [id(), col('received_at', 'bigint')] }));
    for (const sql of q.connection.driver.options.type === 'postgres' ? POSTGRES_TRIGGERS : SQLITE_TRIGGERS) await q.query(sql);
    // National figures for a period: a range of received_at.
    await q.createIndex('complaints', new TableIndex({ name: 'idx_complaints_stats', columnNames: ['received_at', 'city_id', ...COMPLAINT_STATS_COLUMNS] }));
    // A council's figures: one city, then the period.
    await q.createIndex('complaints', new TableIndex({ name: 'idx_complaints_city_stats', columnNames: ['city_id', 'received_at', ...COMPLAINT_STATS_COLUMNS] }));
    await q.createIndex(
      'feedback',
      new TableIndex({
        name: 'idx_feedback_stats',
        columnNames: ['created_at', 'facility_id', 'quarter', 'waiting_time', 'staff_attitude', 'opening_hours', 'confidentiality', 'overall'],
      }),
    );
    // The escalations table comes with its own migration (1764000002000), listed before this one.
    if (await q.hasTable('escalations')) {
      await q.createIndex(
        'escalations',
        // Facility first, like idx_escalations_sla, so the planner takes this one (it covers the query).
        new TableIndex({ name: 'idx_escalations_stats', columnNames: ['facility_id', 'created_at', 'responded_at', 'due_at', 'response_state', 'city_id'] }),
      );
      await q.createIndex('escalations', new TableIndex({ name: 'idx_escalations_parent', columnNames: ['parent_escalation_id'] }));
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      await q.query('DROP TRIGGER IF EXISTS trg_complaints_stats ON complaints');
      await q.query('DROP TRIGGER IF EXISTS trg_ckp_stats ON complaint_key_populations');
      await q.query('DROP FUNCTION IF EXISTS kpac_complaint_stats_dirty()');
      await q.query('DROP FUNCTION IF EXISTS kpac_ckp_stats_dirty()');
    } else {
      for (const t of ['trg_complaints_stats_ins', 'trg_complaints_stats_upd', 'trg_complaints_stats_del', 'trg_ckp_stats_ins', 'trg_ckp_stats_del']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
    }
    for (const t of ['complaint_stats_dirty', 'complaint_stats_months', 'complaint_stats_monthly']) await q.dropTable(t);
    if (await q.hasTable('escalations')) {
      for (const name of ['idx_escalations_parent', 'idx_escalations_stats']) if ((await q.getTable('escalations'))?.indices.some((i) => i.name === name)) await q.dropIndex('escalations', name);
    }
    await q.dropIndex('feedback', 'idx_feedback_stats');
    await q.dropIndex('complaints', 'idx_complaints_city_stats');
    await q.dropIndex('complaints', 'idx_complaints_stats');
  }
}
