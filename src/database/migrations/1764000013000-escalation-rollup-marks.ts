import { MigrationInterface, QueryRunner } from 'typeorm';
import { OLD_POSTGRES_TRIGGERS, OLD_SQLITE_TRIGGERS } from './1764000012000-escalation-rollup';

/*
 * The escalations' rollup is marked per month *and facility*, and only by changes that alter a
 * rolled-up figure. Before, every change of a watched column marked its whole month: the SLA
 * sweep superseding awaiting escalations (which changes no rolled-up figure) made the next
 * stats/sla recount ~10,000 escalations of the month. A mark with facility_id NULL (rows written
 * before this migration) still means the whole month.
 *
 * Figures per escalation: counted (created_at, city_id, facility_id), responded (responded_at),
 * within (responded_at <= due_at), overdue (responded_at IS NULL AND response_state = 'overdue'),
 * and for its parent "escalated up" (parent_escalation_id). Awaiting escalations past due are
 * counted live, so awaiting -> superseded changes nothing here.
 */
const UPDATE_CHANGES_FIGURES = `OLD.created_at IS NOT NEW.created_at OR OLD.city_id IS NOT NEW.city_id OR OLD.facility_id IS NOT NEW.facility_id
  OR OLD.parent_escalation_id IS NOT NEW.parent_escalation_id OR OLD.responded_at IS NOT NEW.responded_at
  OR (NEW.responded_at IS NOT NULL AND OLD.due_at IS NOT NEW.due_at)
  OR (OLD.responded_at IS NULL AND OLD.response_state = 'overdue') IS NOT (NEW.responded_at IS NULL AND NEW.response_state = 'overdue')`;
const WATCHED = 'created_at, responded_at, due_at, response_state, city_id, facility_id, parent_escalation_id';
const PARENT = (ref: 'NEW' | 'OLD') => `INSERT INTO escalation_stats_dirty (created_at, facility_id) SELECT created_at, facility_id FROM escalations WHERE id = ${ref}.parent_escalation_id`;

const SQLITE_TRIGGERS = [
  `CREATE TRIGGER trg_escalations_stats_ins AFTER INSERT ON escalations BEGIN
     INSERT INTO escalation_stats_dirty (created_at, facility_id) VALUES (NEW.created_at, NEW.facility_id);
     ${PARENT('NEW')};
   END`,
  `CREATE TRIGGER trg_escalations_stats_upd AFTER UPDATE OF ${WATCHED} ON escalations WHEN ${UPDATE_CHANGES_FIGURES} BEGIN
     INSERT INTO escalation_stats_dirty (created_at, facility_id) VALUES (NEW.created_at, NEW.facility_id);
     INSERT INTO escalation_stats_dirty (created_at, facility_id) SELECT OLD.created_at, OLD.facility_id WHERE OLD.created_at IS NOT NEW.created_at OR OLD.facility_id IS NOT NEW.facility_id;
     ${PARENT('OLD')} AND OLD.parent_escalation_id IS NOT NEW.parent_escalation_id;
     ${PARENT('NEW')} AND OLD.parent_escalation_id IS NOT NEW.parent_escalation_id;
   END`,
  `CREATE TRIGGER trg_escalations_stats_del AFTER DELETE ON escalations BEGIN
     INSERT INTO escalation_stats_dirty (created_at, facility_id) VALUES (OLD.created_at, OLD.facility_id);
     ${PARENT('OLD')};
   END`,
];
const POSTGRES_TRIGGERS = [
  `CREATE OR REPLACE FUNCTION kpac_escalation_stats_dirty() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'UPDATE' AND NOT (${UPDATE_CHANGES_FIGURES.replace(/ IS NOT /g, ' IS DISTINCT FROM ')}) THEN
       RETURN NULL;
     END IF;
     IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND (OLD.created_at <> NEW.created_at OR OLD.facility_id <> NEW.facility_id)) THEN
       INSERT INTO escalation_stats_dirty (created_at, facility_id) VALUES (OLD.created_at, OLD.facility_id);
     END IF;
     IF TG_OP <> 'DELETE' THEN
       INSERT INTO escalation_stats_dirty (created_at, facility_id) VALUES (NEW.created_at, NEW.facility_id);
     END IF;
     IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.parent_escalation_id IS DISTINCT FROM NEW.parent_escalation_id) THEN
       ${PARENT('OLD')};
     END IF;
     IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.parent_escalation_id IS DISTINCT FROM NEW.parent_escalation_id) THEN
       ${PARENT('NEW')};
     END IF;
     RETURN NULL;
   END $$`,
];

export class EscalationRollupMarks1764000013000 implements MigrationInterface {
  name = 'EscalationRollupMarks1764000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE escalation_stats_dirty ADD COLUMN facility_id integer');
    if (q.connection.driver.options.type === 'postgres') {
      // The trigger itself (AFTER INSERT OR DELETE OR UPDATE OF the watched columns) stays; its function changes.
      for (const sql of POSTGRES_TRIGGERS) await q.query(sql);
    } else {
      for (const t of ['trg_escalations_stats_ins', 'trg_escalations_stats_upd', 'trg_escalations_stats_del']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
      for (const sql of SQLITE_TRIGGERS) await q.query(sql);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    if (q.connection.driver.options.type === 'postgres') {
      for (const sql of OLD_POSTGRES_TRIGGERS) await q.query(sql);
    } else {
      for (const t of ['trg_escalations_stats_ins', 'trg_escalations_stats_upd', 'trg_escalations_stats_del']) await q.query(`DROP TRIGGER IF EXISTS ${t}`);
      for (const sql of OLD_SQLITE_TRIGGERS) await q.query(sql);
    }
    await q.query('ALTER TABLE escalation_stats_dirty DROP COLUMN facility_id');
  }
}
